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
