import CallRuntime
import CallStore
import Foundation
import GraphModel
import NetworkPolicy
import SwitchboardTesting
import Synchronization
import Testing
import Webhooks

@Suite(.timeLimit(.minutes(1))) struct WebhookDispatcherTests {
    func delivery(_ callId: String, _ body: String) -> NewDelivery {
        NewDelivery(callId: callId, appId: "2891555a-92ff-42e6-80fa-6e1300c6b5c6", tenantId: "tenant", url: "https://bot/\(callId)", body: Array(body.utf8))
    }

    /// Runs a dispatcher over `store` until `body` returns.
    func withDispatcher(store: any CallStore, transport: RecordingWebhookTransport, clock: ManualClock,
                        policy: RetryPolicy = RetryPolicy(maxAttempts: 20, jitter: 0), maxConcurrent: Int = 64,
                        _ body: @Sendable (WebhookDispatcher, CallbackTokenSigner) async throws -> Void) async throws {
        let keys = try await CallbackKeyRing.load(store: store, clock: clock)
        let signer = await keys.signer
        var configuration = WebhookDispatcher.Configuration()
        configuration.retryPolicy = policy
        configuration.maxConcurrentDeliveries = maxConcurrent
        let dispatcher = WebhookDispatcher(store: store, transport: transport, keys: keys, clock: clock, configuration: configuration)
        try await withThrowingTaskGroup(of: Void.self) { group in
            defer { group.cancelAll() }
            group.addTask { try await dispatcher.run() }
            try await body(dispatcher, signer)
        }
    }

    @Test func deliversPendingNotificationsInOrderPerCallWithASignedToken() async throws {
        let store = InMemoryCallStore()
        let transport = RecordingWebhookTransport()
        // Committed before the dispatcher starts: found in the store.
        _ = try await store.commit(CallChange(deliveries: [delivery("a", "a1"), delivery("b", "b1"), delivery("a", "a2")]))
        try await withDispatcher(store: store, transport: transport, clock: ManualClock()) { dispatcher, signer in
            // Committed while it runs: handed over by the runtime.
            await dispatcher.enqueue(try await store.commit(CallChange(deliveries: [delivery("a", "a3")])))
            await transport.waitForAccepted(4)
            let bodies = transport.accepted.filter { $0.url == "https://bot/a" }.map { String(decoding: $0.body, as: UTF8.self) }
            #expect(bodies == ["a1", "a2", "a3"])
            // a1 and b1 start together, before a token is signed: each waits in a task of its
            // own for its signature. a2 and a3 find the token signed and start from the loop.
            #expect(transport.attempts == 4)
            #expect(transport.started == 2)
            let authorization = try #require(transport.accepted.first?.headers["Authorization"])
            let claims = try await signer.verify(String(authorization.dropFirst("Bearer ".count)), as: CallbackClaims.self)
            #expect(claims.aud.value == ["2891555a-92ff-42e6-80fa-6e1300c6b5c6"])
            #expect(claims.tid == "tenant")
            #expect(claims.iss.value == CallbackTokenSigner.issuer)
            #expect(claims.exp.value > claims.iat.value)
        }
        #expect(try await store.pendingDeliveries(after: 0, limit: 10).isEmpty)
    }

    @Test func aStuckReceiverHoldsAtMostHalfTheDeliveriesInFlight() async throws {
        let store = InMemoryCallStore()
        let transport = RecordingWebhookTransport()
        transport.hold(urlsStartingWith: "https://slow.bot/")
        func to(_ url: String, _ callId: String) -> NewDelivery {
            NewDelivery(callId: callId, appId: "app", tenantId: "tenant", url: url + callId, body: Array(callId.utf8))
        }
        // Four calls of a bot that does not answer, committed before another bot's one.
        _ = try await store.commit(CallChange(deliveries: (1...4).map { to("https://slow.bot/", "s\($0)") } + [to("https://fast.bot/", "f1")]))
        try await withDispatcher(store: store, transport: transport, clock: ManualClock(), maxConcurrent: 4) { _, _ in
            // Two of the four slots are the slow bot's at most; the other bot is served.
            await transport.waitForAccepted(1)
            #expect(transport.accepted.map(\.url) == ["https://fast.bot/f1"])
            // Tries are counted as each reaches the transport: the slow bot's second may get
            // there after the other bot's answer.
            await transport.waitForAttempts(3)
            #expect(transport.attempts == 3)
            transport.release()
            await transport.waitForAccepted(5)
        }
    }

    @Test func aFailingReceiverIsRetriedWithBackoffAndNothingOvertakes() async throws {
        let store = InMemoryCallStore()
        let transport = RecordingWebhookTransport()
        let clock = ManualClock()
        transport.respond(with: 503)
        _ = try await store.commit(CallChange(deliveries: [delivery("a", "first"), delivery("a", "second")]))
        try await withDispatcher(store: store, transport: transport, clock: clock) { _, _ in
            await transport.waitForAttempts(1)
            // Still failing after the first backoff (1 s).
            while clock.sleeperCount == 0 { await Task.yield() }
            clock.advance(by: .seconds(1))
            await transport.waitForAttempts(2)
            #expect(transport.accepted.isEmpty)
            let pending = try await store.pendingDeliveries(after: 0, limit: 10)
            #expect(pending.first?.attempts ?? 0 >= 1)
            // The receiver recovers; after the next backoff both arrive, in order.
            transport.respond(with: 202)
            while clock.sleeperCount == 0 { await Task.yield() }
            clock.advance(by: .seconds(2))
            await transport.waitForAccepted(2)
            #expect(transport.accepted.map { String(decoding: $0.body, as: UTF8.self) } == ["first", "second"])
        }
        #expect(try await store.pendingDeliveries(after: 0, limit: 10).isEmpty)
    }

    @Test func aNotificationIsDeadLetteredWhenRetriesRunOut() async throws {
        let store = InMemoryCallStore()
        let transport = RecordingWebhookTransport()
        transport.respond(with: 500)
        _ = try await store.commit(CallChange(deliveries: [delivery("a", "doomed")]))
        try await withDispatcher(store: store, transport: transport, clock: ManualClock(), policy: RetryPolicy(maxAttempts: 1)) { _, _ in
            await transport.waitForAttempts(1)
            while try await store.deadDeliveries(limit: 10).isEmpty { await Task.yield() }
        }
        #expect(try await store.deadDeliveries(limit: 10).map { String(decoding: $0.body, as: UTF8.self) } == ["doomed"])
        #expect(try await store.pendingDeliveries(after: 0, limit: 10).isEmpty)
    }

    @Test func aNotificationOlderThanTheMaximumAgeIsDeadLettered() async throws {
        let store = InMemoryCallStore()
        let transport = RecordingWebhookTransport()
        let clock = ManualClock()
        transport.respond(with: 503)
        var old = delivery("a", "stale")
        old.createdAt = clock.now().millisecondsSinceEpoch
        _ = try await store.commit(CallChange(deliveries: [old]))
        let created = Timestamp(millisecondsSinceEpoch: old.createdAt)
        let policy = RetryPolicy(initialBackoff: .seconds(4), maxAge: .seconds(5), jitter: 0)
        try await withDispatcher(store: store, transport: transport, clock: clock, policy: policy) { _, _ in
            await transport.waitForAttempts(1)
            // Tries at 0 s, the probes at 2 s and 4 s, and the last at the deadline (5 s).
            while try await store.deadDeliveries(limit: 10).isEmpty, !Task.isCancelled {
                if let next = clock.nextDeadline { clock.advance(to: next) }
                await Task.yield()
            }
        }
        #expect(clock.now() == created.advanced(by: .seconds(5)))
        #expect(transport.attempts == 4)
        #expect(try await store.pendingDeliveries(after: 0, limit: 10).isEmpty)
    }

    @Test func aReceiverThatComesBackGetsEverythingWithinAProbeIntervalNotABackoff() async throws {
        let store = InMemoryCallStore()
        let transport = RecordingWebhookTransport()
        let clock = ManualClock()
        let start = clock.now()
        transport.respond(with: 503)
        _ = try await store.commit(CallChange(deliveries: [delivery("a", "a1"), delivery("b", "b1"), delivery("a", "a2")]))
        // A minute's backoff after the first failure; probes every 2 s.
        let policy = RetryPolicy(initialBackoff: .seconds(60), jitter: 0)
        try await withDispatcher(store: store, transport: transport, clock: clock, policy: policy) { _, _ in
            await transport.waitForAttempts(2)
            // One probe at 2 s, still down.
            while clock.nextDeadline != start.advanced(by: .seconds(2)), !Task.isCancelled { await Task.yield() }
            clock.advance(to: start.advanced(by: .seconds(2)))
            await transport.waitForAttempts(3)
            // Back at 4 s: the probe gets through and everything waiting follows, in order.
            transport.respond(with: 202)
            while clock.nextDeadline != start.advanced(by: .seconds(4)), !Task.isCancelled { await Task.yield() }
            clock.advance(to: start.advanced(by: .seconds(4)))
            await transport.waitForAccepted(3)
        }
        #expect(clock.now() == start.advanced(by: .seconds(4)))
        #expect(transport.attempts == 6)
        #expect(transport.accepted.filter { $0.url == "https://bot/a" }.map { String(decoding: $0.body, as: UTF8.self) } == ["a1", "a2"])
    }
}

