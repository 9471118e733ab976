import CallRuntime
import Foundation
import GraphModel
import GraphServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardTesting
import Testing
import World

/// Every malformed or misplaced action gets a Graph error body and leaves the call exactly
/// as it was: same state, no operation, no notification.
@Suite(.timeLimit(.minutes(1))) struct ActionBadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// The path after `/v1.0/communications/calls/{id}`.
        var path: String
        var method: HTTPRequest.Method = .post
        var body: String?
        var status: HTTPResponse.Status
        /// In a meeting (group) call rather than a peer-to-peer one.
        var meeting = false
        var testDescription: String { name }
    }

    static let prompt = ##"{"@odata.type": "#microsoft.graph.mediaPrompt", "mediaInfo": {"uri": "https://cdn.contoso.com/a.wav"}}"##
    static let user = ##"{"identity": {"user": {"id": "bf5aae9a-d11d-47a8-93b1-782504c95555"}}}"##

    static let cases: [Case] = [
        Case(name: "playPrompt without prompts", path: "/playPrompt", body: "{}", status: .badRequest),
        Case(name: "playPrompt with 21 prompts", path: "/playPrompt", body: #"{"prompts": [\#(Array(repeating: prompt, count: 21).joined(separator: ","))]}"#, status: .badRequest),
        Case(name: "playPrompt prompt without uri", path: "/playPrompt", body: #"{"prompts": [{"mediaInfo": {}}]}"#, status: .badRequest),
        Case(name: "playPrompt prompts of the wrong type", path: "/playPrompt", body: #"{"prompts": "hello.wav"}"#, status: .badRequest),
        Case(name: "clientContext over 256 characters", path: "/playPrompt", body: #"{"clientContext": "\#(String(repeating: "c", count: 257))", "prompts": [\#(prompt)]}"#, status: .badRequest),
        Case(name: "recordResponse max duration 0", path: "/recordResponse", body: #"{"maxRecordDurationInSeconds": 0}"#, status: .badRequest),
        Case(name: "recordResponse max duration 121", path: "/recordResponse", body: #"{"maxRecordDurationInSeconds": 121}"#, status: .badRequest),
        Case(name: "recordResponse initial silence -1", path: "/recordResponse", body: #"{"initialSilenceTimeoutInSeconds": -1}"#, status: .badRequest),
        Case(name: "recordResponse two prompts", path: "/recordResponse", body: #"{"prompts": [\#(prompt), \#(prompt)]}"#, status: .badRequest),
        Case(name: "recordResponse unknown stop tone", path: "/recordResponse", body: #"{"stopTones": ["x"]}"#, status: .badRequest),
        Case(name: "sendDtmfTones without tones", path: "/sendDtmfTones", body: "{}", status: .badRequest),
        Case(name: "sendDtmfTones unknown tone", path: "/sendDtmfTones", body: #"{"tones": ["tone99"]}"#, status: .badRequest),
        Case(name: "sendDtmfTones negative delay", path: "/sendDtmfTones", body: #"{"tones": ["tone1"], "delayBetweenTonesMs": -5}"#, status: .badRequest),
        Case(name: "updateRecordingStatus without status", path: "/updateRecordingStatus", body: "{}", status: .badRequest),
        Case(name: "updateRecordingStatus unknown status", path: "/updateRecordingStatus", body: #"{"status": "bogus"}"#, status: .badRequest),
        Case(name: "changeScreenSharingRole without role", path: "/changeScreenSharingRole", body: "{}", status: .badRequest),
        Case(name: "changeScreenSharingRole in a P2P call", path: "/changeScreenSharingRole", body: #"{"role": "sharer"}"#, status: .badRequest),
        Case(name: "mute in a P2P call", path: "/mute", body: "{}", status: .badRequest),
        Case(name: "invite without participants", path: "/participants/invite", body: "{}", status: .badRequest),
        Case(name: "invite a participant without identity", path: "/participants/invite", body: #"{"participants": [{}]}"#, status: .badRequest),
        Case(name: "invite two into a P2P call", path: "/participants/invite", body: #"{"participants": [\#(user), {"identity": {"user": {"id": "98da8a1a-1b87-452c-a713-65d3f10b5555"}}}]}"#, status: .badRequest),
        Case(name: "invite a phone without an application instance", path: "/participants/invite", body: #"{"participants": [{"identity": {"phone": {"id": "+12345678901"}}}]}"#, status: .badRequest),
        Case(name: "invite six", path: "/participants/invite", body: #"{"participants": [\#(Array(repeating: user, count: 6).joined(separator: ","))]}"#, status: .badRequest, meeting: true),
        Case(name: "invite someone already there", path: "/participants/invite", body: #"{"participants": [{"identity": {"user": {"id": "112f7296-5fa4-42ca-bae8-6a692b15d4b8"}}}]}"#, status: .badRequest, meeting: true),
        Case(name: "transfer without target", path: "/transfer", body: "{}", status: .badRequest),
        Case(name: "transfer to a user of another tenant", path: "/transfer", body: #"{"transferTarget": {"identity": {"user": {"id": "5810cede-f3cc-42eb-b2c1-e9bd5d53ec96"}}}}"#, status: .badRequest),
        Case(name: "mute an unknown participant", path: "/participants/nobody/mute", body: "{}", status: .notFound, meeting: true),
        Case(name: "hold music for an unknown participant", path: "/participants/nobody/startHoldMusic", body: "{}", status: .notFound, meeting: true),
        Case(name: "stop hold music nobody started", path: "/participants/nobody/stopHoldMusic", body: "{}", status: .notFound, meeting: true),
        Case(name: "remove an unknown participant", path: "/participants/nobody", method: .delete, status: .notFound, meeting: true),
        Case(name: "unknown operation", path: "/operations/nope", method: .get, status: .notFound),
        Case(name: "routing group without mode", path: "/audioRoutingGroups", body: #"{"sources": ["a"], "receivers": ["b"]}"#, status: .badRequest),
        Case(name: "routing group of strangers", path: "/audioRoutingGroups", body: #"{"routingMode": "oneToOne", "sources": ["a"], "receivers": ["b"]}"#, status: .notFound, meeting: true),
        Case(name: "update an unknown routing group", path: "/audioRoutingGroups/none", method: .patch, body: #"{"routingMode": "multicast"}"#, status: .notFound),
        Case(name: "unknown content sharing session", path: "/contentSharingSessions/none", method: .get, status: .notFound),
        Case(name: "an action that does not exist", path: "/fly", body: "{}", status: .badRequest),
        Case(name: "answer an outgoing call", path: "/answer", body: "{}", status: .badRequest),
        Case(name: "keepAlive with GET", path: "/keepAlive", method: .get, status: .methodNotAllowed),
        Case(name: "playPrompt as text", path: "/playPrompt", body: "prompts", status: .badRequest),
    ]

    static let caller = CallerApp(appId: World.callingBotAppId, tenantId: World.contosoTenantId, displayName: "Calling Bot", permissions: World.allCallPermissions)

    @Test(arguments: cases)
    func isRefusedAndTheCallIsUnchanged(_ test: Case) async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let body = test.meeting ? InCallActionTests.joinMeetingBody : seedCreateCallBody
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: body).json["id"]?.stringValue)
                harness.clock.advance(by: .seconds(1))
                await harness.webhooks.waitForAccepted(test.meeting ? 4 : 2)
                let before = try await harness.stack.runtime.call(id: id, caller: Self.caller)
                let delivered = harness.webhooks.attempts

                let response = try await client.send(test.method, "/v1.0/communications/calls/\(id)\(test.path)", token: token, body: test.body)
                try response.expectGraphError(test.status)

                #expect(try await harness.stack.runtime.call(id: id, caller: Self.caller) == before)
                #expect(try await harness.stack.store.pendingDeliveries(after: 0, limit: 10).isEmpty)
                #expect(harness.webhooks.attempts == delivered)
            }
        }
    }

    @Test func actionsBeforeTheCallIsEstablishedAreRefused() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).json["id"]?.stringValue)
                let response = try await client.send(.post, "/v1.0/communications/calls/\(id)/playPrompt", token: token, body: #"{"prompts": [\#(Self.prompt)]}"#)
                try response.expectGraphError(.badRequest)
                #expect(try await harness.stack.runtime.call(id: id, caller: Self.caller).operations.isEmpty)
            }
        }
    }

    @Test func removingParticipantsNeedsTheTenantsOptIn() async throws {
        var world = World.builtIn()
        let contoso = try #require(world.tenants.firstIndex { $0.id == World.contosoTenantId })
        world.tenants[contoso].allowRemoveParticipantAppIds = ["dd3885da-f9ab-486b-bfae-85de3d445555"]
        try await TestHarness.run(world: world) { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: InCallActionTests.joinMeetingBody).json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(4)
                let john = try await client.send(.get, "/v1.0/communications/calls/\(id)/participants", token: token).json["value"]?[index: 1]?["id"]?.stringValue
                let before = try await harness.stack.runtime.call(id: id, caller: Self.caller)
                let refused = try await client.send(.delete, "/v1.0/communications/calls/\(id)/participants/\(try #require(john))", token: token)
                #expect(try refused.expectGraphError(.forbidden) == "7504")
                #expect(try await harness.stack.runtime.call(id: id, caller: Self.caller) == before)
            }
        }
    }

    @Test func actionsOnAnEndedCallAreNotFound() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).json["id"]?.stringValue)
                #expect(try await client.send(.delete, "/v1.0/communications/calls/\(id)", token: token).status == .noContent)
                for action in ["playPrompt", "keepAlive", "mute", "subscribeToTone"] {
                    try await client.send(.post, "/v1.0/communications/calls/\(id)/\(action)", token: token, body: "{}").expectGraphError(.notFound)
                }
            }
        }
    }
}
