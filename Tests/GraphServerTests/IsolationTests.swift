import CallRuntime
import CallStoreSQLite
import JWTKit
import Foundation
import GraphModel
import GraphServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardTesting
import Testing
import World

/// An application sees and controls only its own calls in its own tenant; tokens are
/// checked as the identity platform's are.
@Suite(.timeLimit(.minutes(1))) struct IsolationTests {
    static let otherApp = "dd3885da-f9ab-486b-bfae-85de3d445555"
    static let fabrikam = "aa67bd4c-8475-432d-bd41-39f255720e0a"

    /// Every route of a call, with a body where it takes one.
    static func routes(_ id: String, participant: String, operation: String) -> [(HTTPRequest.Method, String, String?)] {
        let call = "/v1.0/communications/calls/\(id)"
        let actions = ["keepAlive", "mute", "unmute", "playPrompt", "recordResponse", "cancelMediaProcessing", "subscribeToTone",
                       "sendDtmfTones", "updateRecordingStatus", "changeScreenSharingRole", "addLargeGalleryView", "transfer",
                       "answer", "reject", "redirect"]
        return [(.get, call, nil), (.delete, call, nil)]
            + actions.map { (.post, "\(call)/\($0)", "{}") }
            + [
                (.get, "\(call)/participants", nil), (.post, "\(call)/participants/invite", "{}"),
                (.get, "\(call)/participants/\(participant)", nil), (.delete, "\(call)/participants/\(participant)", nil),
                (.post, "\(call)/participants/\(participant)/mute", "{}"), (.post, "\(call)/participants/\(participant)/startHoldMusic", "{}"),
                (.post, "\(call)/participants/\(participant)/stopHoldMusic", "{}"),
                (.get, "\(call)/operations/\(operation)", nil),
                (.get, "\(call)/audioRoutingGroups", nil), (.post, "\(call)/audioRoutingGroups", "{}"),
                (.get, "\(call)/audioRoutingGroups/g1", nil), (.patch, "\(call)/audioRoutingGroups/g1", "{}"),
                (.delete, "\(call)/audioRoutingGroups/g1", nil),
                (.get, "\(call)/contentSharingSessions", nil), (.get, "\(call)/contentSharingSessions/s1", nil),
            ]
    }

    @Test func anotherAppOrAnotherTenantFindsNoCallOnAnyRoute() async throws {
        try await TestHarness.run { harness in
            let owner = try await harness.token()
            let strangers = [
                try await harness.token(appId: Self.otherApp),                 // another app, same tenant
                try await harness.token(tenant: Self.fabrikam),                // the same app, another tenant
                try await harness.token(appId: Self.otherApp, tenant: Self.fabrikam),
            ]
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: owner, body: InCallActionTests.joinMeetingBody).json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(4)
                let participant = try #require(try await client.send(.get, "/v1.0/communications/calls/\(id)/participants", token: owner).json["value"]?[index: 0]?["id"]?.stringValue)
                let operation = try #require(try await client.send(.post, "/v1.0/communications/calls/\(id)/subscribeToTone", token: owner, body: "{}").json["id"]?.stringValue)
                for stranger in strangers {
                    for (method, path, body) in Self.routes(id, participant: participant, operation: operation) {
                        let response = try await client.send(method, path, token: stranger, body: body)
                        #expect(response.status == .notFound, "\(method) \(path): \(response.status)")
                        #expect(try response.json["error"]?["code"] == .string("itemNotFound"), "\(method) \(path)")
                    }
                    // Not in the collection either, and an unknown id answers the same.
                    let unknown = try await client.send(.get, "/v1.0/communications/calls/00000000-0000-0000-0000-000000000000", token: stranger)
                    let foreign = try await client.send(.get, "/v1.0/communications/calls/\(id)", token: stranger)
                    #expect(unknown.status == foreign.status)
                }
                // The owner still has it, untouched.
                #expect(try await client.send(.get, "/v1.0/communications/calls/\(id)", token: owner).json["state"] == .string("established"))
            }
        }
    }

    @Test func badTokensGet401WithWWWAuthenticate() async throws {
        let clock = ManualClock()
        try await TestHarness.run(clock: clock) { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let path = "/v1.0/communications/calls/x"
                func refused(_ token: String?) async throws {
                    let response = try await client.send(.get, path, token: token)
                    #expect(try response.expectGraphError(.unauthorized) == "InvalidAuthenticationToken")
                    #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer ") == true)
                }
                try await refused(nil)
                try await refused("not-a-jwt")
                try await refused(String(token.dropLast(4)) + "AAAA")
                // Not yet valid: the clock goes back before the token's nbf (5 minutes before issue).
                let issued = clock.now()
                clock.set(to: issued.advanced(by: .seconds(-301)))
                try await refused(token)
                clock.set(to: issued)
                try await client.send(.get, path, token: token).expectGraphError(.notFound)
                // Expired after an hour.
                clock.advance(by: .seconds(3600))
                try await refused(token)
            }
        }
    }

    @Test func tokensAreIssuedOnlyForTenantsThatConsented() async throws {
        var world = World.builtIn()
        let index = try #require(world.applications.firstIndex { $0.id == Self.otherApp })
        world.applications[index].consentedTenants = []
        try await TestHarness.run(world: world) { harness in
            try await Application(router: harness.stack.router()).test(.router) { client in
                let form = "grant_type=client_credentials&client_id=\(Self.otherApp)&client_secret=\(World.callingBotSecret)"
                let own = try await client.send(.post, "/\(World.contosoTenantId)/oauth2/v2.0/token", body: form, contentType: "application/x-www-form-urlencoded")
                #expect(own.status == .ok)
                let foreign = try await client.send(.post, "/\(Self.fabrikam)/oauth2/v2.0/token", body: form, contentType: "application/x-www-form-urlencoded")
                #expect(foreign.status == .unauthorized)
                #expect(try foreign.json["error"] == .string("invalid_client"))
            }
        }
    }

    @Test func theControlAPICanBeClosed() async throws {
        try await TestHarness.run(controlToken: "s3cret") { harness in
            try await Application(router: harness.stack.router()).test(.router) { client in
                let meetings = "/_switchboard/meetings"
                try await client.send(.get, meetings).expectGraphError(.unauthorized)
                try await client.send(.get, meetings, token: "wrong").expectGraphError(.unauthorized)
                try await client.send(.post, "/_switchboard/reset", token: "s3cre").expectGraphError(.unauthorized)
                #expect(try await client.send(.get, meetings, token: "s3cret").status == .ok)
                #expect(try await client.send(.post, "/_switchboard/reset", token: "s3cret").status == .noContent)
                // Probes stay open.
                #expect(try await client.send(.get, "/_switchboard/health").status == .ok)
            }
        }
    }
}

