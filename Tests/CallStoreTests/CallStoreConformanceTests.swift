import CallStore
import CallStorePostgres
import CallStoreSQLite
import Foundation
import SwitchboardTesting
import Testing

/// The contract every store backend keeps. Each test runs against every backend.
@Suite struct CallStoreConformanceTests {
    enum Backend: String, CaseIterable, Sendable {
        case memory, sqlite, postgres

        /// Runs `body` over a fresh store (a new database, for PostgreSQL) and closes it
        /// afterwards.
        func with(_ body: (any CallStore) async throws -> Void) async throws {
            let database = self == .postgres ? try await PostgresTestDatabase.create() : nil
            let store: any CallStore = switch self {
            case .memory: InMemoryCallStore()
            case .sqlite: try await SQLiteCallStore.open(path: nil)
            case .postgres: try await PostgresCallStore.open(database!)
            }
            do {
                try await body(store)
                try await store.close()
            } catch {
                try? await store.close()
                if let database { try? await PostgresTestDatabase.drop(database) }
                throw error
            }
            if let database { try await PostgresTestDatabase.drop(database) }
        }
    }

    func record(_ id: String, _ state: String = "s") -> CallRecord {
        CallRecord(id: id, appId: "app", tenantId: "tenant", state: Array(state.utf8))
    }

    func delivery(_ callId: String, _ body: String) -> NewDelivery {
        NewDelivery(callId: callId, appId: "app", tenantId: "tenant", url: "https://bot/cb", body: Array(body.utf8))
    }

    @Test(arguments: Backend.allCases)
    func aCommitStoresStateAndNotificationsTogether(_ backend: Backend) async throws {
        try await backend.with { (store: any CallStore) async throws in
        let created = try await store.commit(CallChange(upserts: [record("a", "v1")], deliveries: [delivery("a", "n1"), delivery("a", "n2")]))
        #expect(created.map(\.body) == [Array("n1".utf8), Array("n2".utf8)])
        #expect(created[0].sequence < created[1].sequence)
        #expect(try await store.call(id: "a") == record("a", "v1"))
        #expect(try await store.pendingDeliveries(after: 0, limit: 10) == created)
        }
    }

    /// Two writers that read the same version: the second loses, and its whole change with it.
    @Test(arguments: Backend.allCases)
    func aCommitFromAVersionNoLongerStoredConflictsAndChangesNothing(_ backend: Backend) async throws {
        try await backend.with { (store: any CallStore) async throws in
        func versioned(_ state: String, _ version: Int64?) -> CallRecord {
            CallRecord(id: "a", appId: "app", tenantId: "tenant", state: Array(state.utf8), version: version)
        }
        func conflicts(_ change: CallChange) async -> Bool {
            do {
                _ = try await store.commit(change)
                return false
            } catch CallStoreError.conflict {
                return true
            } catch {
                return false
            }
        }
        _ = try await store.commit(CallChange(upserts: [versioned("v1", 0)]))
        #expect(try await store.call(id: "a")?.version == 1)
        // A second "new" call with the same id.
        #expect(await conflicts(CallChange(upserts: [versioned("other", 0)])))
        _ = try await store.commit(CallChange(upserts: [versioned("v2", 1)], signals: [NewSignal(callId: "b", payload: [1])]))
        #expect(try await store.call(id: "a")?.version == 2)
        // A writer that read version 1: nothing of its change lands.
        #expect(await conflicts(CallChange(upserts: [versioned("stale", 1), record("x")], deliveries: [delivery("a", "stale")])))
        #expect(await conflicts(CallChange(removals: [CallRemoval(id: "a", version: 1)])))
        #expect(try await store.call(id: "a")?.state() == Array("v2".utf8))
        #expect(try await store.call(id: "x") == nil)
        #expect(try await store.pendingDeliveries(after: 0, limit: 10).isEmpty)
        // A signal applies once: a second change consuming it conflicts.
        let signal = try #require(try await store.pendingSignals(limit: 10).first)
        _ = try await store.commit(CallChange(upserts: [versioned("v3", 2)], consumedSignals: [signal.sequence]))
        #expect(await conflicts(CallChange(upserts: [versioned("v4", 3)], consumedSignals: [signal.sequence])))
        #expect(try await store.call(id: "a")?.version == 3)
        // Unchecked writes land over anything; a checked removal from the version stored lands.
        _ = try await store.commit(CallChange(upserts: [versioned("v4", nil)]))
        #expect(try await store.call(id: "a")?.version == 4)
        _ = try await store.commit(CallChange(removals: [CallRemoval(id: "a", version: 4)]))
        #expect(try await store.call(id: "a") == nil)
        #expect(await conflicts(CallChange(upserts: [versioned("gone", 4)])))
        }
    }

