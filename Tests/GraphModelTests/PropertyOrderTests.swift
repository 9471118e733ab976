import Foundation
import GraphModel
import SwitchboardTesting
import Testing

/// Output is deterministic and in Graph's order: `@odata.context`, `@odata.type`, then each
/// type's properties in the order of the v1.0 metadata (base type first), beta and open
/// properties after. Checked on every object of every seed body, re-encoded.
@Suite struct PropertyOrderTests {
    /// Each metadata type's properties, base types first (from the CSDL extract).
    static let metadataOrder: [String: [String]] = {
        let url = SeedFixtures.directory.deletingLastPathComponent().appendingPathComponent("graph-calls-csdl-v1.txt")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        var own: [String: [String]] = [:]
        var base: [String: String] = [:]
        var current: String?
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ").map(String.init)
            if line.hasPrefix("## "), words.count >= 3 {
                let name = words[2].graphTypeName
                current = name
                own[name] = []
                if let baseWord = words.first(where: { $0.hasPrefix("BaseType=") }) {
                    base[name] = String(baseWord.dropFirst("BaseType=".count)).graphTypeName
                }
            } else if let current, words.first == "P", words.count >= 2 {
                own[current]?.append(String(words[1].dropLast()))
            }
        }
        own["entity"] = ["id"]
        var result: [String: [String]] = [:]
        for name in own.keys {
            var chain: [String] = []
            var type: String? = name
            while let t = type {
                chain.insert(t, at: 0)
                type = base[t]
            }
            result[name] = chain.flatMap { own[$0] ?? [] }
        }
        return result
    }()

    @Test func theMetadataExtractIsRead() {
        #expect(Self.metadataOrder["call"]?.first == "id")
        #expect(Self.metadataOrder["call"]?.contains("transcription") == true)
        #expect(Self.metadataOrder["recordOperation"] == ["id", "clientContext", "resultInfo", "status", "recordingAccessToken", "recordingLocation"])
    }

    @Test(arguments: SeedFixtures.all)
    func everyObjectIsWrittenInMetadataOrder(_ fixture: SeedFixtures.Fixture) throws {
        let data = Data(SeedFixtures.removingTrailingCommas(fixture.text).utf8)
        let input = try JSONDecoder().decode(JSONValue.self, from: data)
        let tree = try encodeTree(data, as: GoldenWireTests.modelType(for: fixture, input))
        var checked = 0
        check(tree, checked: &checked)
        #expect(checked > 0, "no typed object in \(fixture.name)")
    }

    @Test(arguments: SeedFixtures.all)
    func theSameValueGivesTheSameBytes(_ fixture: SeedFixtures.Fixture) throws {
        let data = Data(SeedFixtures.removingTrailingCommas(fixture.text).utf8)
        let input = try JSONDecoder().decode(JSONValue.self, from: data)
        func bytes<T: GraphObject>(_ type: T.Type) throws -> [[UInt8]] {
            let value = try JSONDecoder().decode(T.self, from: data)
            let encoder = OrderedJSONEncoder(userInfo: [.graphWireProfile: GraphWireProfile.beta])
            let first = try encoder.encodeBytes(value)
            let again = try JSONDecoder().decode(T.self, from: Data(first))
            return [first, try encoder.encodeBytes(value), try encoder.encodeBytes(again)]
        }
        let runs = try bytes(GoldenWireTests.modelType(for: fixture, input))
        #expect(runs[0] == runs[1])
        #expect(runs[0] == runs[2])
    }

    @Test func contextThenTypeComeFirst() throws {
        var call = Call()
        call.id = "x"
        call.state = .established
        call.additionalData["@odata.context"] = .string("https://example/v1.0/$metadata#communications/calls/$entity")
        let tree = try OrderedJSONEncoder(userInfo: [.graphWireProfile: GraphWireProfile.v1]).encodeTree(call)
        #expect(tree.keys == ["@odata.context", "@odata.type", "id", "state"])
    }

    @Test func stringsAreEscapedAsJSONWantsAndSlashesAreNot() throws {
        let bytes = try OrderedJSONEncoder().encodeBytes(["a/b \"q\" \\ \n\t\u{01} é"])
        #expect(String(decoding: bytes, as: UTF8.self) == #"["a/b \"q\" \\ \n\t\u0001 é"]"#)
    }

    private func encodeTree(_ data: Data, as type: any GraphObject.Type) throws -> OrderedJSON {
        func go<T: GraphObject>(_ type: T.Type) throws -> OrderedJSON {
            let value = try JSONDecoder().decode(T.self, from: data)
            return try OrderedJSONEncoder(userInfo: [.graphWireProfile: GraphWireProfile.beta]).encodeTree(value)
        }
        return try go(type)
    }

    private func check(_ node: OrderedJSON, checked: inout Int) {
        switch node {
        case .array(let values):
            for value in values { check(value, checked: &checked) }
        case .object(let members):
            let keys = members.map(\.0)
            if case .string(let type)? = node["@odata.type"], let order = Self.metadataOrder[type.graphTypeName] {
                checked += 1
                let annotations = keys.prefix { $0.hasPrefix("@") }
                #expect(Array(annotations.prefix(2)).filter { $0 == "@odata.context" || $0 == "@odata.type" }.last == "@odata.type", "\(type): \(keys)")
                if keys.contains("@odata.context") { #expect(keys.first == "@odata.context", "\(type): \(keys)") }
                let metadataKeys = keys.filter { order.contains($0) }
                let indices = metadataKeys.map { order.firstIndex(of: $0)! }
                #expect(indices == indices.sorted(), "\(type) writes \(metadataKeys), metadata order is \(order)")
                // Metadata properties come before beta and open ones.
                if let lastMetadata = keys.lastIndex(where: { order.contains($0) }) {
                    let before = keys[..<lastMetadata].filter { !order.contains($0) && !$0.hasPrefix("@") }
                    #expect(before.isEmpty, "\(type): \(before) stand among the metadata properties in \(keys)")
                }
            }
            for (_, value) in members { check(value, checked: &checked) }
        default:
            break
        }
    }
}