/// The callback's host is checked on what it resolves to, at each delivery.
@Suite(.timeLimit(.minutes(1))) struct GuardedWebhookTransportTests {
    struct Resolver: HostResolver {
        var answers: [String: [IPAddress]]
        func addresses(of host: String) async throws -> [IPAddress] { answers[host] ?? [] }
    }

    let resolver = Resolver(answers: [
        "bot.contoso.com": [IPAddress("52.112.0.10")!],
        "metadata.evil.example": [IPAddress("52.112.0.10")!, IPAddress("169.254.169.254")!],
        "bot.internal": [IPAddress("10.1.2.3")!],
    ])

    @Test func aNameThatResolvesToAPrivateAddressIsRefusedUnlessItsNetworkIsAllowed() async throws {
        let recorder = RecordingWebhookTransport()
        let standard = GuardedWebhookTransport(recorder, policy: CallbackAddressPolicy(), resolver: resolver)
        #expect(try await standard.post(url: "https://bot.contoso.com/cb", headers: [], body: [], timeout: .seconds(1)).status == 202)
        // One bad address among good ones is enough to refuse.
        await #expect(throws: GuardedWebhookTransport.Refused.self) {
            _ = try await standard.post(url: "https://metadata.evil.example/cb", headers: [], body: [], timeout: .seconds(1))
        }
        await #expect(throws: GuardedWebhookTransport.Refused.self) {
            _ = try await standard.post(url: "https://bot.internal/cb", headers: [], body: [], timeout: .seconds(1))
        }
        await #expect(throws: GuardedWebhookTransport.Refused.self) {
            _ = try await standard.post(url: "https://nowhere.example/cb", headers: [], body: [], timeout: .seconds(1))
        }
        #expect(recorder.attempts == 1)

        let open = GuardedWebhookTransport(recorder, policy: CallbackAddressPolicy(allowedNetworks: [IPNetwork("10.0.0.0/8")!]), resolver: resolver)
        #expect(try await open.post(url: "http://bot.internal:9000/cb", headers: [], body: [], timeout: .seconds(1)).status == 202)
        #expect(recorder.attempts == 2)
    }

    /// Started without waiting, an address is checked at once (refused ones answer through
    /// the completion); a host name is left to `post`, which resolves it first.
    @Test func startChecksAnAddressAtOnceAndLeavesANameToPost() async throws {
        let recorder = RecordingWebhookTransport()
        let guarded = GuardedWebhookTransport(recorder, policy: CallbackAddressPolicy(), resolver: resolver)
        let results = Mutex<[String: Result<WebhookResponse, any Error>]>([:])
        func start(_ url: String) -> Bool {
            guarded.start(url: url, headers: [], body: [], timeout: .seconds(1)) { result in results.withLock { $0[url] = result } }
        }
        #expect(start("http://10.1.2.3/cb"))
        #expect(start("https://52.112.0.10/cb"))
        #expect(!start("https://bot.contoso.com/cb"))
        let answered = results.withLock { $0 }
        #expect(throws: GuardedWebhookTransport.Refused.self) { try answered["http://10.1.2.3/cb"]?.get() }
        #expect(try answered["https://52.112.0.10/cb"]?.get().status == 202)
        #expect(answered["https://bot.contoso.com/cb"] == nil)
        #expect(recorder.attempts == 1)
    }

    @Test func theSystemResolverFindsLocalhost() async throws {
        let addresses = try await SystemHostResolver().addresses(of: "localhost")
        #expect(addresses.contains { $0.isLoopback })
    }

    @Test func aRefusedCallbackIsJournaledAsTheTrysError() async throws {
        let store = InMemoryCallStore()
        let recorder = RecordingWebhookTransport()
        _ = try await store.commit(CallChange(deliveries: [
            NewDelivery(callId: "a", appId: "app", tenantId: "t", url: "https://bot.internal/cb", body: [1]),
        ]))
        let clock = ManualClock()
        let dispatcher = WebhookDispatcher(
            store: store, transport: GuardedWebhookTransport(recorder, policy: CallbackAddressPolicy(), resolver: resolver),
            keys: try await CallbackKeyRing.load(store: store, clock: clock), clock: clock
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            defer { group.cancelAll() }
            group.addTask { try await dispatcher.run() }
            while try await store.journal(callId: "a").first?.1.isEmpty ?? true, !Task.isCancelled { await Task.yield() }
        }
        let tries = try await store.journal(callId: "a").first?.1 ?? []
        #expect(tries.first?.error?.contains("bot.internal resolves to 10.1.2.3") == true)
        #expect(recorder.attempts == 0)
    }
}