    @Test(arguments: Backend.allCases)
    func aRetargetMovesOnlyTheCallsPendingNotifications(_ backend: Backend) async throws {
        try await backend.with { (store: any CallStore) async throws in
        let created = try await store.commit(CallChange(deliveries: [delivery("a", "sent"), delivery("a", "waiting"), delivery("b", "other")]))
        try await store.markDelivered(sequence: created[0].sequence)
        _ = try await store.commit(CallChange(
            upserts: [record("a", "moved")], retargets: [DeliveryRetarget(callId: "a", url: "https://west.bot/cb")]
        ))
        let pending = try await store.pendingDeliveries(after: 0, limit: 10)
        #expect(pending.map(\.url) == ["https://west.bot/cb", "https://bot/cb"])
        #expect(try await store.journal(callId: "a").map(\.0.url) == ["https://bot/cb", "https://west.bot/cb"])
        #expect(try await store.call(id: "a") == record("a", "moved"))
        }
    }

    @Test(arguments: Backend.allCases)
    func signalsAreCommittedWithTheirChangeAndConsumedWithTheNext(_ backend: Backend) async throws {
        try await backend.with { (store: any CallStore) async throws in
        _ = try await store.commit(CallChange(upserts: [record("a")], signals: [
            NewSignal(callId: "b", payload: Array("end".utf8)), NewSignal(callId: "c", payload: Array("end too".utf8)),
        ]))
        let pending = try await store.pendingSignals(limit: 10)
        #expect(pending.map(\.callId) == ["b", "c"])
        #expect(pending.map(\.payload) == [Array("end".utf8), Array("end too".utf8)])
        #expect(pending[0].sequence < pending[1].sequence)
        _ = try await store.commit(CallChange(removals: ["b"], consumedSignals: [pending[0].sequence]))
        #expect(try await store.pendingSignals(limit: 10) == [pending[1]])
        #expect(try await store.pendingSignals(limit: 0).isEmpty)
        }
    }

    @Test(arguments: Backend.allCases)
    func theJournalKeepsDeliveredNotificationsAndTheirAttempts(_ backend: Backend) async throws {
        try await backend.with { (store: any CallStore) async throws in
        let created = try await store.commit(CallChange(deliveries: [delivery("a", "1"), delivery("a", "2"), delivery("b", "3")]))
        try await store.markFailed(sequence: created[0].sequence, attempts: 1, notBefore: 2000, error: "HTTP 503", dead: false,
                                   attempt: DeliveryAttempt(sequence: created[0].sequence, attempt: 1, at: 1000, status: 503, error: "HTTP 503", durationMilliseconds: 12))
        try await store.markDelivered(sequence: created[0].sequence,
                                      attempt: DeliveryAttempt(sequence: created[0].sequence, attempt: 2, at: 2000, status: 202, error: nil, durationMilliseconds: 3))
        let journal = try await store.journal(callId: "a")
        #expect(journal.map(\.0.sequence) == [created[0].sequence, created[1].sequence])
        #expect(journal.map(\.0.status) == [.delivered, .pending])
        #expect(journal[0].1.map(\.status) == [503, 202])
        #expect(journal[0].1.map(\.durationMilliseconds) == [12, 3])
        #expect(journal[1].1.isEmpty)
        // Delivered notifications leave the outbox.
        #expect(try await store.pendingDeliveries(after: 0, limit: 10).map(\.sequence) == [created[1].sequence, created[2].sequence])
        // An attempt at a notification the store does not keep is dropped.
        try await store.markDelivered(sequence: 999, attempt: DeliveryAttempt(sequence: 999, attempt: 1, at: 0, status: nil, error: "x", durationMilliseconds: 0))
        #expect(try await store.journal(callId: "b").first?.1.isEmpty == true)
        }
    }

