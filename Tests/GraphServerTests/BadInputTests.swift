import Foundation
import GraphModel
import GraphServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardTesting
import Testing
import World

/// Every malformed request gets a Graph error body and changes nothing.
@Suite(.timeLimit(.minutes(1))) struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var method: HTTPRequest.Method = .post
        var path = "/v1.0/communications/calls"
        var body: String?
        var contentType: String? = "application/json"
        var status: HTTPResponse.Status
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "malformed JSON", body: #"{"callbackUri": "#, status: .badRequest),
        Case(name: "not an object", body: #"[1, 2]"#, status: .badRequest),
        Case(name: "empty body", body: "", status: .badRequest),
        Case(name: "wrong type", body: seedCreateCallBody.replacingOccurrences(of: #""callbackUri": "https://bot.contoso.com/callback""#, with: #""callbackUri": 42"#), status: .badRequest),
        Case(name: "wrong enum member", body: seedCreateCallBody.replacingOccurrences(of: #""audio""#, with: #""smell""#), status: .badRequest),
        Case(name: "unknown @odata.type", body: seedCreateCallBody.replacingOccurrences(of: "serviceHostedMediaConfig", with: "magicMediaConfig"), status: .badRequest),
        Case(name: "neither targets nor meetingInfo", body: ##"{"callbackUri": "https://bot.contoso.com/callback", "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"}}"##, status: .badRequest),
        Case(name: "missing callbackUri", body: seedCreateCallBody.replacingOccurrences(of: #""callbackUri": "https://bot.contoso.com/callback","#, with: ""), status: .badRequest),
        Case(name: "plain http callback to another host", body: seedCreateCallBody.replacingOccurrences(of: "https://bot.contoso.com", with: "http://10.0.0.5"), status: .badRequest),
        Case(name: "@odata.type not a string", body: seedCreateCallBody.replacingOccurrences(of: ##""@odata.type": "#microsoft.graph.call""##, with: #""@odata.type": 5"#), status: .badRequest),
        Case(name: "a call of another namespace", body: seedCreateCallBody.replacingOccurrences(of: "#microsoft.graph.call", with: "#evil.namespace.call"), status: .badRequest),
        Case(name: "a target of an unknown type", body: seedCreateCallBody.replacingOccurrences(of: "#microsoft.graph.invitationParticipantInfo", with: "#microsoft.graph.bogus"), status: .badRequest),
        Case(name: "a source of an unknown type", body: seedCreateCallBody.replacingOccurrences(of: #""requestedModalities""#, with: ##""source": {"@odata.type": "#microsoft.graph.call", "identity": {}}, "requestedModalities""##), status: .badRequest),
        Case(name: "mediaConfig null", body: seedCreateCallBody.replacingOccurrences(of: "\"mediaConfig\": {\n\"@odata.type\": \"#microsoft.graph.serviceHostedMediaConfig\"\n}", with: #""mediaConfig": null"#), status: .badRequest),
        Case(name: "a target naming nobody", body: seedCreateCallBody.replacingOccurrences(of: #""user": {"#, with: #""nobody": {"#), status: .badRequest),
        Case(name: "NUL in callbackUri", body: seedCreateCallBody.replacingOccurrences(of: "bot.contoso.com/callback", with: #"bot.contoso.com/call\u0000back"#), status: .badRequest),
        Case(name: "https callback to a private address", body: seedCreateCallBody.replacingOccurrences(of: "https://bot.contoso.com", with: "https://10.0.0.5"), status: .badRequest),
        Case(name: "https callback to cloud metadata", body: seedCreateCallBody.replacingOccurrences(of: "https://bot.contoso.com", with: "https://169.254.169.254"), status: .badRequest),
        Case(name: "https callback to IPv4-mapped loopback", body: seedCreateCallBody.replacingOccurrences(of: "https://bot.contoso.com", with: "https://[::ffff:127.0.0.1]"), status: .badRequest),
        Case(name: "https callback to IPv6 link-local", body: seedCreateCallBody.replacingOccurrences(of: "https://bot.contoso.com", with: "https://[fe80::1]"), status: .badRequest),
        Case(name: "https callback to a numeric host", body: seedCreateCallBody.replacingOccurrences(of: "https://bot.contoso.com", with: "https://2130706433"), status: .badRequest),
        Case(name: "http callback to a name that starts with 127.", body: seedCreateCallBody.replacingOccurrences(of: "https://bot.contoso.com", with: "http://127.evil.com"), status: .badRequest),
        Case(name: "a result code past Int32", body: seedCreateCallBody.replacingOccurrences(of: #""requestedModalities""#, with: #""resultInfo": {"code": 1e300}, "requestedModalities""#), status: .badRequest),
        Case(name: "a fractional result code", body: seedCreateCallBody.replacingOccurrences(of: #""requestedModalities""#, with: #""resultInfo": {"code": 200.5}, "requestedModalities""#), status: .badRequest),
        Case(name: "a result code as a string past Int32", body: seedCreateCallBody.replacingOccurrences(of: #""requestedModalities""#, with: #""resultInfo": {"subCode": "99999999999"}, "requestedModalities""#), status: .badRequest),
        Case(name: "other tenant", body: seedCreateCallBody.replacingOccurrences(of: #""requestedModalities""#, with: #""tenantId": "aa67bd4c-8475-432d-bd41-39f255720e0a", "requestedModalities""#), status: .forbidden),
        Case(name: "a call to another bot", body: seedCreateCallBody.replacingOccurrences(of: #""user": {"#, with: #""application": {"#), status: .forbidden),
        Case(name: "wrong content type", body: seedCreateCallBody, contentType: "text/plain", status: .unsupportedMediaType),
        Case(name: "body over 1 MiB", body: #"{"subject": ""# + String(repeating: "x", count: 1 << 20) + #""}"#, status: .contentTooLarge),
        Case(name: "nesting past the limit", body: String(repeating: #"{"a":"#, count: 40) + "1" + String(repeating: "}", count: 40), status: .badRequest),
        Case(name: "an array past the limit", body: seedCreateCallBody.replacingOccurrences(of: #""audio""#, with: Array(repeating: #""audio""#, count: 1001).joined(separator: ",")), status: .badRequest),
        Case(name: "a string past the limit", body: seedCreateCallBody.replacingOccurrences(of: #""callbackUri""#, with: #""subject": ""# + String(repeating: "x", count: 40_000) + #"", "callbackUri""#), status: .badRequest),
        Case(name: "a URL past the limit", method: .get, path: "/v1.0/communications/calls/" + String(repeating: "a", count: 5000), status: .uriTooLong),
        Case(name: "a POST that says nothing of its length", method: .post, path: "/v1.0/communications/calls/no-such-call/keepAlive", status: .lengthRequired),
        Case(name: "unknown call id", method: .get, path: "/v1.0/communications/calls/no-such-call", status: .notFound),
        Case(name: "delete unknown call", method: .delete, path: "/v1.0/communications/calls/no-such-call", status: .notFound),
        Case(name: "wrong method", method: .put, path: "/v1.0/communications/calls", body: seedCreateCallBody, status: .methodNotAllowed),
        Case(name: "list calls", method: .get, path: "/v1.0/communications/calls", status: .methodNotAllowed),
        Case(name: "unknown path", method: .get, path: "/v1.0/communications/meetings", status: .badRequest),
        Case(name: "not Graph at all", method: .get, path: "/nothing-here", status: .notFound),
    ]

    @Test(arguments: cases)
    func isRefusedWithAGraphErrorAndChangesNothing(_ test: Case) async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let response: TestResponse
                if test.status == .lengthRequired {
                    response = try await client.execute(uri: test.path, method: test.method, headers: [.authorization: "Bearer \(token)"], body: nil)
                } else {
                    response = try await client.send(test.method, test.path, token: token, body: test.body, contentType: test.contentType)
                }
                try response.expectGraphError(test.status)
            }
            #expect(try await harness.stack.runtime.activeCallCount() == 0)
            #expect(try await harness.stack.store.allCalls().isEmpty)
            #expect(try await harness.stack.store.pendingDeliveries(after: 0, limit: 10).isEmpty)
        }
    }

    @Test func errorsNameWhereTheBodyIsWrong() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let body = seedCreateCallBody.replacingOccurrences(of: #""audio""#, with: #""smell""#)
                let response = try await client.send(.post, "/v1.0/communications/calls", token: token, body: body)
                let error = try JSONDecoder().decode(GraphErrorBody.self, from: Data(buffer: response.body))
                #expect(error.error.message.contains("requestedModalities"))
                #expect(error.error.message.contains("smell"))
                let long = seedCreateCallBody.replacingOccurrences(of: #""id": "#, with: #""displayName": ""# + String(repeating: "x", count: 40_000) + #"", "id": "#)
                let named = try await client.send(.post, "/v1.0/communications/calls", token: token, body: long)
                #expect(try named.expectGraphError(.badRequest) == "BadRequest")
                #expect(try named.json["error"]?["message"] == .string("targets[0].identity.user.displayName is longer than 32768 bytes."))
                // A number where a string goes: the property named, and the type it should be.
                let number = seedCreateCallBody.replacingOccurrences(of: #""displayName": "John""#, with: #""displayName": 7"#)
                #expect(number != seedCreateCallBody)
                let typed = try await client.send(.post, "/v1.0/communications/calls", token: token, body: number)
                #expect(try typed.expectGraphError(.badRequest) == "BadRequest")
                #expect(try typed.json["error"]?["message"]?.stringValue?.contains("targets[0].identity.user.displayName: expected a string.") == true, "\(String(buffer: typed.body))")
            }
        }
    }
}

@Suite(.timeLimit(.minutes(1))) struct AuthTests {
    @Test func graphNeedsAValidBearerToken() async throws {
        try await TestHarness.run { harness in
            try await Application(router: harness.stack.router()).test(.router) { client in
                let missing = try await client.send(.post, "/v1.0/communications/calls", body: seedCreateCallBody)
                #expect(try missing.expectGraphError(.unauthorized) == "InvalidAuthenticationToken")
                let garbage = try await client.send(.post, "/v1.0/communications/calls", token: "not-a-jwt", body: seedCreateCallBody)
                try garbage.expectGraphError(.unauthorized)
                let unknown = try await client.send(.get, "/v1.0/communications/calls/x", token: "eyJhbGciOiJub25lIn0.e30.")
                try unknown.expectGraphError(.unauthorized)
                // The scheme in any case, spaces around the token: still the token.
                let token = try await harness.token()
                for header in ["bearer   \(token)  ", "BEARER \(token)"] {
                    let response = try await client.execute(uri: "/v1.0/communications/calls/x", method: .get, headers: [.authorization: header])
                    try response.expectGraphError(.notFound)
                }
                for header in ["Bearer ", "Bearer     ", "Bearer\(token)", "Basic \(token)", "Bearér \(token)"] {
                    let response = try await client.execute(uri: "/v1.0/communications/calls/x", method: .get, headers: [.authorization: header])
                    try response.expectGraphError(.unauthorized)
                }
            }
            #expect(try await harness.stack.runtime.activeCallCount() == 0)
        }
    }

    @Test func theTokenEndpointAnswersTheClientCredentialsGrant() async throws {
        try await TestHarness.run { harness in
            try await Application(router: harness.stack.router()).test(.router) { client in
                let form = "grant_type=client_credentials&client_id=\(World.callingBotAppId)&client_secret=\(World.callingBotSecret)&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"
                let granted = try await client.send(.post, "/\(World.contosoTenantId)/oauth2/v2.0/token", body: form, contentType: "application/x-www-form-urlencoded")
                #expect(granted.status == .ok)
                let json = try granted.json
                #expect(json["token_type"] == .string("Bearer"))
                #expect(json["expires_in"] == .number(3599))
                let token = try #require(json["access_token"]?.stringValue)
                #expect(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).status == .created)

                let wrongSecret = form.replacingOccurrences(of: World.callingBotSecret, with: "nope")
                let refused = try await client.send(.post, "/\(World.contosoTenantId)/oauth2/v2.0/token", body: wrongSecret, contentType: "application/x-www-form-urlencoded")
                #expect(refused.status == .unauthorized)
                #expect(try refused.json["error"] == .string("invalid_client"))
            }
        }
    }

    @Test func oneAppCannotSeeAnothersCalls() async throws {
        try await TestHarness.run { harness in
            let bot = try await harness.token()
            let other = try await harness.token(appId: "dd3885da-f9ab-486b-bfae-85de3d445555")
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: bot, body: seedCreateCallBody).json["id"]?.stringValue)
                try await client.send(.get, "/v1.0/communications/calls/\(id)", token: other).expectGraphError(.notFound)
                try await client.send(.delete, "/v1.0/communications/calls/\(id)", token: other).expectGraphError(.notFound)
                #expect(try await client.send(.get, "/v1.0/communications/calls/\(id)", token: bot).status == .ok)
            }
        }
    }
}
