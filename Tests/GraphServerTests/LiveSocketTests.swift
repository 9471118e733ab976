import CallRuntime
import AsyncHTTPClient
import CallStore
import CallEngine
import CallStoreSQLite
import Foundation
import GraphModel
import GraphServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import NIOCore
import Synchronization
import SwitchboardTesting
import Testing
import Webhooks
import World

/// Over real sockets: the server on a loopback port, a real webhook receiver, and the
/// callback tokens verified with the keys the server publishes, as a bot would.
@Suite(.timeLimit(.minutes(1))) struct LiveSocketTests {
    /// A webhook receiver on a free loopback port that keeps every POST.
    final class Receiver: Sendable {
        let posts = Mutex<[(authorization: String, body: Data)]>([])
        let arrived = Wakeup()

        var router: Router<BasicRequestContext> {
            let router = Router()
            router.post("/callback") { request, _ -> HTTPResponse.Status in
                let body = try await request.body.collect(upTo: 1 << 20)
                self.posts.withLock { $0.append((request.headers[.authorization] ?? "", Data(buffer: body))) }
                self.arrived.signal()
                return .accepted
            }
            return router
        }

        /// Runs the receiver in `group` on a free loopback port; returns the port once it listens.
        func run(in group: inout ThrowingTaskGroup<Void, any Error>) async -> Int {
            let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                  onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            for await port in ports { return port }
            return 0
        }

        func waitFor(_ count: Int) async {
            while posts.withLock({ $0.count }) < count { await arrived.wait() }
        }
    }

    @Test func aRealBotReceivesSignedNotificationsOverHTTP() async throws {
        let receiver = Receiver()
        let clock = ManualClock()
        let stack = try await SwitchboardStack.make(
            store: InMemoryCallStore(), transport: HTTPClientWebhookTransport(client: .shared), clock: clock, world: .builtIn(defaultRingTime: .zero)
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            defer { group.cancelAll() }
            let receiverPort = await receiver.run(in: &group)
            for service in stack.backgroundServices { group.addTask { try await service.run() } }

            let app = Application(router: stack.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            try await app.test(.live) { client in
                let tokenForm = "grant_type=client_credentials&client_id=\(World.callingBotAppId)&client_secret=\(World.callingBotSecret)"
                let token = try #require(try await client.send(.post, "/\(World.contosoTenantId)/oauth2/v2.0/token", body: tokenForm, contentType: "application/x-www-form-urlencoded").json["access_token"]?.stringValue)
                let body = seedCreateCallBody.replacingOccurrences(of: "https://bot.contoso.com/callback", with: "http://127.0.0.1:\(receiverPort)/callback")
                let created = try await client.send(.post, "/v1.0/communications/calls", token: token, body: body)
                #expect(created.status == .created)
                let id = try #require(try created.json["id"]?.stringValue)

                await receiver.waitFor(2)
                let posts = receiver.posts.withLock { $0 }
                var states: [CallState?] = []
                for post in posts {
                    let notifications = try JSONDecoder().decode(CommsNotifications.self, from: post.body)
                    guard case .single(.call(let call))? = notifications.value.first?.resourceData else { continue }
                    #expect(call.id == id)
                    states.append(call.state)
                }
                #expect(states == [.establishing, .established])

                // Verify like a bot: keys from the OpenID configuration's jwks_uri.
                let configuration = try await client.send(.get, "/v1/.well-known/OpenIdConfiguration").json
                #expect(configuration["issuer"] == .string("https://api.botframework.com"))
                let jwksURI = try #require(configuration["jwks_uri"]?.stringValue)
                let jwks = try await client.send(.get, String(jwksURI.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" }))
                let keys = try await JWTKeyCollection().add(jwksJSON: String(buffer: jwks.body))
                for post in posts {
                    let claims = try await keys.verify(String(post.authorization.dropFirst("Bearer ".count)), as: CallbackClaims.self)
                    #expect(claims.aud.value == [World.callingBotAppId])
                    #expect(claims.tid == World.contosoTenantId)
                }
            }
        }
    }
}

/// The README's bot-test example, over real sockets with the manual clock: someone calls
/// the bot, the bot answers, the caller presses keys, time moves on.
@Suite(.timeLimit(.minutes(1))) struct LiveFarEndTests {
    @Test func anIncomingCallIsAnsweredAndDrivenFromTheControlAPI() async throws {
        let receiver = LiveSocketTests.Receiver()
        let stack = try await SwitchboardStack.make(
            store: InMemoryCallStore(), transport: HTTPClientWebhookTransport(client: .shared), clock: ManualClock(),
            world: .builtIn(), timerMode: .driven
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            defer { group.cancelAll() }
            let callback = "http://127.0.0.1:\(await receiver.run(in: &group))/callback"
            for service in stack.backgroundServices { group.addTask { try await service.run() } }

            let app = Application(router: stack.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            try await app.test(.live) { client in
                let tokenForm = "grant_type=client_credentials&client_id=\(World.callingBotAppId)&client_secret=\(World.callingBotSecret)"
                let token = try #require(try await client.send(.post, "/\(World.contosoTenantId)/oauth2/v2.0/token", body: tokenForm, contentType: "application/x-www-form-urlencoded").json["access_token"]?.stringValue)
                func calls(_ count: Int) async throws -> [Call] {
                    await receiver.waitFor(count)
                    return try receiver.posts.withLock { $0 }.compactMap { post in
                        guard case .single(.call(let call))? = try JSONDecoder().decode(CommsNotifications.self, from: post.body).value.first?.resourceData else { return nil }
                        return call
                    }
                }

                // 1. John calls the bot.
                let placed = try await client.send(.post, "/_switchboard/incoming-calls", body: #"{"from": {"user": {"id": "112f7296-5fa4-42ca-bae8-6a692b15d4b8"}}, "to": {"application": {"id": "\#(World.callingBotAppId)"}}, "callbackUri": "\#(callback)"}"#)
                #expect(placed.status == .created)
                let id = try #require(try placed.json["id"]?.stringValue)
                #expect(try await calls(1).first?.state == .incoming)

                // 2. The bot answers and subscribes to tones.
                #expect(try await client.send(.post, "/v1.0/communications/calls/\(id)/answer", token: token, body: ##"{"acceptedModalities": ["audio"], "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"}}"##).status == .accepted)
                #expect(try await calls(3).map(\.state) == [.incoming, .establishing, .established])
                #expect(try await client.send(.post, "/v1.0/communications/calls/\(id)/subscribeToTone", token: token, body: "{}").status == .ok)

                // 3. John presses 1 and #.
                #expect(try await client.send(.post, "/_switchboard/calls/\(id)/far-end", body: #"{"action": "pressKeys", "tones": "1#"}"#).status == .noContent)
                #expect(try await calls(5).compactMap(\.toneInfo?.tone) == [.tone1, .pound])

                // 4. 45 minutes pass without a keepAlive: the call ends (408/8537).
                let advanced = try await client.send(.post, "/_switchboard/clock/advance", body: #"{"seconds": 2700}"#)
                #expect(try advanced.json["mode"] == .string("manual"))
                let ended = try await calls(6).last
                #expect(ended?.state == .terminated)
                #expect(ended?.resultInfo?.subcode == 8537)

                // The journal has all six, delivered.
                let journal = try await client.send(.get, "/_switchboard/calls/\(id)/notifications").json["value"]
                #expect(journal?.arrayCount == 6)
            }
        }
    }
}

/// A restart with the same SQLite file keeps calls and undelivered notifications.
@Suite(.timeLimit(.minutes(1))) struct RestartTests {
    /// A signal committed but not applied before a stop (a replaced call not yet ended) is
    /// applied when the server starts again.
    @Test func aCommittedSignalIsAppliedAfterARestart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-signal-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let clock = ManualClock()
        let id = try await TestHarness.run(store: try await SQLiteCallStore.open(path: path), clock: clock) { harness in
            let token = try await harness.token()
            return try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).json["id"]?.stringValue)
                clock.advance(by: .seconds(1))
                await harness.webhooks.waitForAccepted(2)
                // The commit of another call's change that sends the signal; the process stops before applying it.
                _ = try await harness.stack.store.commit(CallChange(signals: [
                    NewSignal(callId: id, payload: Array(try JSONEncoder().encode(CallSignal.replaced(byCallId: "other")))),
                ]))
                return id
            }
        }
        let webhooks = RecordingWebhookTransport()
        try await TestHarness.run(store: try await SQLiteCallStore.open(path: path), clock: clock, webhooks: webhooks) { harness throws in
            // Delivery is at least once: a notification of the first run may come again
            // first. Wait for the call's deletion, then look at what ended it.
            var count = 1
            while !webhooks.accepted.contains(where: { (try? $0.notifications.value.first?.changeType) == .deleted }) {
                count += 1
                await webhooks.waitForAccepted(count)
            }
            let ending = webhooks.accepted.filter { $0.call?.state == .terminated }
            #expect(ending.count == 2)
            #expect(ending.allSatisfy { $0.call?.id == id })
            #expect(try ending.map { try $0.notifications.value.first?.changeType } == [.updated, .deleted])
            #expect(try await harness.stack.runtime.activeCallCount() == 0)
            #expect(try await harness.stack.store.pendingSignals(limit: 10).isEmpty)
        }
    }

    @Test func callsAndUndeliveredNotificationsSurviveARestart() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-restart-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let clock = ManualClock()

        // First run: the bot's receiver is down, so nothing is delivered.
        let down = RecordingWebhookTransport()
        down.respond(with: 503)
        let id = try await TestHarness.run(store: try await SQLiteCallStore.open(path: path), clock: clock, webhooks: down) { harness in
            let token = try await harness.token()
            return try await Application(router: harness.stack.router()).test(.router) { client in
                let created = try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody)
                await down.waitForAttempts(1)
                return try #require(try created.json["id"]?.stringValue)
            }
        }
        #expect(down.accepted.isEmpty)

        // Second run on the same file: the call is there, the notification is delivered,
        // and the call goes on where it was.
        let up = RecordingWebhookTransport()
        try await TestHarness.run(store: try await SQLiteCallStore.open(path: path), clock: clock, webhooks: up) { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client throws in
                #expect(try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token).json["state"] == .string("establishing"))
                // The failed notification kept its backoff (1 s) across the restart; the
                // user answers at the same moment. Order per call holds.
                clock.advance(by: .seconds(1))
                await up.waitForAccepted(2)
                #expect(up.accepted[0].call?.state == .establishing)
                #expect(up.accepted[1].call?.state == .established)
                #expect(try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token).json["state"] == .string("established"))
            }
        }
    }
}
