import CallRuntime
import Foundation
import CallStore
import GraphModel
import JWTKit
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import Webhooks

@Suite(.timeLimit(.minutes(1))) struct CallbackKeyRingTests {
    @Test func aTokenSignedBeforeARotationStillVerifiesAfterIt() async throws {
        let store = InMemoryCallStore()
        let clock = ManualClock()
        let ring = try await CallbackKeyRing.load(store: store, clock: clock)
        let before = try await ring.callbackToken(appId: "app", tenantId: "t")
        let rotated = try await ring.rotate()
        #expect(rotated.kid == "switchboard-2")
        let after = try await ring.callbackToken(appId: "app", tenantId: "t")
        #expect(after != before)
        #expect(kid(of: after) == "switchboard-2")
        #expect(kid(of: before) == "switchboard-1")
        // Both verify against what is published now.
        let published = await ring.signer
        _ = try await published.verify(before, as: CallbackClaims.self)
        _ = try await published.verify(after, as: CallbackClaims.self)
        #expect(published.jwks.keys.map { $0.keyIdentifier?.string } == ["switchboard-1", "switchboard-2"])
        let keys = await ring.publishedKeys
        #expect(keys.map(\.retiredAt) == [clock.now().millisecondsSinceEpoch, nil])
    }

    @Test func aRetiredKeyLeavesOnceItsTokensHaveExpired() async throws {
        let clock = ManualClock()
        let ring = try await CallbackKeyRing.load(store: InMemoryCallStore(), clock: clock)
        try await ring.rotate()
        clock.advance(by: .seconds(3599))
        try await ring.rotate()
        #expect(await ring.publishedKeys.map(\.kid) == ["switchboard-1", "switchboard-2", "switchboard-3"])
        clock.advance(by: .seconds(1))
        try await ring.rotate()
        // Key 1 retired an hour ago: every token it signed has expired.
        #expect(await ring.publishedKeys.map(\.kid) == ["switchboard-2", "switchboard-3", "switchboard-4"])
    }

    @Test func theKeysAreKeptInTheStoreAndAnOlderReleasesKeyComesFirst() async throws {
        let store = InMemoryCallStore()
        let pem = CallbackTokenSigner.generateKeyPEM()
        _ = try await store.initializeSetting(CallbackKeyRing.legacySetting, value: pem)
        let clock = ManualClock()
        let ring = try await CallbackKeyRing.load(store: store, clock: clock)
        #expect(await ring.publishedKeys.map(\.pem) == [pem])
        try await ring.rotate()
        let reopened = try await CallbackKeyRing.load(store: store, clock: clock)
        #expect(await reopened.publishedKeys == ring.publishedKeys)
    }

    @Test func twoNodesRotatingAtOnceLoseNoKey() async throws {
        let store = InMemoryCallStore()
        let clock = ManualClock()
        let one = try await CallbackKeyRing.load(store: store, clock: clock)
        let two = try await CallbackKeyRing.load(store: store, clock: clock)
        try await one.rotate()
        // Two has not seen one's rotation; its own still lands after it.
        #expect(try await two.rotate().kid == "switchboard-3")
        try await one.reload()
        #expect(await one.publishedKeys.map(\.kid) == ["switchboard-1", "switchboard-2", "switchboard-3"])
        #expect(await one.publishedKeys.filter { $0.retiredAt == nil }.map(\.kid) == ["switchboard-3"])
    }

    @Test func aScheduleRotatesWhenTheSigningKeyIsDue() async throws {
        let store = InMemoryCallStore()
        let clock = ManualClock()
        let ring = try await CallbackKeyRing.load(store: store, clock: clock, rotationInterval: .seconds(24 * 3600))
        try await withThrowingTaskGroup(of: Void.self) { group in
            defer { group.cancelAll() }
            group.addTask { try await ring.run() }
            for expected in 2...3 {
                while clock.sleeperCount == 0, !Task.isCancelled { await Task.yield() }
                clock.advance(by: .seconds(24 * 3600))
                while await ring.publishedKeys.last?.kid != "switchboard-\(expected)", !Task.isCancelled { await Task.yield() }
            }
        }
        // Key 1, retired a day before, is gone; key 2 stays for its tokens.
        #expect(await ring.publishedKeys.map(\.kid) == ["switchboard-2", "switchboard-3"])
    }

    @Test func withoutAScheduleItRunsUntilShutdown() async throws {
        // A service that returns at once stops every other service of its group: with
        // `serve --callback-key-rotation 0` the server stopped as it started.
        let ring = try await CallbackKeyRing.load(store: InMemoryCallStore(), clock: ManualClock())
        #expect(ring.rotationInterval == nil)
        let neighbour = Neighbour()
        let group = ServiceGroup(configuration: .init(services: [ring, neighbour], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for await _ in neighbour.started { break }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(neighbour.ended.withLock { $0 } == "graceful shutdown")
    }

    /// A service beside the key ring: says when it runs, and how it ended.
    final class Neighbour: Service, Sendable {
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        let ended = Mutex<String?>(nil)

        func run() async throws {
            startedContinuation.yield()
            do {
                try await gracefulShutdown()
                ended.withLock { $0 = "graceful shutdown" }
            } catch {
                ended.withLock { $0 = "cancelled" }
            }
        }
    }

    /// The `kid` in a JWT's header, read as a bot would before fetching keys.
    func kid(of token: String) -> String? {
        var part = String(token.split(separator: ".").first ?? "").replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while part.count % 4 != 0 { part += "=" }
        guard let data = Data(base64Encoded: part),
              let header = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return header["kid"] as? String
    }
}