    @Test(arguments: Backend.allCases)
    func theJournalForgetsDeliveredNotificationsPastTheRetention(_ backend: Backend) async throws {
        try await backend.with { (store: any CallStore) async throws in
        let old = try await store.commit(CallChange(deliveries: [delivery("old", "1")]))[0]
        try await store.markDelivered(sequence: old.sequence,
                                      attempt: DeliveryAttempt(sequence: old.sequence, attempt: 1, at: 0, status: 202, error: nil, durationMilliseconds: 1))
        let dead = try await store.commit(CallChange(deliveries: [delivery("dead", "2")]))[0]
        try await store.markFailed(sequence: dead.sequence, attempts: 9, notBefore: 0, error: "gone", dead: true, attempt: nil)
        let many = try await store.commit(CallChange(deliveries: (0 ..< Int(deliveredRetention) + 100).map { delivery("new", "\($0)") }))
        // Pruning runs when a sequence that is a multiple of 100 is delivered.
        let trigger = try #require(many.first { $0.sequence % 100 == 0 && $0.sequence - deliveredRetention >= old.sequence })
        try await store.markDelivered(sequence: trigger.sequence)
        #expect(try await store.journal(callId: "old").isEmpty)
        #expect(try await store.journal(callId: "dead").map(\.0.status) == [.dead], "dead letters stay")
        #expect(try await store.journal(callId: "new").count == many.count)
        }
    }

    @Test(arguments: Backend.allCases)
    func deliveredNotificationsRestoredFromASnapshotAreForgottenPastTheRetention(_ backend: Backend) async throws {
        try await backend.with { (store: any CallStore) async throws in
        let old = try await store.commit(CallChange(deliveries: [delivery("old", "1")]))[0]
        try await store.markDelivered(sequence: old.sequence)
        let snapshot = try await store.export()
        // Restored into a store of its own, which never saw it delivered.
        try await backend.with { (store: any CallStore) async throws in
        try await store.replace(with: snapshot)
        #expect(try await store.journal(callId: "old").map(\.0.status) == [.delivered])
        let many = try await store.commit(CallChange(deliveries: (0 ..< Int(deliveredRetention) + 100).map { delivery("new", "\($0)") }))
        let trigger = try #require(many.first { $0.sequence % 100 == 0 && $0.sequence - deliveredRetention >= old.sequence })
        try await store.markDelivered(sequence: trigger.sequence)
        #expect(try await store.journal(callId: "old").isEmpty)
        }
        }
    }

    @Test(arguments: Backend.allCases)
    func aRevivedDeadLetterIsPendingAgainWithNoTriesCounted(_ backend: Backend) async throws {
        try await backend.with { (store: any CallStore) async throws in
        let created = try await store.commit(CallChange(deliveries: [delivery("a", "1"), delivery("a", "2"), delivery("b", "3")]))
        try await store.markFailed(sequence: created[0].sequence, attempts: 7, notBefore: 100, error: "HTTP 500", dead: true)
        try await store.markFailed(sequence: created[2].sequence, attempts: 7, notBefore: 100, error: "HTTP 500", dead: true)
        // Given out of order, with one that is not dead and one that does not exist.
        let revived = try await store.revive(sequences: [created[2].sequence, created[1].sequence, 999_999, created[0].sequence], notBefore: 5000)
        #expect(revived.map(\.sequence) == [created[0].sequence, created[2].sequence])
        #expect(revived.map(\.attempts) == [0, 0])
        #expect(revived.map(\.notBefore) == [5000, 5000])
        #expect(revived.map(\.lastError) == ["HTTP 500", "HTTP 500"], "the last error stays until the next try")
        #expect(try await store.deadDeliveries(limit: 10).isEmpty)
        #expect(try await store.pendingDeliveries(after: 0, limit: 10).map(\.sequence) == created.map(\.sequence))
        #expect(try await store.revive(sequences: [created[0].sequence], notBefore: 0).isEmpty, "pending is not dead")
        }
    }

    @Test(arguments: Backend.allCases)
    func resetForgetsEverythingButSettings(_ backend: Backend) async throws {
        try await backend.with { (store: any CallStore) async throws in
        _ = try await store.initializeSetting("key", value: "k1")
        let created = try await store.commit(CallChange(upserts: [record("a")], deliveries: [delivery("a", "1"), delivery("a", "2")],
                                                        signals: [NewSignal(callId: "b", payload: [1])]))
        try await store.markDelivered(sequence: created[0].sequence)
        try await store.reset()
        #expect(try await store.allCalls().isEmpty)
        #expect(try await store.pendingDeliveries(after: 0, limit: 10).isEmpty)
        #expect(try await store.pendingSignals(limit: 10).isEmpty)
        #expect(try await store.journal(callId: "a").isEmpty)
        #expect(try await store.setting("key") == "k1")
        // Sequences go on rising: nothing delivered before can be mistaken for what comes after.
        let next = try await store.commit(CallChange(deliveries: [delivery("c", "3")]))
        #expect(next[0].sequence > created[1].sequence)
        }
    }

