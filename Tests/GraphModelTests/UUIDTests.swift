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
}
