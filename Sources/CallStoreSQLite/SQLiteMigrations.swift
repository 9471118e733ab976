import SQLiteNIO

/// The schema, as numbered forward-only migrations. A migration is never edited once
/// released; a change is a new one at the end.
enum SQLiteMigrations {
    static let all: [[String]] = [
        // 1: calls, the notification outbox, settings.
        [
            """
            CREATE TABLE calls (
                id TEXT PRIMARY KEY,
                app_id TEXT NOT NULL,
                tenant_id TEXT NOT NULL,
                state BLOB NOT NULL
            )
            """,
            """
            CREATE TABLE outbox (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                call_id TEXT NOT NULL,
                app_id TEXT NOT NULL,
                tenant_id TEXT NOT NULL,
                url TEXT NOT NULL,
                body BLOB NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                not_before INTEGER NOT NULL DEFAULT 0,
                status TEXT NOT NULL DEFAULT 'pending',
                last_error TEXT
            )
            """,
            "CREATE INDEX outbox_status_sequence ON outbox (status, sequence)",
            "CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        ],
        // 2: signals between calls (an invitation that replaces another call, a transfer).
        [
            """
            CREATE TABLE signals (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                call_id TEXT NOT NULL,
                payload BLOB NOT NULL
            )
            """,
        ],
        // 3: the notification journal: delivered rows stay (status 'delivered') for a
        // while, and every try at a delivery is kept.
        [
            """
            CREATE TABLE delivery_attempts (
                sequence INTEGER NOT NULL,
                attempt INTEGER NOT NULL,
                at INTEGER NOT NULL,
                status INTEGER,
                error TEXT,
                duration_ms INTEGER NOT NULL,
                PRIMARY KEY (sequence, attempt)
            )
            """,
            "CREATE INDEX outbox_call_sequence ON outbox (call_id, sequence)",
        ],
        // 4: when each notification was committed, for the retry policy's maximum age.
        [
            "ALTER TABLE outbox ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0",
        ],
        // 5: each call's summary (its timers), read at start instead of every state.
        [
            "ALTER TABLE calls ADD COLUMN summary BLOB",
        ],
        // 6: each call's version, checked by every commit (see CallRecord.version).
        [
            "ALTER TABLE calls ADD COLUMN version INTEGER NOT NULL DEFAULT 1",
        ],
    ]

    static func apply(on connection: SQLiteConnection) async throws {
        _ = try await connection.query("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)")
        let applied = try await connection.query("SELECT MAX(version) AS version FROM schema_migrations")
            .first?.column("version")?.integer ?? 0
        for (index, statements) in all.enumerated() where index + 1 > applied {
            _ = try await connection.query("BEGIN IMMEDIATE")
            do {
                for statement in statements { _ = try await connection.query(statement) }
                _ = try await connection.query("INSERT INTO schema_migrations (version) VALUES (?)", [.integer(index + 1)])
                _ = try await connection.query("COMMIT")
            } catch {
                _ = try? await connection.query("ROLLBACK")
                throw error
            }
        }
    }
}