    @Test(arguments: Backend.allCases)
    func aSnapshotRestoresEverythingButSettings(_ backend: Backend) async throws {
        try await backend.with { (store: any CallStore) async throws in
        _ = try await store.initializeSetting("key", value: "k1")
        let created = try await store.commit(CallChange(upserts: [record("b"), record("a")], deliveries: [delivery("a", "1"), delivery("a", "2"), delivery("b", "3")],
                                                        signals: [NewSignal(callId: "b", payload: [1, 2])]))
        try await store.markDelivered(sequence: created[0].sequence, attempt: DeliveryAttempt(sequence: created[0].sequence, attempt: 1, at: 5, status: 202, error: nil, durationMilliseconds: 3))
        try await store.markFailed(sequence: created[1].sequence, attempts: 1, notBefore: 99, error: "503", dead: false,
                                   attempt: DeliveryAttempt(sequence: created[1].sequence, attempt: 1, at: 6, status: 503, error: "503", durationMilliseconds: 4))
        let snapshot = try await store.export()
        #expect(snapshot.calls.map(\.id) == ["a", "b"])
        #expect(snapshot.deliveries.map(\.status) == [.delivered, .pending, .pending])
        #expect(snapshot.deliveries[1].notBefore == 99)
        #expect(snapshot.attempts.map(\.status) == [202, 503])
        #expect(snapshot.signals.map(\.payload) == [[1, 2]])

        // Changed since, then put back: exactly as it was, settings untouched.
        _ = try await store.commit(CallChange(upserts: [record("c")], removals: ["a"], deliveries: [delivery("c", "4")]))
        try await store.replace(with: snapshot)
        #expect(try await store.export() == snapshot)
        #expect(try await store.setting("key") == "k1")
        #expect(try await store.pendingDeliveries(after: 0, limit: 10).map(\.sequence) == [created[1].sequence, created[2].sequence])
        // New sequences come after everything the snapshot or the store ever had.
        let next = try await store.commit(CallChange(deliveries: [delivery("d", "5")], signals: [NewSignal(callId: "d", payload: [3])]))
        #expect(next[0].sequence > created[2].sequence + 1)
        #expect(try await store.pendingSignals(limit: 10).map(\.sequence) == snapshot.signals.map(\.sequence) + [snapshot.signals[0].sequence + 1])
        }
    }

    @Test(arguments: Backend.allCases)
    func upsertReplacesAndRemovalDeletes(_ backend: Backend) async throws {
        try await backend.with { (store: any CallStore) async throws in
        _ = try await store.commit(CallChange(upserts: [record("a", "v1"), record("b")]))
        _ = try await store.commit(CallChange(upserts: [record("a", "v2")]))
        #expect(try await store.call(id: "a")?.state() == Array("v2".utf8))
        _ = try await store.commit(CallChange(removals: ["a"], deliveries: [delivery("a", "bye")]))
        #expect(try await store.call(id: "a") == nil)
        #expect(try await store.allCalls().map(\.id) == ["b"])
        #expect(try await store.pendingDeliveries(after: 0, limit: 10).map(\.callId) == ["a"])
        }
    }

