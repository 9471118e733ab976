import CallStorePostgres
import Foundation
import PostgresNIO

/// A fresh, empty database per test on the PostgreSQL server `SWITCHBOARD_TEST_POSTGRES`
/// names (an administrator's URL; `scripts/test` starts a throwaway cluster and sets it).
/// Without it the PostgreSQL tests fail, saying so: they are never skipped.
public enum PostgresTestDatabase {
    public struct NotConfigured: Error, CustomStringConvertible {
        public var description: String {
            "the PostgreSQL tests need SWITCHBOARD_TEST_POSTGRES, an administrator's URL of a server they may create databases on "
                + "(scripts/test starts a throwaway cluster with scripts/throwaway-postgres and sets it)"
        }
    }

    /// The server's administrator URL.
    public static func adminURL() throws -> PostgresURL {
        guard let text = ProcessInfo.processInfo.environment["SWITCHBOARD_TEST_POSTGRES"], !text.isEmpty else { throw NotConfigured() }
        return try PostgresURL(text)
    }

    /// Creates an empty database and returns its URL.
    public static func create() async throws -> PostgresURL {
        var url = try adminURL()
        let name = "switchboard_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await administer { client in
            try await client.query("CREATE DATABASE \(unescaped: name)")
        }
        url.database = name
        return url
    }

    /// Drops a database `create()` made (its connections are closed first).
    public static func drop(_ url: PostgresURL) async throws {
        try await administer { client in
            try await client.query("DROP DATABASE IF EXISTS \(unescaped: url.database) WITH (FORCE)")
        }
    }

    private static func administer(_ body: @Sendable (PostgresClient) async throws -> Void) async throws {
        let client = PostgresClient(configuration: try adminURL().clientConfiguration())
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            try await body(client)
        }
    }
}
