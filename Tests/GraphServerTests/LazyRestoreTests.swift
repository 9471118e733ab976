import CallRuntime
import CallStore
import CallStoreSQLite
import Foundation
import GraphModel
import GraphServer
import Hummingbird
import HummingbirdTesting
import Synchronization
import SwitchboardTesting
import Testing
import Webhooks
import World

/// A restart restores calls from their summaries: timers armed at once, states read when a
/// call is next used, and requests wait for the restore while the health check does not.
@Suite(.timeLimit(.minutes(1))) struct LazyRestoreTests {
    @Test func restoredCallsAreReadWhenUsedAndTheirTimersStillFire() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let clock = ManualClock()
        let world = World.builtIn(defaultRingTime: .seconds(2))
        let (peer, meeting) = try await TestHarness.run(store: try await SQLiteCallStore.open(path: path), clock: clock, world: world) { harness in
            let token = try await harness.token()
            return try await Application(router: harness.stack.router()).test(.router) { client in
                let peer = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).json["id"]?.stringValue)
                let meeting = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: InCallActionTests.joinMeetingBody).json["id"]?.stringValue)
                return (peer, meeting)
            }
        }

        try await TestHarness.run(store: try await SQLiteCallStore.open(path: path), clock: clock, world: world) { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                // Still ringing, read back when asked for.
                #expect(try await client.send(.get, "/v1.0/communications/calls/\(peer)", token: token).json["state"] == .string("establishing"))
                // The meeting call is found in its meeting without having been asked for.
                let meetings = try await client.send(.get, "/_switchboard/meetings").json["value"]
                let calls = (0..<(meetings?.arrayCount ?? 0)).flatMap { index -> [JSONValue] in
                    guard case .array(let calls)? = meetings?[index: index]?["calls"] else { return [] }
                    return calls
                }
                #expect(calls == [.string(meeting)])
                // The ringing timer armed from the summary: the far end answers on time.
                clock.advance(by: .seconds(2))
                while try await client.send(.get, "/v1.0/communications/calls/\(peer)", token: token).json["state"] != .string("established"), !Task.isCancelled {
                    await Task.yield()
                }
            }
        }
    }

    @Test func requestsWaitForTheRestoreWhileTheHealthCheckAnswers() async throws {
        let store = InMemoryCallStore()
        let clock = ManualClock()
        let id = try await placeOneCall(store: store, clock: clock)
        // The same store again, with everything running but the restore.
        let stack = try await SwitchboardStack.make(store: store, transport: RecordingWebhookTransport(), clock: clock, world: .builtIn())
        try await withThrowingTaskGroup(of: Void.self) { group in
            defer { group.cancelAll() }
            for service in stack.backgroundServices where !(service is RestoreService) { group.addTask { try await service.run() } }
            try await Application(router: stack.router()).test(.router) { client in
                #expect(try await client.send(.get, "/_switchboard/health").status == .ok)
                let tokenForm = "grant_type=client_credentials&client_id=\(World.callingBotAppId)&client_secret=\(World.callingBotSecret)"
                let token = try #require(try await client.send(
                    .post, "/\(World.contosoTenantId)/oauth2/v2.0/token", body: tokenForm, contentType: "application/x-www-form-urlencoded"
                ).json["access_token"]?.stringValue)
                let answered = Mutex(false)
                let read = Task {
                    let response = try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token)
                    answered.withLock { $0 = true }
                    return response.status
                }
                while stack.runtime.waitingForRestore < 1, !Task.isCancelled { await Task.yield() }
                #expect(!answered.withLock { $0 })

                try await stack.runtime.restore()
                let status = try await read.value
                #expect(status == .ok)
            }
        }
    }

    @Test func callsAnOlderReleaseStoredWithoutASummaryAreReadWholeAndGetOne() async throws {
        let store = InMemoryCallStore()
        let clock = ManualClock()
        let id = try await placeOneCall(store: store, clock: clock)
        // As an older release left it: the state, no summary.
        let stored = try #require(try await store.call(id: id))
        _ = try await store.commit(CallChange(upserts: [CallRecord(id: id, appId: stored.appId, tenantId: stored.tenantId, state: try stored.state())]))
        #expect(try await store.callSummaries().first?.summary == nil)

        try await TestHarness.run(store: store, clock: clock) { harness in
            let token = try await harness.token()
            let status = try await Application(router: harness.stack.router()).test(.router) { client in
                try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token).status
            }
            #expect(status == .ok)
            let summary = try #require(try await store.callSummaries().first?.summary)
            #expect(String(decoding: summary, as: UTF8.self).contains("t keepAliveExpiry"))
        }
    }

    /// Places a call through a first server on `store`, stopped afterwards; returns its id.
    private func placeOneCall(store: any CallStore, clock: ManualClock) async throws -> String {
        try await TestHarness.run(store: store, clock: clock) { harness in
            let token = try await harness.token()
            return try await Application(router: harness.stack.router()).test(.router) { client in
                try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).json["id"]?.stringValue)
            }
        }
    }
}
