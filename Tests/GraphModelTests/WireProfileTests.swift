import Foundation
import GraphModel
import Testing

@Suite struct WireProfileTests {
    private func encode(_ value: some Encodable, _ profile: GraphWireProfile) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.userInfo[.graphWireProfile] = profile
        return try JSONDecoder().decode(JSONValue.self, from: encoder.encode(value))
    }

    @Test func v1ProfileDropsBetaAndOpenProperties() throws {
        let json = ##"{"@odata.type":"#microsoft.graph.call","callbackUri":"https://bot/cb","ringingTimeoutInSeconds":30,"customThing":1,"mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig","removeFromDefaultAudioGroup":false}}"##
        let call = try JSONDecoder().decode(Call.self, from: Data(json.utf8))
        let v1 = try encode(call, .v1)
        #expect(v1["ringingTimeoutInSeconds"] == nil)
        #expect(v1["customThing"] == nil)
        #expect(v1["mediaConfig"]?["removeFromDefaultAudioGroup"] == nil)
        #expect(v1["callbackUri"] == .string("https://bot/cb"))
        let beta = try encode(call, .beta)
        #expect(beta["ringingTimeoutInSeconds"] == .number(30))
        #expect(beta["customThing"] == .number(1))
    }

    @Test func polymorphicValuesAreWrittenWithTheirType() throws {
        var identity = IdentitySet(application: Identity(id: "app"))
        #expect(try encode(identity, .v1)["@odata.type"] == .string("#microsoft.graph.identitySet"))
        identity.phone = Identity(id: "+14255550100")
        #expect(try encode(identity, .v1)["@odata.type"] == .string("#microsoft.graph.communicationsIdentitySet"))
        let operation = CommsOperation(kind: .playPromptOperation, id: "op", status: .running)
        #expect(try encode(operation, .v1)["@odata.type"] == .string("#microsoft.graph.playPromptOperation"))
        #expect(try encode(operation, .v1)["status"] == .string("running"))
    }

    @Test func unknownTypesAndEnumMembersAreErrors() {
        let decoder = JSONDecoder()
        #expect(throws: DecodingError.self) {
            try decoder.decode(Call.self, from: Data(##"{"mediaConfig":{"@odata.type":"#microsoft.graph.fancyMediaConfig"}}"##.utf8))
        }
        #expect(throws: DecodingError.self) {
            try decoder.decode(Call.self, from: Data(##"{"mediaConfig":{}}"##.utf8))
        }
        #expect(throws: DecodingError.self) {
            try decoder.decode(Call.self, from: Data(##"{"requestedModalities":["smell"]}"##.utf8))
        }
        #expect(throws: DecodingError.self) {
            try decoder.decode(Call.self, from: Data(##"{"callbackUri":42}"##.utf8))
        }
        #expect(throws: DecodingError.self) {
            try decoder.decode(Call.self, from: Data(##"{"@odata.type":"#microsoft.graph.participant"}"##.utf8))
        }
    }

    @Test func enumsReadCaseInsensitively() throws {
        let operation = try JSONDecoder().decode(CommsOperation.self, from: Data(##"{"@odata.type":"#microsoft.graph.inviteParticipantsOperation","status":"Running"}"##.utf8))
        #expect(operation.status == .running)
        #expect(operation.kind == .inviteParticipantsOperation)
    }

    @Test func resultInfoAcceptsStringNumbersAndSubCode() throws {
        let result = try JSONDecoder().decode(ResultInfo.self, from: Data(##"{"code":"500","subCode":7000,"message":"x"}"##.utf8))
        #expect(result == ResultInfo(code: 500, subcode: 7000, message: "x"))
        #expect(try encode(result, .v1) == .object([
            "@odata.type": .string("#microsoft.graph.resultInfo"), "code": .number(500), "subcode": .number(7000), "message": .string("x"),
        ]))
    }

    @Test func timestampsFormatAsISO8601() {
        #expect(Timestamp(millisecondsSinceEpoch: 0).iso8601 == "1970-01-01T00:00:00Z")
        #expect(Timestamp(millisecondsSinceEpoch: 1_795_392_000_000).iso8601 == "2026-11-23T00:00:00Z")
        #expect(Timestamp(millisecondsSinceEpoch: 951_782_400_000 + 3_723_000).iso8601 == "2000-02-29T01:02:03Z")
    }

    @Test(arguments: [
        ("#microsoft.graph.call", nil),
        ("microsoft.graph.call", nil),
        ("#Microsoft.GRAPH.call", nil),
        ("#microsoft.graph.", "is not a type of Graph's namespace"),
        ("#microsoft.graph.ca-ll", "is not a type of Graph's namespace"),
        ("#microsoft.graph.call.x", "is not a type of Graph's namespace"),
        ("#microsoft.graph", "is not a type of Graph's namespace"),
        ("#contoso.graph.call", "is not a type of Graph's namespace"),
        ("#microsoft.graph.c[ll", "is not a type of Graph's namespace"),
        ("#microsoft.graph.c@ll", "is not a type of Graph's namespace"),
        ("#microsoft.graph.participant", "is not a call"),
        ("#microsoft.graph.cäll", "is not a call"),
        ("#micrösoft.graph.call", "is not a type of Graph's namespace"),
        ("#microsoft.graph.ca ll", "is not a type of Graph's namespace"),
    ] as [(String, String?)])
    func typeAnnotationsAreCheckedAsGraphNames(type: String, error: String?) throws {
        let json = #"{"@odata.type":"\#(type)","callbackUri":"https://bot/cb"}"#
        do {
            let call = try JSONDecoder().decode(Call.self, from: Data(json.utf8))
            #expect(error == nil, "accepted \(type)")
            #expect(call.callbackUri == "https://bot/cb")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(error.map { context.debugDescription.contains($0) } == true, "\(type): \(context.debugDescription)")
            #expect(context.codingPath.map(\.stringValue) == ["@odata.type"])
        }
    }
}