    @Test(arguments: Backend.allCases)
    func summariesComeBackWithoutStates(_ backend: Backend) async throws {
        try await backend.with { (store: any CallStore) async throws in
        let summarised = CallRecord(id: "b", appId: "app", tenantId: "tenant", state: Array("big state".utf8), summary: Array("t x".utf8))
        _ = try await store.commit(CallChange(upserts: [summarised, record("a")]))
        #expect(try await store.callSummaries() == [
            CallSummary(id: "a", appId: "app", tenantId: "tenant", summary: nil),
            CallSummary(id: "b", appId: "app", tenantId: "tenant", summary: Array("t x".utf8)),
        ])
        #expect(try await store.call(id: "b")?.summary() == Array("t x".utf8))
        #expect(try await store.call(id: "a")?.summary() == nil)
        _ = try await store.commit(CallChange(removals: ["b"]))
        #expect(try await store.callSummaries().map(\.id) == ["a"])
        }
    }

    @Test(arguments: Backend.allCases)
    func pendingDeliveriesPageInSequenceOrder(_ backend: Backend) async throws {
        try await backend.with { (store: any CallStore) async throws in
        for index in 0..<5 { _ = try await store.commit(CallChange(deliveries: [delivery("c\(index % 2)", "\(index)")])) }
        let first = try await store.pendingDeliveries(after: 0, limit: 3)
        let rest = try await store.pendingDeliveries(after: first.last!.sequence, limit: 3)
        #expect((first + rest).map { String(decoding: $0.body, as: UTF8.self) } == ["0", "1", "2", "3", "4"])
        }
    }

    @Test(arguments: Backend.allCases)
    func deliveryOutcomesAreRecorded(_ backend: Backend) async throws {
        try await backend.with { (store: any CallStore) async throws in
        let created = try await store.commit(CallChange(deliveries: [delivery("a", "1"), delivery("a", "2"), delivery("a", "3")]))
        try await store.markDelivered(sequence: created[0].sequence)
        try await store.markFailed(sequence: created[1].sequence, attempts: 2, notBefore: 5000, error: "HTTP 503", dead: false)
        try await store.markFailed(sequence: created[2].sequence, attempts: 20, notBefore: 6000, error: "refused", dead: true)
        let pending = try await store.pendingDeliveries(after: 0, limit: 10)
        #expect(pending.count == 1)
        #expect(pending.first?.attempts == 2)
        #expect(pending.first?.notBefore == 5000)
        #expect(pending.first?.lastError == "HTTP 503")
        let dead = try await store.deadDeliveries(limit: 10)
        #expect(dead.map(\.sequence) == [created[2].sequence])
        #expect(dead.first?.status == .dead)
        }
    }

    @Test(arguments: Backend.allCases)
    func theFirstSettingWins(_ backend: Backend) async throws {
        try await backend.with { (store: any CallStore) async throws in
        #expect(try await store.setting("key") == nil)
        #expect(try await store.initializeSetting("key", value: "one") == "one")
        #expect(try await store.initializeSetting("key", value: "two") == "one")
        #expect(try await store.setting("key") == "one")
        }
    }

    @Test(arguments: Backend.allCases)
    func aSettingIsReplacedOnlyFromTheValueTheWriterSaw(_ backend: Backend) async throws {
        try await backend.with { (store: any CallStore) async throws in
        _ = try await store.initializeSetting("keys", value: "[a]")
        #expect(try await store.updateSetting("keys", from: "[a]", to: "[a,b]"))
        // A second writer that read "[a]" loses, and sees why on reading again.
        #expect(try await !store.updateSetting("keys", from: "[a]", to: "[a,c]"))
        #expect(try await store.setting("keys") == "[a,b]")
        #expect(try await !store.updateSetting("absent", from: "", to: "x"))
        #expect(try await store.setting("absent") == nil)
        }
    }
}

@Suite struct SQLiteCallStoreTests {
    @Test func aReopenedFileKeepsCallsAndUndeliveredNotifications() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let first = try await SQLiteCallStore.open(path: path)
        let created = try await first.commit(CallChange(
            upserts: [CallRecord(id: "a", appId: "app", tenantId: "t", state: [1, 2, 3])],
            deliveries: [NewDelivery(callId: "a", appId: "app", tenantId: "t", url: "https://bot/cb", body: [4])]
        ))
        try await first.close()
        let second = try await SQLiteCallStore.open(path: path)
        #expect(try await second.call(id: "a")?.state() == [1, 2, 3])
        #expect(try await second.pendingDeliveries(after: 0, limit: 10) == created)
        let more = try await second.commit(CallChange(deliveries: [NewDelivery(callId: "a", appId: "app", tenantId: "t", url: "https://bot/cb", body: [5])]))
        #expect(more[0].sequence > created[0].sequence)
        try await second.close()
    }
}

@Suite struct CallStoreConcurrencyTests {
    /// Commits from many tasks at once never interleave: each lands whole.
    @Test(arguments: CallStoreConformanceTests.Backend.allCases)
    func concurrentCommitsAreEachAtomic(_ backend: CallStoreConformanceTests.Backend) async throws {
        try await backend.with { (store: any CallStore) async throws in
            try await withThrowingTaskGroup(of: [Delivery].self) { group in
                for index in 0..<50 {
                    group.addTask {
                        try await store.commit(CallChange(
                            upserts: [CallRecord(id: "c\(index)", appId: "app", tenantId: "t", state: [UInt8(index)])],
                            deliveries: [
                                NewDelivery(callId: "c\(index)", appId: "app", tenantId: "t", url: "https://bot/cb", body: [1]),
                                NewDelivery(callId: "c\(index)", appId: "app", tenantId: "t", url: "https://bot/cb", body: [2]),
                            ]
                        ))
                    }
                }
                for try await created in group {
                    // In the order given; not always consecutive (PostgreSQL draws sequences
                    // for concurrent transactions from one counter).
                    #expect(created.count == 2)
                    #expect(created[1].sequence > created[0].sequence)
                }
            }
            #expect(try await store.allCalls().count == 50)
            #expect(try await store.pendingDeliveries(after: 0, limit: 1000).count == 100)
        }
    }
}
