import Foundation
import CallStore
import Logging
import SQLiteNIO

/// The embedded default store: one SQLite file (or an in-memory database), bundled SQLite,
/// nothing to install.
///
/// One connection serialises all access; every ``commit(_:)`` is one transaction. The
/// database runs in WAL mode with `synchronous=NORMAL`: a committed change survives the
/// process being killed (the WAL is in the OS's hands), which is the guarantee Switchboard
/// gives; it may not survive a power cut.
public actor SQLiteCallStore: CallStore {
    private let connection: SQLiteConnection
    /// One operation at a time on the connection: an actor alone would let a second
    /// transaction start while the first awaits between BEGIN and COMMIT.
    private let serial = KeyedLock()

    /// Opens (creating if needed) the database at `path`, or an in-memory one for `nil`,
    /// and brings its schema up to date.
    public static func open(path: String?, logger: Logger = Logger(label: "switchboard.sqlite")) async throws -> SQLiteCallStore {
        let connection = try await SQLiteConnection.open(storage: path.map { .file(path: $0) } ?? .memory, logger: logger)
        if let path {
            // The file holds signing keys and every call: readable by its owner only (SQLite
            // gives the -wal and -shm files the same permissions).
            try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        }
        do {
            _ = try await connection.query("PRAGMA journal_mode=WAL")
            _ = try await connection.query("PRAGMA synchronous=NORMAL")
            try await SQLiteMigrations.apply(on: connection)
        } catch {
            try? await connection.close()
            throw error
        }
        return SQLiteCallStore(connection: connection)
    }

    private init(connection: SQLiteConnection) {
        self.connection = connection
    }

    /// Closes the database.
    public func close() async throws {
        try await serial.withLock("") {
            try await connection.close()
        }
    }

    public func commit(_ change: CallChange) async throws -> [Delivery] {
        // Encoded before the transaction, so the database waits on no encoding.
        let rows = try change.upserts.map { try Self.callColumns($0) }
        return try await serial.withLock("") {
            _ = try await connection.query("BEGIN IMMEDIATE")
            do {
                for (record, row) in zip(change.upserts, rows) {
                    try await write(row, version: record.version)
                }
                for removal in change.removals {
                    if let version = removal.version {
                        let removed = try await connection.query(
                            "DELETE FROM calls WHERE id = ? AND version = ? RETURNING id", [.text(removal.id), .integer(Int(version))]
                        )
                        if removed.isEmpty { throw CallStoreError.conflict("call \(removal.id) is not at version \(version)") }
                    } else {
                        _ = try await connection.query("DELETE FROM calls WHERE id = ?", [.text(removal.id)])
                    }
                }
                for sequence in change.consumedSignals {
                    let consumed = try await connection.query("DELETE FROM signals WHERE sequence = ? RETURNING sequence", [.integer(Int(sequence))])
                    if consumed.isEmpty { throw CallStoreError.conflict("signal \(sequence) was consumed already") }
                }
                for retarget in change.retargets {
                    _ = try await connection.query(
                        "UPDATE outbox SET url = ? WHERE call_id = ? AND status = 'pending'", [.text(retarget.url), .text(retarget.callId)]
                    )
                }
                for signal in change.signals {
                    _ = try await connection.query(
                        "INSERT INTO signals (call_id, payload) VALUES (?, ?)",
                        [.text(signal.callId), .blob(ByteBuffer(bytes: signal.payload))]
                    )
                }
                var created: [Delivery] = []
                for new in change.deliveries {
                    let rows = try await connection.query(
                        "INSERT INTO outbox (call_id, app_id, tenant_id, url, body, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING sequence",
                        [.text(new.callId), .text(new.appId), .text(new.tenantId), .text(new.url), .blob(ByteBuffer(bytes: new.body)),
                         .integer(Int(new.createdAt))]
                    )
                    guard let sequence = rows.first?.column("sequence")?.integer else {
                        throw CallStoreError.backend("outbox insert returned no sequence")
                    }
                    created.append(Delivery(
                        sequence: Int64(sequence), callId: new.callId, appId: new.appId, tenantId: new.tenantId,
                        url: new.url, body: new.body, createdAt: new.createdAt
                    ))
                }
                _ = try await connection.query("COMMIT")
                return created
            } catch {
                _ = try? await connection.query("ROLLBACK")
                throw error
            }
        }
    }

    /// Writes a call's columns, checking the version its writer read (inside the caller's
    /// transaction).
    private func write(_ row: [SQLiteData], version: Int64?) async throws {
        let columns = "INSERT INTO calls (id, app_id, tenant_id, state, summary) VALUES (?, ?, ?, ?, ?) "
        let changed: [SQLiteRow]
        switch version {
        case nil:
            changed = try await connection.query(
                columns + "ON CONFLICT(id) DO UPDATE SET app_id = excluded.app_id, tenant_id = excluded.tenant_id, "
                    + "state = excluded.state, summary = excluded.summary, version = calls.version + 1 RETURNING id",
                row
            )
        case 0?:
            changed = try await connection.query(columns + "ON CONFLICT(id) DO NOTHING RETURNING id", row)
        case let version?:
            changed = try await connection.query(
                "UPDATE calls SET app_id = ?, tenant_id = ?, state = ?, summary = ?, version = version + 1 WHERE id = ? AND version = ? RETURNING id",
                Array(row[1...]) + [row[0], .integer(Int(version))]
            )
        }
        if changed.isEmpty { throw CallStoreError.conflict("call \(row[0].string ?? "") is not at version \(version ?? 0)") }
    }

    public func call(id: String) async throws -> CallRecord? {
        try await serial.withLock("") {
            try await connection.query("SELECT id, app_id, tenant_id, state, summary, version FROM calls WHERE id = ?", [.text(id)])
                .first.map(Self.callRecord)
        }
    }

    public func allCalls() async throws -> [CallRecord] {
        try await serial.withLock("") {
            try await connection.query("SELECT id, app_id, tenant_id, state, summary, version FROM calls ORDER BY id").map(Self.callRecord)
        }
    }

    public func callSummaries() async throws -> [CallSummary] {
        try await serial.withLock("") {
            try await connection.query("SELECT id, app_id, tenant_id, summary FROM calls ORDER BY id").map { row in
                CallSummary(
                    id: row.column("id")?.string ?? "", appId: row.column("app_id")?.string ?? "",
                    tenantId: row.column("tenant_id")?.string ?? "", summary: Self.summary(row.column("summary"))
                )
            }
        }
    }

    public func pendingDeliveries(after: Int64, limit: Int) async throws -> [Delivery] {
        try await serial.withLock("") {
            try await connection.query(
                "SELECT * FROM outbox WHERE status = 'pending' AND sequence > ? ORDER BY sequence LIMIT ?",
                [.integer(Int(after)), .integer(limit)]
            ).map(Self.delivery)
        }
    }

    public func deadDeliveries(limit: Int) async throws -> [Delivery] {
        try await serial.withLock("") {
            try await connection.query(
                "SELECT * FROM outbox WHERE status = 'dead' ORDER BY sequence LIMIT ?", [.integer(limit)]
            ).map(Self.delivery)
        }
    }

    public func markDelivered(sequence: Int64, attempt: DeliveryAttempt?) async throws {
        try await serial.withLock("") {
            try await journal(attempt)
            _ = try await connection.query("UPDATE outbox SET status = 'delivered' WHERE sequence = ?", [.integer(Int(sequence))])
            // The journal keeps the latest deliveredRetention sequences of delivered notifications.
            if sequence % 100 == 0 {
                let horizon = Int(sequence - deliveredRetention)
                _ = try await connection.query(
                    "DELETE FROM delivery_attempts WHERE sequence IN (SELECT sequence FROM outbox WHERE status = 'delivered' AND sequence <= ?)",
                    [.integer(horizon)]
                )
                _ = try await connection.query("DELETE FROM outbox WHERE status = 'delivered' AND sequence <= ?", [.integer(horizon)])
            }
        }
    }

    /// Journals one try (inside the caller's lock).
    private func journal(_ attempt: DeliveryAttempt?) async throws {
        guard let attempt else { return }
        _ = try await connection.query(
            "INSERT OR REPLACE INTO delivery_attempts (sequence, attempt, at, status, error, duration_ms) "
                + "SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM outbox WHERE sequence = ?)",
            [
                .integer(Int(attempt.sequence)), .integer(attempt.attempt), .integer(Int(attempt.at)),
                attempt.status.map { .integer($0) } ?? .null, attempt.error.map { .text($0) } ?? .null,
                .integer(Int(attempt.durationMilliseconds)), .integer(Int(attempt.sequence)),
            ]
        )
    }

    public func journal(callId: String) async throws -> [(Delivery, [DeliveryAttempt])] {
        try await serial.withLock("") {
            let deliveries = try await connection.query("SELECT * FROM outbox WHERE call_id = ? ORDER BY sequence", [.text(callId)])
                .map(Self.delivery)
            let rows = try await connection.query(
                "SELECT a.* FROM delivery_attempts a JOIN outbox o ON o.sequence = a.sequence WHERE o.call_id = ? ORDER BY a.sequence, a.attempt",
                [.text(callId)]
            )
            var attempts: [Int64: [DeliveryAttempt]] = [:]
            for attempt in rows.map(Self.attempt) {
                attempts[attempt.sequence, default: []].append(attempt)
            }
            return deliveries.map { ($0, attempts[$0.sequence] ?? []) }
        }
    }

    public func markFailed(sequence: Int64, attempts: Int, notBefore: Int64, error: String, dead: Bool, attempt: DeliveryAttempt?) async throws {
        try await serial.withLock("") {
            try await journal(attempt)
            _ = try await connection.query(
                "UPDATE outbox SET attempts = ?, not_before = ?, last_error = ?, status = ? WHERE sequence = ?",
                [.integer(attempts), .integer(Int(notBefore)), .text(error), .text(dead ? "dead" : "pending"), .integer(Int(sequence))]
            )
        }
    }

    public func revive(sequences: [Int64], notBefore: Int64) async throws -> [Delivery] {
        try await serial.withLock("") {
            var revived: [Delivery] = []
            for sequence in Set(sequences).sorted() {
                revived += try await connection.query(
                    "UPDATE outbox SET status = 'pending', attempts = 0, not_before = ? WHERE sequence = ? AND status = 'dead' RETURNING *",
                    [.integer(Int(notBefore)), .integer(Int(sequence))]
                ).map(Self.delivery)
            }
            return revived
        }
    }

    public func pendingSignals(limit: Int) async throws -> [Signal] {
        try await serial.withLock("") {
            try await connection.query("SELECT sequence, call_id, payload FROM signals ORDER BY sequence LIMIT ?", [.integer(limit)])
                .map { row in
                    Signal(sequence: Int64(row.column("sequence")?.integer ?? 0), callId: row.column("call_id")?.string ?? "",
                           payload: Self.bytes(row.column("payload")))
                }
        }
    }

    public func reset() async throws {
        try await serial.withLock("") {
            _ = try await connection.query("BEGIN IMMEDIATE")
            do {
                for table in ["calls", "outbox", "signals", "delivery_attempts"] {
                    _ = try await connection.query("DELETE FROM \(table)")
                }
                _ = try await connection.query("COMMIT")
            } catch {
                _ = try? await connection.query("ROLLBACK")
                throw error
            }
        }
    }

    public func export() async throws -> StoreSnapshot {
        try await serial.withLock("") {
            // One read transaction: a consistent picture.
            _ = try await connection.query("BEGIN")
            do {
                let snapshot = StoreSnapshot(
                    calls: try await connection.query("SELECT * FROM calls ORDER BY id").map(Self.callRecord),
                    deliveries: try await connection.query("SELECT * FROM outbox ORDER BY sequence").map(Self.delivery),
                    attempts: try await connection.query("SELECT * FROM delivery_attempts ORDER BY sequence, attempt").map(Self.attempt),
                    signals: try await connection.query("SELECT * FROM signals ORDER BY sequence").map { row in
                        Signal(sequence: Int64(row.column("sequence")?.integer ?? 0), callId: row.column("call_id")?.string ?? "",
                               payload: Self.bytes(row.column("payload")))
                    }
                )
                _ = try await connection.query("COMMIT")
                return snapshot
            } catch {
                _ = try? await connection.query("ROLLBACK")
                throw error
            }
        }
    }

    public func replace(with snapshot: StoreSnapshot) async throws {
        try await serial.withLock("") {
            _ = try await connection.query("BEGIN IMMEDIATE")
            do {
                for table in ["calls", "outbox", "signals", "delivery_attempts"] {
                    _ = try await connection.query("DELETE FROM \(table)")
                }
                for record in snapshot.calls {
                    _ = try await connection.query(
                        "INSERT INTO calls (id, app_id, tenant_id, state, summary, version) VALUES (?, ?, ?, ?, ?, ?)",
                        try Self.callColumns(record) + [.integer(Int(record.version ?? 1))]
                    )
                }
                for d in snapshot.deliveries {
                    _ = try await connection.query(
                        "INSERT INTO outbox (sequence, call_id, app_id, tenant_id, url, body, attempts, not_before, status, last_error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [.integer(Int(d.sequence)), .text(d.callId), .text(d.appId), .text(d.tenantId), .text(d.url), .blob(ByteBuffer(bytes: d.body)),
                         .integer(d.attempts), .integer(Int(d.notBefore)), .text(d.status.rawValue), d.lastError.map { .text($0) } ?? .null,
                         .integer(Int(d.createdAt))]
                    )
                }
                for a in snapshot.attempts {
                    _ = try await connection.query(
                        "INSERT OR REPLACE INTO delivery_attempts (sequence, attempt, at, status, error, duration_ms) VALUES (?, ?, ?, ?, ?, ?)",
                        [.integer(Int(a.sequence)), .integer(a.attempt), .integer(Int(a.at)), a.status.map { .integer($0) } ?? .null,
                         a.error.map { .text($0) } ?? .null, .integer(Int(a.durationMilliseconds))]
                    )
                }
                for signal in snapshot.signals {
                    _ = try await connection.query(
                        "INSERT INTO signals (sequence, call_id, payload) VALUES (?, ?, ?)",
                        [.integer(Int(signal.sequence)), .text(signal.callId), .blob(ByteBuffer(bytes: signal.payload))]
                    )
                }
                _ = try await connection.query("COMMIT")
            } catch {
                _ = try? await connection.query("ROLLBACK")
                throw error
            }
        }
    }

    public func setting(_ name: String) async throws -> String? {
        try await serial.withLock("") {
            try await connection.query("SELECT value FROM settings WHERE name = ?", [.text(name)]).first?.column("value")?.string
        }
    }

    public func initializeSetting(_ name: String, value: String) async throws -> String {
        try await serial.withLock("") {
            _ = try await connection.query("INSERT OR IGNORE INTO settings (name, value) VALUES (?, ?)", [.text(name), .text(value)])
            return try await connection.query("SELECT value FROM settings WHERE name = ?", [.text(name)]).first?.column("value")?.string ?? value
        }
    }

    public func updateSetting(_ name: String, from expected: String, to value: String) async throws -> Bool {
        try await serial.withLock("") {
            let rows = try await connection.query(
                "UPDATE settings SET value = ? WHERE name = ? AND value = ? RETURNING name", [.text(value), .text(name), .text(expected)]
            )
            return !rows.isEmpty
        }
    }

    private static func callRecord(_ row: SQLiteRow) -> CallRecord {
        CallRecord(
            id: row.column("id")?.string ?? "",
            appId: row.column("app_id")?.string ?? "",
            tenantId: row.column("tenant_id")?.string ?? "",
            state: bytes(row.column("state")),
            summary: summary(row.column("summary")),
            version: Int64(row.column("version")?.integer ?? 1)
        )
    }

    private static func summary(_ column: SQLiteData?) -> [UInt8]? {
        guard let column, column != .null else { return nil }
        return bytes(column)
    }

    /// The `calls` columns of `record`: id, app_id, tenant_id, state, summary.
    private static func callColumns(_ record: CallRecord) throws -> [SQLiteData] {
        [.text(record.id), .text(record.appId), .text(record.tenantId), .blob(ByteBuffer(bytes: try record.state())),
         try record.summary().map { .blob(ByteBuffer(bytes: $0)) } ?? .null]
    }

    private static func attempt(_ row: SQLiteRow) -> DeliveryAttempt {
        DeliveryAttempt(
            sequence: Int64(row.column("sequence")?.integer ?? 0), attempt: row.column("attempt")?.integer ?? 0,
            at: Int64(row.column("at")?.integer ?? 0), status: row.column("status")?.integer, error: row.column("error")?.string,
            durationMilliseconds: Int64(row.column("duration_ms")?.integer ?? 0)
        )
    }

    private static func delivery(_ row: SQLiteRow) -> Delivery {
        Delivery(
            sequence: Int64(row.column("sequence")?.integer ?? 0),
            callId: row.column("call_id")?.string ?? "",
            appId: row.column("app_id")?.string ?? "",
            tenantId: row.column("tenant_id")?.string ?? "",
            url: row.column("url")?.string ?? "",
            body: bytes(row.column("body")),
            attempts: row.column("attempts")?.integer ?? 0,
            notBefore: Int64(row.column("not_before")?.integer ?? 0),
            status: Delivery.Status(rawValue: row.column("status")?.string ?? "") ?? .pending,
            lastError: row.column("last_error")?.string,
            createdAt: Int64(row.column("created_at")?.integer ?? 0)
        )
    }

    private static func bytes(_ data: SQLiteData?) -> [UInt8] {
        switch data {
        case .blob(let buffer)?: Array(buffer.readableBytesView)
        case .text(let text)?: Array(text.utf8)
        default: []
        }
    }
}
