import Foundation
import GraphModel
import Testing

@Suite struct UUIDTests {
    @Test func lowercasedStringIsTheUUIDStringInLowerCase() {
        for _ in 0..<100 {
            let uuid = UUID()
            #expect(uuid.lowercasedString == uuid.uuidString.lowercased())
        }
        let fixed = UUID(uuidString: "112F7296-5FA4-42CA-BAE8-6A692B15D4B8")!
        #expect(fixed.lowercasedString == "112f7296-5fa4-42ca-bae8-6a692b15d4b8")
    }

    @Test func randomUUIDsAreVersion4AndNeverRepeat() {
        // Several refills of the pool (256 ids each).
        var seen = Set<UUID>()
        for _ in 0..<2000 {
            let uuid = UUID.random()
            let text = uuid.lowercasedString
            #expect(Array(text)[14] == "4", "\(text)")
            #expect("89ab".contains(Array(text)[19]), "\(text)")
            seen.insert(uuid)
        }
        #expect(seen.count == 2000)
    }
}
