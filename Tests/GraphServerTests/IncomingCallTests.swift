import CallEngine
import Foundation
import GraphModel
import GraphServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardTesting
import Testing
import World

/// `POST /_switchboard/incoming-calls`, and what the bot does with the call: answer, reject,
/// redirect, or nothing at all.
@Suite(.timeLimit(.minutes(1))) struct IncomingCallTests {
    static let john = "112f7296-5fa4-42ca-bae8-6a692b15d4b8"

    /// John calls the built-in bot; the announcement goes to the test's webhook.
    static func johnCallsTheBot(callbackUri: String = "https://bot.contoso.com/api/calls", apiVersion: String = "v1.0") -> String {
        #"{"from": {"user": {"id": "\#(john)"}}, "to": {"application": {"id": "\#(World.callingBotAppId)"}}, "callbackUri": "\#(callbackUri)", "apiVersion": "\#(apiVersion)"}"#
    }

    static let answerBody = ##"{"callbackUri": "https://bot.contoso.com/api/calls/answered", "acceptedModalities": ["audio"], "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"}}"##

    func incoming(_ client: some TestClientProtocol, _ body: String) async throws -> String {
        let response = try await client.send(.post, "/_switchboard/incoming-calls", body: body)
        #expect(response.status == .created, "\(String(buffer: response.body))")
        return try #require(try response.json["id"]?.stringValue)
    }

    @Test func theBotAnswersAndTheCallerHangsUp() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try await incoming(client, Self.johnCallsTheBot())
                await harness.webhooks.waitForAccepted(1)
                let announced = try #require(harness.webhooks.accepted[0].call)
                #expect(try harness.webhooks.accepted[0].notifications.value.first?.changeType == .created)
                #expect(harness.webhooks.accepted[0].url == "https://bot.contoso.com/api/calls")
                #expect(announced.id == id)
                #expect(announced.state == .incoming)
                #expect(announced.direction == .incoming)
                #expect(announced.source?.identity?.user?.id == Self.john)
                #expect(announced.source?.identity?.user?.displayName == "John")
                #expect(announced.targets?.first?.identity?.application?.id == World.callingBotAppId)
                #expect(announced.requestedModalities == [.audio])
                // The bot sees the call as incoming before it answers.
                #expect(try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token).json["state"] == .string("incoming"))

                let answered = try await client.send(.post, "/v1.0/communications/calls/\(id)/answer", token: token, body: Self.answerBody)
                #expect(answered.status == .accepted)
                #expect(answered.body.readableBytes == 0)
                await harness.webhooks.waitForAccepted(3)
                #expect(harness.webhooks.accepted[1...2].map { $0.call?.state } == [.establishing, .established])
                #expect(harness.webhooks.accepted[1...2].allSatisfy { $0.url == "https://bot.contoso.com/api/calls/answered" })
                let call = try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token).json
                #expect(call["state"] == .string("established"))
                #expect(call["direction"] == .string("incoming"))
                // Answering twice is refused: the call is no longer incoming.
                try await client.send(.post, "/v1.0/communications/calls/\(id)/answer", token: token, body: Self.answerBody).expectGraphError(.badRequest)

                #expect(try await client.send(.post, "/_switchboard/calls/\(id)/far-end", body: #"{"action": "hangUp"}"#).status == .noContent)
                await harness.webhooks.waitForAccepted(4)
                #expect(harness.webhooks.accepted[3].call?.resultInfo?.subcode == 4521)
            }
        }
    }

    @Test func aBotWithoutCallingPermissionsSeesTheCallerEncrypted() async throws {
        let testBot = "dd3885da-f9ab-486b-bfae-85de3d445555"
        var world = World.builtIn()
        let index = try #require(world.applications.firstIndex { $0.id == testBot })
        world.applications[index].permissions = []
        try await TestHarness.run(world: world) { harness in
            try await Application(router: harness.stack.router()).test(.router) { client in
                let body = Self.johnCallsTheBot().replacingOccurrences(of: World.callingBotAppId, with: testBot)
                _ = try await incoming(client, body)
                await harness.webhooks.waitForAccepted(1)
                let source = try #require(harness.webhooks.accepted[0].call?.source?.identity)
                #expect(source.user == nil)
                #expect(source.encrypted?.id?.isEmpty == false)
            }
        }
    }

    @Test func anUnansweredCallIsDroppedAfterFifteenSeconds() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try await incoming(client, Self.johnCallsTheBot())
                await harness.webhooks.waitForAccepted(1)
                harness.clock.advance(by: .seconds(14))
                #expect(try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token).status == .ok)
                harness.clock.advance(by: .seconds(1))
                await harness.webhooks.waitForAccepted(2)
                #expect(try harness.webhooks.accepted[1].notifications.value.first?.changeType == .deleted)
                #expect(harness.webhooks.accepted[1].call?.resultInfo == ResultCodes.notAnsweredInTime)
                try await client.send(.post, "/v1.0/communications/calls/\(id)/answer", token: token, body: Self.answerBody).expectGraphError(.notFound)
            }
        }
    }

    @Test(arguments: [("none", 603), ("busy", 486), ("forbidden", 403)])
    func aRejectedCallEndsWithWhatTheCallerHears(_ reason: String, _ code: Int) async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try await incoming(client, Self.johnCallsTheBot())
                await harness.webhooks.waitForAccepted(1)
                let rejected = try await client.send(.post, "/v1.0/communications/calls/\(id)/reject", token: token, body: #"{"reason": "\#(reason)"}"#)
                #expect(rejected.status == .accepted)
                await harness.webhooks.waitForAccepted(2)
                let ended = harness.webhooks.accepted[1]
                #expect(try ended.notifications.value.first?.changeType == .deleted)
                #expect(ended.call?.id == id)
                #expect(ended.call?.resultInfo?.code == code)
                try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token).expectGraphError(.notFound)
            }
        }
    }

    @Test func redirectsAreCheckedAndTheNewTargetDecides() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try await incoming(client, Self.johnCallsTheBot(apiVersion: "beta"))
                await harness.webhooks.waitForAccepted(1)
                let heidi = #"{"identity": {"user": {"id": "550fae72-d251-43ec-868c-373732c2704f"}}}"#
                let path = "/beta/communications/calls/\(id)/redirect"
                try await client.send(.post, path, token: token, body: #"{"targets": []}"#).expectGraphError(.badRequest)
                let many = Array(repeating: heidi, count: 26).joined(separator: ",")
                try await client.send(.post, path, token: token, body: #"{"targets": [\#(many)]}"#).expectGraphError(.badRequest)
                try await client.send(.post, path, token: token, body: #"{"targets": [\#(heidi)], "timeout": 10}"#).expectGraphError(.badRequest)
                try await client.send(.post, path, token: token, body: #"{"targets": [\#(heidi)], "timeout": 91}"#).expectGraphError(.badRequest)
                // A phone number needs a bot that is an application instance.
                let phone = #"{"identity": {"phone": {"id": "+12065550101"}}}"#
                try await client.send(.post, path, token: token, body: #"{"targets": [\#(phone)]}"#).expectGraphError(.badRequest)

                #expect(try await client.send(.post, path, token: token, body: #"{"targets": [\#(heidi)], "timeout": 15}"#).status == .accepted)
                #expect(try await client.send(.get, "/beta/communications/calls/\(id)", token: token).json["state"] == .string("redirecting"))
                harness.clock.advance(by: .seconds(1))
                await harness.webhooks.waitForAccepted(2)
                let ended = try #require(harness.webhooks.accepted[1].call)
                #expect(ended.state == .terminated)
                #expect(ended.answeredBy?.identity?.user?.id == "550fae72-d251-43ec-868c-373732c2704f")
                #expect(ended.source?.identity?.user?.id == Self.john)
                // Only an incoming call can be redirected.
                try await client.send(.post, path, token: token, body: #"{"targets": [\#(heidi)]}"#).expectGraphError(.notFound)
            }
        }
    }

    @Test func aRedirectNobodyAnswersEndsAtItsTimeout() async throws {
        try await TestHarness.run(world: .builtIn(defaultRingTime: .seconds(100))) { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try await incoming(client, Self.johnCallsTheBot())
                await harness.webhooks.waitForAccepted(1)
                let users = ["550fae72-d251-43ec-868c-373732c2704f", "98da8a1a-1b87-452c-a713-65d3f10b5555"]
                    .map { #"{"identity": {"user": {"id": "\#($0)"}}}"# }.joined(separator: ",")
                #expect(try await client.send(.post, "/v1.0/communications/calls/\(id)/redirect", token: token, body: #"{"targets": [\#(users)]}"#).status == .accepted)
                // Two targets ring at once: Graph's default timeout for several is 60 s.
                harness.clock.advance(by: .seconds(59))
                #expect(try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token).status == .ok)
                harness.clock.advance(by: .seconds(1))
                await harness.webhooks.waitForAccepted(2)
                #expect(harness.webhooks.accepted[1].call?.state == .terminated)
                #expect(harness.webhooks.accepted[1].call?.resultInfo == ResultCodes.noAnswer)
            }
        }
    }

    @Test func badIncomingCallsAreRefused() async throws {
        try await TestHarness.run { harness in
            try await Application(router: harness.stack.router()).test(.router) { client in
                let post = { (body: String) in try await client.send(.post, "/_switchboard/incoming-calls", body: body) }
                try await post("{").expectGraphError(.badRequest)
                try await post(#"{"to": {"application": {"id": "\#(World.callingBotAppId)"}}}"#).expectGraphError(.badRequest)
                // Nobody of the world, no E.164 number, no bot, no webhook: each a clear 400.
                try await post(#"{"from": {"user": {"id": "nobody"}}, "to": {"application": {"id": "\#(World.callingBotAppId)"}}, "callbackUri": "https://bot.example/c"}"#).expectGraphError(.badRequest)
                try await post(#"{"from": {"phone": {"id": "12345"}}, "to": {"application": {"id": "\#(World.callingBotAppId)"}}, "callbackUri": "https://bot.example/c"}"#).expectGraphError(.badRequest)
                try await post(#"{"from": {"phone": {"id": "+15550100"}}, "to": {"application": {"id": "nobody"}}, "callbackUri": "https://bot.example/c"}"#).expectGraphError(.badRequest)
                try await post(#"{"from": {"phone": {"id": "+15550100"}}, "to": {"phone": {"id": "+19999999999"}}, "callbackUri": "https://bot.example/c"}"#).expectGraphError(.badRequest)
                try await post(#"{"from": {"phone": {"id": "+15550100"}}, "to": {"application": {"id": "\#(World.callingBotAppId)"}}}"#).expectGraphError(.badRequest)
                try await post(#"{"from": {"phone": {"id": "+15550100"}}, "to": {"application": {"id": "\#(World.callingBotAppId)"}}, "callbackUri": "http://example.com/c"}"#).expectGraphError(.badRequest)
                try await post(#"{"from": {"phone": {"id": "+15550100"}}, "to": {"application": {"id": "\#(World.callingBotAppId)"}}, "callbackUri": "https://bot.example/c", "apiVersion": "v2"}"#).expectGraphError(.badRequest)
                #expect(harness.webhooks.accepted.isEmpty)
            }
        }
    }

    @Test func answerChecksWhatItIsGiven() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try await incoming(client, Self.johnCallsTheBot())
                let path = "/v1.0/communications/calls/\(id)/answer"
                try await client.send(.post, path, token: token, body: ##"{"mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"}}"##).expectGraphError(.badRequest)
                try await client.send(.post, path, token: token, body: #"{"acceptedModalities": ["audio"]}"#).expectGraphError(.badRequest)
                try await client.send(.post, path, token: token, body: ##"{"acceptedModalities": ["audio"], "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"}, "participantCapacity": 0}"##).expectGraphError(.badRequest)
                try await client.send(.post, path, token: token, body: ##"{"acceptedModalities": ["audio"], "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"}, "callbackUri": "http://example.com/x"}"##).expectGraphError(.badRequest)
                // Another application does not see the call.
                let other = try await harness.token(appId: "dd3885da-f9ab-486b-bfae-85de3d445555")
                try await client.send(.post, path, token: other, body: Self.answerBody).expectGraphError(.notFound)
                // Without a callbackUri, notifications stay on the webhook the call came to.
                #expect(try await client.send(.post, path, token: token, body: ##"{"acceptedModalities": ["audio"], "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"}}"##).status == .accepted)
                await harness.webhooks.waitForAccepted(3)
                #expect(harness.webhooks.accepted.allSatisfy { $0.url == "https://bot.contoso.com/api/calls" })
            }
        }
    }

    /// seed003 end to end: Test User calls Test BOT (the 2019 beta), the bot answers as the
    /// page shows, joins a meeting, and invites the caller there with `replacesCallId`: the
    /// incoming call ends and is deleted.
    @Test func seed003sIncomingCallIsAnsweredAndMovedIntoAMeeting() async throws {
        let testBot = "8A34A46B-3D17-4ADC-8DCE-DC4E7D572698"
        try await TestHarness.run { harness in
            let token = try await harness.token(appId: testBot)
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try await incoming(client, #"{"from": {"user": {"id": "\#(testBot)"}}, "to": {"application": {"id": "\#(testBot)"}}, "callbackUri": "https://bot.contoso.com/api/calls", "modalities": ["audio", "video"], "apiVersion": "beta"}"#)
                await harness.webhooks.waitForAccepted(1)
                let seeds = SeedNotificationTests()
                try seeds.expect(try harness.webhooks.accepted.prefix(1).map { try JSONDecoder().decode(JSONValue.self, from: Data($0.body)) }, match: ["seed003-06-notification.json"], v1: false)

                let answer = try #require(SeedFixtures.named("seed003-07-request.json"))
                let answered = try await client.send(.post, "/beta/app/calls/\(id)/answer", token: token, body: answer.text)
                #expect(answered.status == .ok)
                let expected = try JSONDecoder().decode(JSONValue.self, from: Data(try #require(SeedFixtures.named("seed003-08-response.json")).json.utf8))
                #expect(try answered.json["status"]?.stringValue?.lowercased() == expected["status"]?.stringValue?.lowercased())
                await harness.webhooks.waitForAccepted(3)
                // seed003-10 shows `requestedModalities: []` once the call is established, where
                // the call requested audio and video: Switchboard leaves it out (docs/differences-from-graph.md).
                var established = try harness.webhooks.accepted[1...2].map { try JSONDecoder().decode(JSONValue.self, from: Data($0.body)) }
                #expect(established[1]["value"]?[index: 0]?["resourceData"]?["requestedModalities"] == nil)
                established[1] = Self.settingRequestedModalities(established[1], to: .array([]))
                try seeds.expect(established, match: ["seed003-09-notification.json", "seed003-10-notification.json"], v1: false)

                let join = try #require(SeedFixtures.named("seed003-11-request.json"))
                let meeting = try #require(try await client.send(.post, "/beta/app/calls", token: token, body: join.text).json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(5)
                let invite = try #require(SeedFixtures.named("seed003-14-request.json")).text
                    .replacingOccurrences(of: "57DAB8B1894C409AB240BD8BEAE78896", with: id)
                let invited = try await client.send(.post, "/beta/app/calls/\(meeting)/participants/invite", token: token, body: invite)
                #expect(invited.status == .ok)
                let moved = try #require(SeedFixtures.named("seed003-15-response.json"))
                #expect(try invited.json["status"]?.stringValue?.lowercased() == (try JSONDecoder().decode(JSONValue.self, from: Data(moved.json.utf8)))["status"]?.stringValue?.lowercased())
                // The two calls' notifications interleave: wait for the incoming call's last two.
                var onIncoming: [JSONValue] = []
                var count = 6
                while onIncoming.count < 2 {
                    await harness.webhooks.waitForAccepted(count)
                    count += 1
                    onIncoming = try harness.webhooks.accepted.dropFirst(5)
                        .filter { try $0.notifications.value.first?.resourceUrl == "/communications/calls/\(id)" }
                        .map { try JSONDecoder().decode(JSONValue.self, from: Data($0.body)) }
                }
                try seeds.expect(onIncoming, match: ["seed003-18-notification.json", "seed003-19-notification.json"], v1: false)
                try await client.send(.get, "/beta/app/calls/\(id)", token: token).expectGraphError(.notFound)
                let participants = try await client.send(.get, "/beta/app/calls/\(meeting)/participants", token: token).json["value"]
                #expect((0..<(participants?.arrayCount ?? 0)).contains { participants?[index: $0]?["info"]?["identity"]?["user"]?["id"] == .string(testBot) })
            }
        }
    }

    /// The notification with its call's `requestedModalities` set to `value`.
    static func settingRequestedModalities(_ notification: JSONValue, to value: JSONValue) -> JSONValue {
        guard case .object(var top) = notification, case .array(var items)? = top["value"],
              case .object(var first)? = items.first, case .object(var data)? = first["resourceData"] else { return notification }
        data["requestedModalities"] = value
        first["resourceData"] = .object(data)
        items[0] = .object(first)
        top["value"] = .array(items)
        return .object(top)
    }
}
