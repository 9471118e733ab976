import Foundation
import GraphModel
import SwitchboardTesting
import Testing

/// ``OrderedJSONEncoder`` writes values straight to bytes when they encode in order and
/// through its tree otherwise; both ways give the same bytes, and the same errors.
@Suite struct InPlaceEncodingTests {
    private func both<T: Encodable>(_ value: T, profile: GraphWireProfile = .beta) throws -> (inPlace: String, tree: String) {
        let userInfo: [CodingUserInfoKey: any Sendable] = [.graphWireProfile: profile]
        let inPlace = try OrderedJSONEncoder(userInfo: userInfo).encodeBytes(value)
        let tree = try OrderedJSONEncoder(userInfo: userInfo, writesInPlace: false).encodeBytes(value)
        return (String(decoding: inPlace, as: UTF8.self), String(decoding: tree, as: UTF8.self))
    }

    @Test(arguments: SeedFixtures.all)
    func seedBodiesAreWrittenAlikeBothWays(_ fixture: SeedFixtures.Fixture) throws {
        let data = Data(SeedFixtures.removingTrailingCommas(fixture.text).utf8)
        let input = try JSONDecoder().decode(JSONValue.self, from: data)
        func check<T: GraphObject>(_ type: T.Type) throws {
            let value = try JSONDecoder().decode(T.self, from: data)
            for profile in [GraphWireProfile.v1, .beta] {
                #expect(OrderedJSONEncoder(userInfo: [.graphWireProfile: profile]).writesInOrder(value), "\(fixture.name)")
                let written = try both(value, profile: profile)
                #expect(written.inPlace == written.tree, "\(fixture.name) \(profile)")
            }
        }
        try check(GoldenWireTests.modelType(for: fixture, input))
        let json = try both(input)
        #expect(json.inPlace == json.tree)
    }

    /// Writes to its first nested object after starting a later property.
    struct OutOfOrder: Encodable {
        enum Keys: String, CodingKey { case a, b, c }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            var a = container.nestedContainer(keyedBy: Keys.self, forKey: .a)
            try a.encode(1, forKey: .a)
            try container.encode("b", forKey: .b)
            try a.encode(2, forKey: .b)
            try container.encode([1, 2], forKey: .c)
        }
    }

    /// Writes `a` twice: the second value takes the first one's place.
    struct Twice: Encodable {
        enum Keys: String, CodingKey { case a, b }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(1, forKey: .a)
            try container.encode(2, forKey: .b)
            try container.encode(["x"], forKey: .a)
        }
    }

    /// Encodes nothing at all.
    struct Nothing: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    /// A super encoder, used and unused.
    struct Super: Encodable {
        enum Keys: String, CodingKey { case a, b, c }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(1, forKey: .a)
            var inner = container.superEncoder(forKey: .b).singleValueContainer()
            try inner.encode("s")
            _ = container.superEncoder(forKey: .c)
        }
    }

    /// Asks for its container twice, as a subclass calling its superclass does, with a
    /// nested array between, and writes nulls and nested unkeyed containers.
    struct Again: Encodable {
        enum Keys: String, CodingKey { case a, b, c, d }
        func encode(to encoder: any Encoder) throws {
            var first = encoder.container(keyedBy: Keys.self)
            try first.encode(true, forKey: .a)
            var list = first.nestedUnkeyedContainer(forKey: .b)
            try list.encode(1.5)
            try list.encodeNil()
            var inner = list.nestedUnkeyedContainer()
            try inner.encode("deep")
            var object = list.nestedContainer(keyedBy: Keys.self)
            try object.encodeNil(forKey: .a)
            try list.encode(Nothing())
            var second = encoder.container(keyedBy: Keys.self)
            try second.encode(Int64.min, forKey: .c)
            try second.encodeNil(forKey: .d)
        }
    }

    /// Writes into its unkeyed container after a later element was started.
    struct ArrayOutOfOrder: Encodable {
        func encode(to encoder: any Encoder) throws {
            var list = encoder.unkeyedContainer()
            var first = list.nestedUnkeyedContainer()
            try list.encode("second")
            try first.encode("late")
        }
    }

    @Test func valuesWritingOutOfOrderGiveTheTreesBytes() throws {
        for value in [OutOfOrder() as any Encodable, Twice(), Super(), Again(), ArrayOutOfOrder(), Nothing(), [Nothing()], ["k": Nothing()]] {
            let written = try both(value)
            #expect(written.inPlace == written.tree, "\(type(of: value))")
        }
        for value in [OutOfOrder() as any Encodable, Twice(), Super(), ArrayOutOfOrder()] {
            let inOrder = OrderedJSONEncoder().writesInOrder(value)
            #expect(!inOrder, "\(type(of: value))")
        }
        #expect(OrderedJSONEncoder().writesInOrder(Again()))
        #expect(try both(Again()).inPlace == #"{"a":true,"b":[1.5,null,["deep"],{"a":null},{}],"c":-9223372036854775808,"d":null}"#)
        #expect(try both(Twice()).inPlace == #"{"a":["x"],"b":2}"#)
        #expect(try both(Nothing()).inPlace == "null")
        #expect(try both([Nothing()]).inPlace == "[{}]")
    }

    /// Collections of Graph objects and of enumeration members are written element by
    /// element into the stream: empty, with one element or several, with open-type data
    /// (written on beta only), they read the same as through the tree.
    @Test func collectionsOfObjectsAndMembersAreWrittenAlikeBothWays() throws {
        var annotated = InvitationParticipantInfo(identity: nil)
        annotated.hidden = true
        annotated.additionalData = ["@odata.context": .string("x"), "zeta": .number(1), "@custom": .string("kept")]
        for (targets, modalities) in [([], []), ([InvitationParticipantInfo(identity: nil)], [Modality.audio]),
                                      ([annotated, InvitationParticipantInfo(identity: nil), annotated], [Modality.audio, .video])] {
            var call = Call()
            call.targets = targets
            call.requestedModalities = modalities
            for profile in [GraphWireProfile.v1, .beta] {
                #expect(OrderedJSONEncoder(userInfo: [.graphWireProfile: profile]).writesInOrder(call), "written in place, not through the tree")
                let written = try both(call, profile: profile)
                #expect(written.inPlace == written.tree, "\(targets.count) targets, \(profile)")
                #expect(written.inPlace.contains(#""requestedModalities":["# + modalities.map { "\"\($0.rawValue)\"" }.joined(separator: ",") + "]"))
            }
        }
        #expect(try both(Call()).inPlace == ##"{"@odata.type":"#microsoft.graph.call"}"##)
    }

    @Test func scalarsAndOptionalsAtAnyDepth() throws {
        let values: [any Encodable] = [
            "text", 42, -1.25, true, UInt64.max, [String?]([nil, "a"]), [[Int]]([[], [1], [2, 3]]),
            ["b": 1.0, "a": 0.5] as [String: Double], Optional<Int>.none, [Optional<Nothing>.some(Nothing())],
        ]
        for value in values {
            let written = try both(value)
            #expect(written.inPlace == written.tree, "\(value)")
        }
    }

    @Test func errorsAreTheSameBothWays() throws {
        for value in [Double.nan as any Encodable, [1, Double.infinity], ["a": [Double.nan]]] {
            #expect(throws: EncodingError.self) { try OrderedJSONEncoder().encodeBytes(value) }
            #expect(throws: EncodingError.self) { try OrderedJSONEncoder(writesInPlace: false).encodeBytes(value) }
        }
    }
}
