import Foundation
import GraphModel
import SwitchboardTesting
import Testing

/// ``GraphJSONDecoder`` reads well-formed bodies straight from its own tree, and leaves
/// everything else to Foundation: either way a body gives Foundation's value, or
/// Foundation's error word for word.
@Suite struct DirectDecodingTests {
    /// A request body with synthesized `Decodable`, as the control API's are.
    struct Plain: Decodable, Equatable {
        var name: String?
        var count: Int?
        var ratio: Double?
        var flag: Bool?
        var tags: [String]?
        var small: Int8?
        var extra: [String: JSONValue]?
    }

    private func direct<T: Decodable>(_ type: T.Type, _ text: String) -> T? {
        Data(text.utf8).withUnsafeBytes { GraphJSONDecoder().decodedDirectly(type, from: $0) }
    }

    /// Both decoders give the same value, or errors described alike.
    private func agree<T: Decodable & Equatable>(_ type: T.Type, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        agree(type, Data(text.utf8), sourceLocation: sourceLocation)
    }

    private func agree<T: Decodable & Equatable>(_ type: T.Type, _ data: Data, sourceLocation: SourceLocation = #_sourceLocation) {
        let text = String(decoding: data, as: UTF8.self)
        let foundation = Result { try JSONDecoder().decode(T.self, from: data) }
        let graph = Result { try GraphJSONDecoder().decode(T.self, from: data) }
        switch (foundation, graph) {
        case (.success(let expected), .success(let actual)):
            #expect(actual == expected, "\(T.self) from \(text)", sourceLocation: sourceLocation)
        case (.failure(let expected), .failure(let actual)):
            #expect(String(describing: actual) == String(describing: expected), "\(T.self) from \(text)", sourceLocation: sourceLocation)
        default:
            Issue.record("\(T.self) from \(text): Foundation \(foundation), GraphJSONDecoder \(graph)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: SeedFixtures.all)
    func seedBodiesAreReadDirectlyToFoundationsValue(_ fixture: SeedFixtures.Fixture) throws {
        let text = SeedFixtures.removingTrailingCommas(fixture.text)
        let data = Data(text.utf8)
        let input = try JSONDecoder().decode(JSONValue.self, from: data)
        func check<T: GraphObject>(_ type: T.Type) throws {
            let expected = try JSONDecoder().decode(T.self, from: data)
            #expect(direct(T.self, text) == expected, "\(fixture.name)")
        }
        try check(GoldenWireTests.modelType(for: fixture, input))
        #expect(direct(JSONValue.self, text) == input)
    }

    static let bodies: [String] = [
        // Well formed: read directly.
        #"{"name": "a\"b\\c\/d\b\f\n\r\t\u00e9\u4e2d\ud83d\ude00", "count": -12, "ratio": 1.5e3, "flag": false, "tags": []}"#,
        " \n\t{\"name\": \"plain\"} \r\n",
        #"{"count": 0, "ratio": -0.0, "small": -128, "extra": {"n": null, "deep": [1, [2, {"x": true}]], "e": 2E-2}}"#,
        #"{"name": null, "count": null, "tags": null, "extra": {}}"#,
        #"{"name": "日本語", "tags": ["x", "y"]}"#,
        "{\"name\": \"\u{7F}\"}",
        // Left to Foundation: numbers it may read its own way.
        #"{"count": 1.0}"#, #"{"count": 1e2}"#, #"{"count": -0}"#, #"{"count": 99999999999999999999}"#,
        #"{"small": 128}"#, #"{"ratio": 1e400}"#, #"{"ratio": 1e-400}"#, #"{"extra": {"big": 1e999}}"#,
        // Left to Foundation: wrong types and shapes.
        #"{"name": 5}"#, #"{"count": "5"}"#, #"{"flag": 1}"#, #"{"tags": "x"}"#, #"{"tags": [1]}"#, #"[1, 2]"#, #""text""#, "null",
        // Left to Foundation: not JSON, or JSON Foundation may read its own way.
        #"{"name": "a"#, #"{"name": "a",}"#, #"{"name" "a"}"#, #"{'name': 'a'}"#, #"{"count": 01}"#, #"{"count": +1}"#,
        #"{"count": .5}"#, #"{"count": 1.}"#, #"{"name": "\x"}"#, #"{"name": "\ud800"}"#, #"{"name": "\udc00\ud800"}"#,
        "{\"name\": \"tab\there\"}", #"{"name": "a", "name": "b"}"#, #"{"flag": tru}"#, #"{"flag": nul}"#, "",
        "\u{FEFF}{\"name\": \"bom\"}", #"{"name": "a"} x"#, #"{"name": "a"}{"#, #"// comment"#, #"{"count": NaN}"#,
        #"{"count": Infinity}"#, #"{"name": "\u00"}"#,
    ]

    @Test(arguments: bodies)
    func everyBodyGivesFoundationsValueOrFoundationsError(_ body: String) {
        agree(Plain.self, body)
        agree(JSONValue.self, body)
        agree([String: JSONValue].self, body)
    }

    @Test func invalidUTF8IsFoundationsToRefuse() {
        let bytes: [UInt8] = Array(#"{"name": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(bytes.withUnsafeBytes { GraphJSONDecoder().decodedDirectly(Plain.self, from: $0) } == nil)
        let foundation = Result { try JSONDecoder().decode(Plain.self, from: Data(bytes)) }
        let graph = Result { try bytes.withUnsafeBytes { try GraphJSONDecoder().decode(Plain.self, from: $0) } }
        #expect(String(describing: graph) == String(describing: foundation))
    }

    /// Well-formed bodies of the right types take the direct path; the ones Foundation must
    /// judge do not (so the agreement above is between two different decoders).
    @Test func theDirectPathTakesWhatItCanAndNothingElse() {
        #expect(direct(Plain.self, Self.bodies[0])?.name == "a\"b\\c/d\u{8}\u{C}\n\r\té中😀")
        #expect(direct(Plain.self, Self.bodies[2])?.extra?["deep"] == .array([.number(1), .array([.number(2), .object(["x": .bool(true)])])]))
        for body in Self.bodies.prefix(6) { #expect(direct(Plain.self, body) != nil, "\(body)") }
        for body in Self.bodies.dropFirst(6) { #expect(direct(Plain.self, body) == nil, "\(body)") }
    }

    /// Graph's models: open-type data, polymorphic values, case-insensitive enumerations,
    /// a lenient reader (`resultInfo` codes as strings), and the models' own errors.
    @Test(arguments: [
        ##"{"@odata.type": "#microsoft.graph.call", "callbackUri": "https://bot.contoso.com/cb", "direction": "OUTGOING", "custom": {"a": [1, "b"]}, "@odata.etag": "x"}"##,
        ##"{"callbackUri": "https://bot.contoso.com/cb", "resultInfo": {"code": "404", "subCode": 5, "message": "m"}, "mediaConfig": {"@odata.type": "#microsoft.graph.appHostedMediaConfig", "blob": "b"}}"##,
        ##"{"callbackUri": "https://bot.contoso.com/cb", "resultInfo": {"code": 1e300}}"##,
        ##"{"callbackUri": "https://bot.contoso.com/cb", "resultInfo": {"code": [1]}}"##,
        ##"{"@odata.type": "#microsoft.graph.participant", "callbackUri": "x"}"##,
        ##"{"@odata.type": 5}"##,
        ##"{"requestedModalities": ["audio", "smell"]}"##,
        ##"{"targets": [{"@odata.type": "#microsoft.graph.invitationParticipantInfo", "identity": {"user": {"id": "1", "displayName": null}}}]}"##,
        // Collections of objects and of members, read element by element on the direct path.
        ##"{"requestedModalities": ["AUDIO", "Video"], "targets": []}"##,
        ##"{"requestedModalities": [], "targets": [{"identity": {"phone": {"id": "+1"}}}, {"hidden": true, "x": 1}]}"##,
        ##"{"requestedModalities": null, "targets": null, "callRoutes": null}"##,
        ##"{"requestedModalities": ["audio", null]}"##,
        ##"{"requestedModalities": "audio"}"##,
        ##"{"requestedModalities": [1]}"##,
        ##"{"targets": {"identity": {}}}"##,
        ##"{"targets": [null]}"##,
        ##"{"targets": ["x"]}"##,
        ##"{"targets": [{"@odata.type": "#microsoft.graph.call"}]}"##,
        ##"{"targets": [{"identity": {"user": {"id": 5}}}]}"##,
        ##"{"source": "x"}"##,
        ##"{"source": {"@odata.type": "#microsoft.graph.participantInfo", "identity": {"application": {"id": "a"}}, "zeta": [1]}}"##,
    ])
    func graphModelsGiveFoundationsValueOrError(_ body: String) {
        agree(Call.self, body)
    }

    /// Seed bodies with bytes changed, inserted and removed at random (a fixed seed, so every
    /// run tries the same 3,000): both decoders give the same value or the same error.
    @Test func mutatedSeedBodiesGiveFoundationsValueOrError() throws {
        var random = SplitMix64(seed: 0x5EED_0F_D1FF)
        let alphabet = Array(#"{}[]",:0123456789-+.eE \/"tfnulrsaxu"#.utf8) + [0x00, 0x1F, 0x7F, 0xC3, 0xA9, 0xFF]
        let seeds = SeedFixtures.all.map { Array(SeedFixtures.removingTrailingCommas($0.text).utf8) }
        var direct = 0
        for _ in 0..<3000 {
            var bytes = seeds[Int(random.next() % UInt64(seeds.count))]
            for _ in 0..<(1 + random.next() % 3) where !bytes.isEmpty {
                let at = Int(random.next() % UInt64(bytes.count))
                let byte = alphabet[Int(random.next() % UInt64(alphabet.count))]
                switch random.next() % 3 {
                case 0: bytes[at] = byte
                case 1: bytes.insert(byte, at: at)
                default: bytes.remove(at: at)
                }
            }
            let data = Data(bytes)
            agree(Call.self, data)
            if data.withUnsafeBytes({ GraphJSONDecoder().decodedDirectly(Call.self, from: $0) }) != nil { direct += 1 }
        }
        #expect(direct > 500, "some mutated bodies are still read directly (\(direct))")
    }

    @Test func graphModelsAreReadDirectly() throws {
        let body = ##"{"@odata.type": "#microsoft.graph.call", "callbackUri": "https://bot.contoso.com/cb", "direction": "OUTGOING", "resultInfo": {"code": "404"}, "custom": {"a": [1, "b"]}}"##
        let call = try #require(direct(Call.self, body))
        #expect(call == (try JSONDecoder().decode(Call.self, from: Data(body.utf8))))
        #expect(call.additionalData["custom"] == .object(["a": .array([.number(1), .string("b")])]))
        // Collections of objects and of members, and nested objects, on the direct path too.
        let create = ##"{"targets": [{"identity": {"user": {"id": "1"}}}, {"hidden": true}], "requestedModalities": ["Audio"], "source": {"identity": {"application": {"id": "a"}}}}"##
        let created = try #require(direct(Call.self, create))
        #expect(created == (try JSONDecoder().decode(Call.self, from: Data(create.utf8))))
        #expect(created.targets?.count == 2 && created.requestedModalities == [.audio] && created.source?.identity?.application?.id == "a")
        for refused in [##"{"requestedModalities": ["smell"]}"##, ##"{"targets": [null]}"##, ##"{"targets": {}}"##] {
            #expect(direct(Call.self, refused) == nil, "\(refused) is Foundation's to refuse")
        }
    }
}