/// Application permissions, as the reference's permission map says.
@Suite(.timeLimit(.minutes(1))) struct PermissionTests {
    static let limitedApp = "dd3885da-f9ab-486b-bfae-85de3d445555"

    func world(granting permissions: [String]) throws -> World {
        var world = World.builtIn()
        let index = try #require(world.applications.firstIndex { $0.id == Self.limitedApp })
        world.applications[index].permissions = permissions
        return world
    }

    @Test func aBotThatMayOnlyInitiateCallsPlacesThemButNoMore() async throws {
        try await TestHarness.run(world: try world(granting: ["Calls.Initiate.All"])) { harness in
            let token = try await harness.token(appId: Self.limitedApp)
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).json["id"]?.stringValue)
                harness.clock.advance(by: .seconds(1))
                await harness.webhooks.waitForAccepted(2)
                let call = "/v1.0/communications/calls/\(id)"
                // What the call itself allows.
                #expect(try await client.send(.post, "\(call)/keepAlive", token: token, body: "{}").status == .ok)
                #expect(try await client.send(.post, "\(call)/playPrompt", token: token,
                                              body: ##"{"prompts": [{"@odata.type": "#microsoft.graph.mediaPrompt", "mediaInfo": {"uri": "https://cdn.contoso.com/a.wav"}}]}"##).status == .ok)
                // Media operations need Calls.AccessMedia.All; invitations Calls.InitiateGroupCall.All.
                for action in ["recordResponse", "subscribeToTone", "sendDtmfTones", "changeScreenSharingRole"] {
                    #expect(try await client.send(.post, "\(call)/\(action)", token: token, body: "{}").expectGraphError(.forbidden) == "7504", "\(action)")
                }
                #expect(try await client.send(.post, "\(call)/participants/invite", token: token, body: PhoneScenarioTests.invite(PhoneScenarioTests.identity(user: "98da8a1a-1b87-452c-a713-65d3f10b5555"))).expectGraphError(.forbidden) == "7504")
                // Group calls and meetings are beyond it too.
                try await client.send(.post, "/v1.0/communications/calls", token: token, body: InCallActionTests.joinMeetingBody).expectGraphError(.forbidden)
            }
        }
    }

    @Test func aBotThatMayOnlyJoinMeetingsCannotTransfer() async throws {
        try await TestHarness.run(world: try world(granting: ["Calls.JoinGroupCall.All"])) { harness in
            let token = try await harness.token(appId: Self.limitedApp)
            try await Application(router: harness.stack.router()).test(.router) { client in
                try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).expectGraphError(.forbidden)
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: InCallActionTests.joinMeetingBody).json["id"]?.stringValue)
                let transfer = ##"{"transferTarget": {"@odata.type": "#microsoft.graph.invitationParticipantInfo", "identity": {"user": {"id": "98da8a1a-1b87-452c-a713-65d3f10b5555"}}}}"##
                #expect(try await client.send(.post, "/v1.0/communications/calls/\(id)/transfer", token: token, body: transfer).expectGraphError(.forbidden) == "7504")
                #expect(try await client.send(.post, "/v1.0/communications/calls/\(id)/updateRecordingStatus", token: token, body: #"{"status": "recording"}"#).status == .ok)
            }
        }
    }
}

/// Keys: access tokens and callbacks are signed apart, and the file that keeps them is private.
@Suite(.timeLimit(.minutes(1))) struct KeyTests {
    struct AnyClaims: JWTPayload {
        var tid: String?
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    @Test func accessTokensAreNotSignedWithTheCallbackKey() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            // The callback key (published in the JWKS bots fetch) does not verify an access token.
            await #expect(throws: (any Error).self) { _ = try await harness.stack.callbackKeys.signer.verify(token, as: AnyClaims.self) }
            #expect(try await harness.stack.services.accessTokenSigner.verify(token, as: AnyClaims.self).tid == World.contosoTenantId)
        }
    }

    @Test func theSQLiteFileIsReadableByItsOwnerOnly() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-perm-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try await SQLiteCallStore.open(path: path)
        _ = try await store.initializeSetting("k", value: "v")
        let permissions = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        try await store.close()
    }
}
