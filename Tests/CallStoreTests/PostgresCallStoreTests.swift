import CallStore
import CallStorePostgres
import SwitchboardTesting
import Testing

@Suite struct PostgresCallStoreTests {
    /// Several nodes starting on one new database at once migrate it once, and each sees what
    /// the others commit.
    @Test func nodesStartingTogetherMigrateOnceAndShareOneDatabase() async throws {
        let database = try await PostgresTestDatabase.create()
        let stores = try await withThrowingTaskGroup(of: PostgresCallStore.self) { group in
            for _ in 0..<3 { group.addTask { try await PostgresCallStore.open(database) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let created = try await stores[0].commit(CallChange(
            upserts: [CallRecord(id: "a", appId: "app", tenantId: "t", state: [1, 2, 3])],
            deliveries: [NewDelivery(callId: "a", appId: "app", tenantId: "t", url: "https://bot/cb", body: [4])]
        ))
        #expect(try await stores[1].call(id: "a")?.state() == [1, 2, 3])
        #expect(try await stores[2].pendingDeliveries(after: 0, limit: 10) == created)
        for store in stores { try await store.close() }

        // Reopened: everything is still there, and sequences go on after it.
        let reopened = try await PostgresCallStore.open(database)
        #expect(try await reopened.pendingDeliveries(after: 0, limit: 10) == created)
        let more = try await reopened.commit(CallChange(deliveries: [NewDelivery(callId: "a", appId: "app", tenantId: "t", url: "https://bot/cb", body: [5])]))
        #expect(more[0].sequence > created[0].sequence)
        try await reopened.close()
        try await PostgresTestDatabase.drop(database)
    }

    @Test func aStoreThatCannotConnectSaysWhere() async throws {
        let url = try PostgresURL("postgres://nobody@/nowhere?host=/nonexistent-switchboard-dir")
        do {
            let store = try await PostgresCallStore.open(url)
            try await store.close()
            Issue.record("opened a store on a server that is not there")
        } catch {
            #expect("\(error)".contains("host=/nonexistent-switchboard-dir/.s.PGSQL.5432"))
        }
    }
}

@Suite struct PostgresURLTests {
    @Test func readsTCPURLsWithPasswordsFromTheURLOrTheEnvironment() throws {
        let url = try PostgresURL("postgres://bot:s3cret@db.example:6543/calls?sslmode=require", environment: ["PGPASSWORD": "other"])
        #expect(url.endpoint == .tcp(host: "db.example", port: 6543))
        #expect(url.username == "bot")
        #expect(url.password == "s3cret")
        #expect(url.database == "calls")
        #expect(url.tls == .require)
        #expect(url.description == "postgres://bot@db.example:6543/calls")

        let fromEnvironment = try PostgresURL("postgresql://bot@localhost/calls", environment: ["PGPASSWORD": "other"])
        #expect(fromEnvironment.password == "other")
        #expect(fromEnvironment.endpoint == .tcp(host: "localhost", port: 5432))
        #expect(fromEnvironment.tls == .prefer)
    }

    @Test func readsUnixSocketsAsLibpqDoes() throws {
        #expect(try PostgresURL("postgres://u@localhost/db?host=/run/pg").endpoint == .socket(path: "/run/pg/.s.PGSQL.5432"))
        #expect(try PostgresURL("postgres://u@%2Frun%2Fpg:6000/db").endpoint == .socket(path: "/run/pg/.s.PGSQL.6000"))
        #expect(try PostgresURL("postgres://u@/db?host=/run/pg&port=7000").endpoint == .socket(path: "/run/pg/.s.PGSQL.7000"))
    }

    @Test(arguments: [
        ("mysql://u@h/db", "starts postgres://"),
        ("postgres://h/db", "no user"),
        ("postgres://u@h/", "no database"),
        ("postgres://u@h:99999/db", "not a TCP port"),
        ("postgres://u@h/db?sslmode=sometimes", "sslmode"),
        ("postgres://u@h/db?application_name=x", "application_name"),
    ])
    func refusesWhatItCannotUseAndSaysWhy(_ text: String, _ reason: String) {
        #expect {
            _ = try PostgresURL(text, environment: [:])
        } throws: { error in
            "\(error)".contains(reason)
        }
    }
}

/// Two nodes on one database (two stores, as two processes would have).
@Suite struct PostgresSharedStoreTests {
    struct StateWithTimer: StoredStateValue {
        var nextDue: Int64?
        func encodedState() throws -> [UInt8] { [1] }
        func encodedSummary() throws -> [UInt8] { [] }
    }

    func withTwoNodes(_ body: (PostgresCallStore, PostgresCallStore) async throws -> Void) async throws {
        let database = try await PostgresTestDatabase.create()
        let a = try await PostgresCallStore.open(database, nodeId: "a")
        let b = try await PostgresCallStore.open(database, nodeId: "b")
        do {
            try await body(a, b)
        } catch {
            try? await a.close()
            try? await b.close()
            try? await PostgresTestDatabase.drop(database)
            throw error
        }
        try await a.close()
        try await b.close()
        try await PostgresTestDatabase.drop(database)
    }

    func note(_ call: String, _ body: String) -> NewDelivery {
        NewDelivery(callId: call, appId: "app", tenantId: "t", url: "https://bot/cb", body: Array(body.utf8))
    }

    /// A call's notifications go out from one node: the one delivering its oldest pending
    /// one, whichever node commits the next.
    @Test func aCallsNotificationsStayWithTheNodeDeliveringThem() async throws {
        try await withTwoNodes { a, b in
            let first = try await a.commit(CallChange(upserts: [CallRecord(id: "x", appId: "app", tenantId: "t", state: [1], version: 0)], deliveries: [note("x", "1")]))
            #expect(first.map(\.owner) == ["a"])
            let second = try await b.commit(CallChange(upserts: [CallRecord(id: "x", appId: "app", tenantId: "t", state: [2], version: 1)], deliveries: [note("x", "2")]))
            #expect(second.map(\.owner) == ["a"])
            #expect(try await b.claimDeliveries(limit: 10).isEmpty)
            // a has the first in hand already (it committed it); it claims the second once.
            #expect(try await a.claimDeliveries(limit: 10).map(\.sequence) == second.map(\.sequence))
            #expect(try await a.claimDeliveries(limit: 10).isEmpty)
            // Once nothing of the call is pending, the next goes with whoever commits it.
            for delivery in first + second { try await a.markDelivered(sequence: delivery.sequence) }
            let third = try await b.commit(CallChange(upserts: [CallRecord(id: "x", appId: "app", tenantId: "t", state: [3], version: 2)], deliveries: [note("x", "3")]))
            #expect(third.map(\.owner) == ["b"])
        }
    }

    /// A dead letter sent again goes to the node delivering its call's notifications, told
    /// at commit; a call with nothing pending takes the reviving node.
    @Test func aRevivedDeadLetterJoinsItsCallsOwner() async throws {
        try await withTwoNodes { a, b in
            let dead = try await b.commit(CallChange(deliveries: [note("x", "1"), note("y", "2")]))
            for delivery in dead { try await b.markFailed(sequence: delivery.sequence, attempts: 9, notBefore: 0, error: "gone", dead: true) }
            let pending = try await a.commit(CallChange(deliveries: [note("x", "3")]))
            #expect(pending.map(\.owner) == ["a"])
            let revived = try await b.revive(sequences: dead.map(\.sequence), notBefore: 5)
            #expect(revived.map(\.owner) == ["a", "b"])
            #expect(revived.map(\.status) == [.pending, .pending])
            #expect(try await a.claimDeliveries(limit: 10).map(\.sequence) == [dead[0].sequence])
            #expect(try await b.claimDeliveries(limit: 10).isEmpty, "b has its own in hand already")
        }
    }

    /// A node that stops beating is lost: a survivor takes its pending notifications, in one
    /// piece, and claims them.
    @Test func aLostNodesNotificationsAreTakenOver() async throws {
        try await withTwoNodes { a, b in
            let pending = try await a.commit(CallChange(deliveries: [note("x", "1"), note("y", "2"), note("x", "3")]))
            #expect(try await b.heartbeat(lostAfter: .seconds(60)))
            #expect(try await b.claimDeliveries(limit: 10).isEmpty)
            try await Task.sleep(for: .milliseconds(20))
            // b counts a lost once a has been silent longer than the limit.
            #expect(try await b.heartbeat(lostAfter: .milliseconds(10)))
            #expect(try await b.claimDeliveries(limit: 10).map(\.sequence) == pending.map(\.sequence))
            // A commit for x now stays with b.
            #expect(try await a.commit(CallChange(deliveries: [note("x", "4")])).map(\.owner) == ["b"])
            // a, back from its stall, learns it was counted lost.
            #expect(try await !a.heartbeat(lostAfter: .seconds(60)))
            #expect(try await a.heartbeat(lostAfter: .seconds(60)))
        }
    }

    /// A call's overdue timers are claimed by one node at a time.
    @Test func overdueTimersAreClaimedOnce() async throws {
        try await withTwoNodes { a, b in
            _ = try await a.commit(CallChange(upserts: [
                CallRecord(id: "late", appId: "app", tenantId: "t", value: StateWithTimer(nextDue: 1_000), version: 0),
                CallRecord(id: "later", appId: "app", tenantId: "t", value: StateWithTimer(nextDue: 5_000), version: 0),
                CallRecord(id: "idle", appId: "app", tenantId: "t", value: StateWithTimer(nextDue: nil), version: 0),
            ]))
            #expect(try await a.claimOverdueCalls(dueBy: 2_000, lease: .seconds(60), limit: 10) == ["late"])
            #expect(try await b.claimOverdueCalls(dueBy: 9_000, lease: .seconds(60), limit: 10) == ["later"])
            #expect(try await b.claimOverdueCalls(dueBy: 9_000, lease: .seconds(60), limit: 10).isEmpty)
        }
    }
}
