import CallStore
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// The store for several Switchboard nodes on one PostgreSQL database (postgres-nio, with its
/// connection pool).
///
/// Every ``commit(_:)`` is one transaction on one pooled connection; reads are single
/// statements. The schema is brought up to date at ``open(_:logger:)`` (numbered migrations,
/// under an advisory lock so nodes starting together migrate once).
public final class PostgresCallStore: SharedCallStore {
    let client: PostgresClient
    private let runner: Task<Void, Never>
    let logger: Logger
    public let nodeId: String

    /// Connects to the database `url` names, migrates it, and registers this process as a
    /// node.
    public static func open(
        _ url: PostgresURL, nodeId: String = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""),
        logger: Logger = Logger(label: "switchboard.postgres")
    ) async throws -> PostgresCallStore {
        // Migrated over a connection of its own: a server that is not there is reported at
        // once, with why (the pool would keep retrying).
        do {
            let connection = try await PostgresConnection.connect(configuration: try url.connectionConfiguration(), id: 0, logger: logger)
            do {
                try await PostgresMigrations.apply(on: connection, logger: logger)
                try await connection.close()
            } catch {
                try? await connection.close()
                throw error
            }
        } catch {
            throw CallStoreError.backend("PostgreSQL at \(url.description): \(String(reflecting: error))")
        }
        var configuration = url.clientConfiguration()
        configuration.options.maximumConnections = 16
        let store = PostgresCallStore(client: PostgresClient(configuration: configuration, backgroundLogger: logger), nodeId: nodeId, logger: logger)
        do {
            try await store.client.query(
                "INSERT INTO nodes (id, heartbeat, started) VALUES (\(nodeId), \(unescaped: Self.databaseNow), \(unescaped: Self.databaseNow))", logger: logger
            )
        } catch {
            try? await store.close()
            throw CallStoreError.backend("PostgreSQL at \(url.description): \(String(reflecting: error))")
        }
        return store
    }

    private init(client: PostgresClient, nodeId: String, logger: Logger) {
        self.client = client
        self.nodeId = nodeId
        self.logger = logger
        runner = Task { await client.run() }
    }

    public func close() async throws {
        runner.cancel()
        await runner.value
    }

    // MARK: Transactions

    /// Runs `body` in one transaction on one pooled connection; rolls back if it throws.
    func transaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                let result = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// Every row `query` returns, each made into a value by `make`.
    func rows<Value>(
        _ query: PostgresQuery, on connection: PostgresConnection? = nil, _ make: (PostgresRandomAccessRow) throws -> Value
    ) async throws -> [Value] {
        let sequence = if let connection { try await connection.query(query, logger: logger) } else { try await client.query(query, logger: logger) }
        var values: [Value] = []
        for try await row in sequence { values.append(try make(PostgresRandomAccessRow(row))) }
        return values
    }

    // MARK: CallStore

    public func commit(_ change: CallChange) async throws -> [Delivery] {
        // Encoded before the transaction, so the database waits on no encoding.
        let rows = try change.upserts.map { try CallColumns($0) }
        return try await transaction { connection in
            for row in rows {
                try await write(row, on: connection)
            }
            for removal in change.removals {
                if let version = removal.version {
                    let removed = try await self.rows("DELETE FROM calls WHERE id = \(removal.id) AND version = \(version) RETURNING id", on: connection) { _ in () }
                    if removed.isEmpty { throw CallStoreError.conflict("call \(removal.id) is not at version \(version)") }
                } else {
                    try await connection.query("DELETE FROM calls WHERE id = \(removal.id)", logger: logger)
                }
            }
            if !change.consumedSignals.isEmpty {
                let consumed = try await self.rows(
                    "DELETE FROM signals WHERE sequence = ANY(\(change.consumedSignals)) RETURNING sequence", on: connection
                ) { _ in () }
                if consumed.count != Set(change.consumedSignals).count {
                    throw CallStoreError.conflict("a signal consumed by the change was consumed already")
                }
            }
            for retarget in change.retargets {
                try await connection.query(
                    "UPDATE outbox SET url = \(retarget.url) WHERE call_id = \(retarget.callId) AND status = 'pending'", logger: logger
                )
            }
            if !change.signals.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO signals (call_id, payload)
                    SELECT call_id, payload FROM unnest(\(change.signals.map(\.callId))::text[], \(change.signals.map { ByteBuffer(bytes: $0.payload) })::bytea[])
                        WITH ORDINALITY AS s(call_id, payload, ord) ORDER BY ord
                    """,
                    logger: logger
                )
            }
            guard !change.deliveries.isEmpty else { return [] }
            let new = change.deliveries
            // One statement for all of them; sequences are drawn in the order given. Each goes
            // to the node delivering its call's oldest pending one (the call's row is locked
            // by now, so no commit of the same call and no takeover runs meanwhile), else
            // this one; this one has its own in hand at once. The owner is looked up once per
            // call: a lookup after some of the call's rows went in would step over each of
            // them in the index (quadratic in a large commit).
            let inserted = try await self.rows(
                """
                WITH d AS MATERIALIZED (
                    SELECT * FROM unnest(
                        \(new.map(\.callId))::text[], \(new.map(\.appId))::text[], \(new.map(\.tenantId))::text[], \(new.map(\.url))::text[],
                        \(new.map { ByteBuffer(bytes: $0.body) })::bytea[], \(new.map(\.createdAt))::bigint[]
                    ) WITH ORDINALITY AS d(call_id, app_id, tenant_id, url, body, created_at, ord)
                ), owners AS MATERIALIZED (
                    SELECT c.call_id, COALESCE(
                        (SELECT p.owner FROM outbox p WHERE p.call_id = c.call_id AND p.status = 'pending' ORDER BY p.sequence LIMIT 1), \(nodeId)
                    ) AS owner FROM (SELECT DISTINCT call_id FROM d) c
                )
                INSERT INTO outbox (call_id, app_id, tenant_id, url, body, created_at, owner, claimed)
                SELECT d.call_id, d.app_id, d.tenant_id, d.url, d.body, d.created_at, o.owner, o.owner = \(nodeId)
                FROM d JOIN owners o ON o.call_id = d.call_id
                ORDER BY d.ord
                RETURNING sequence, owner
                """,
                on: connection
            ) { (try $0["sequence"].decode(Int64.self), try $0["owner"].decode(String.self)) }.sorted { $0.0 < $1.0 }
            guard inserted.count == new.count else { throw CallStoreError.backend("outbox insert returned \(inserted.count) sequences for \(new.count)") }
            // Other owners hear of theirs when this commits.
            for owner in Set(inserted.map(\.1)) where owner != nodeId {
                try await connection.query("SELECT pg_notify(\(Self.channel(owner)), '')", logger: logger)
            }
            return zip(inserted, new).map { row, new in
                Delivery(
                    sequence: row.0, callId: new.callId, appId: new.appId, tenantId: new.tenantId, url: new.url, body: new.body,
                    createdAt: new.createdAt, owner: row.1
                )
            }
        }
    }

    /// Writes a call's columns, checking the version its writer read (inside the caller's
    /// transaction).
    private func write(_ row: CallColumns, on connection: PostgresConnection) async throws {
        let changed: [Void]
        switch row.version {
        case nil:
            changed = try await rows(
                """
                INSERT INTO calls (id, app_id, tenant_id, state, summary, next_due)
                VALUES (\(row.id), \(row.appId), \(row.tenantId), \(row.state), \(row.summary), \(row.nextDue))
                ON CONFLICT (id) DO UPDATE SET app_id = excluded.app_id, tenant_id = excluded.tenant_id, state = excluded.state,
                    summary = excluded.summary, next_due = excluded.next_due, timer_lease = 0, version = calls.version + 1
                RETURNING id
                """,
                on: connection
            ) { _ in () }
        case 0?:
            changed = try await rows(
                """
                INSERT INTO calls (id, app_id, tenant_id, state, summary, next_due)
                VALUES (\(row.id), \(row.appId), \(row.tenantId), \(row.state), \(row.summary), \(row.nextDue))
                ON CONFLICT (id) DO NOTHING RETURNING id
                """,
                on: connection
            ) { _ in () }
        case let version?:
            changed = try await rows(
                """
                UPDATE calls SET app_id = \(row.appId), tenant_id = \(row.tenantId), state = \(row.state), summary = \(row.summary),
                    next_due = \(row.nextDue), timer_lease = 0, version = version + 1
                WHERE id = \(row.id) AND version = \(version) RETURNING id
                """,
                on: connection
            ) { _ in () }
        }
        if changed.isEmpty { throw CallStoreError.conflict("call \(row.id) is not at version \(row.version ?? 0)") }
    }

    public func call(id: String) async throws -> CallRecord? {
        try await rows("SELECT \(unescaped: CallColumns.list) FROM calls WHERE id = \(id)", CallColumns.record).first
    }

    public func allCalls() async throws -> [CallRecord] {
        try await rows("SELECT \(unescaped: CallColumns.list) FROM calls ORDER BY id COLLATE \"C\"", CallColumns.record)
    }

    public func callSummaries() async throws -> [CallSummary] {
        try await rows("SELECT id, app_id, tenant_id, summary FROM calls ORDER BY id COLLATE \"C\"") { row in
            CallSummary(
                id: try row["id"].decode(String.self), appId: try row["app_id"].decode(String.self),
                tenantId: try row["tenant_id"].decode(String.self), summary: try row["summary"].decode(ByteBuffer?.self).map { Array($0.readableBytesView) }
            )
        }
    }

    public func callCount() async throws -> Int {
        try await rows("SELECT count(*) AS n FROM calls") { try $0["n"].decode(Int.self) }.first ?? 0
    }

    public func pendingDeliveries(after: Int64, limit: Int) async throws -> [Delivery] {
        try await rows(
            "SELECT \(unescaped: Self.deliveryColumns) FROM outbox WHERE status = 'pending' AND sequence > \(after) ORDER BY sequence LIMIT \(limit)",
            Self.delivery
        )
    }

    public func deadDeliveries(limit: Int) async throws -> [Delivery] {
        try await rows("SELECT \(unescaped: Self.deliveryColumns) FROM outbox WHERE status = 'dead' ORDER BY sequence LIMIT \(limit)", Self.delivery)
    }

    public func markDelivered(sequence: Int64, attempt: DeliveryAttempt?) async throws {
        try await settle(sequence: sequence, status: "delivered", failure: nil, attempt: attempt)
        // The journal keeps the latest deliveredRetention sequences of delivered notifications.
        if sequence % 100 == 0 {
            let horizon = sequence - deliveredRetention
            try await client.query(
                """
                WITH gone AS (DELETE FROM outbox WHERE status = 'delivered' AND sequence <= \(horizon) RETURNING sequence)
                DELETE FROM delivery_attempts WHERE sequence IN (SELECT sequence FROM gone)
                """,
                logger: logger
            )
        }
    }

    /// One statement, so one round trip and its own transaction: the try journalled (if given,
    /// and only while the notification is kept) and the notification's new status. A
    /// data-modifying WITH runs whether or not the outer statement reads it, and both parts
    /// see the same snapshot.
    private func settle(
        sequence: Int64, status: String, failure: (attempts: Int, notBefore: Int64, error: String)?, attempt: DeliveryAttempt?
    ) async throws {
        try await client.query(
            """
            WITH tried AS (
                INSERT INTO delivery_attempts (sequence, attempt, at, status, error, duration_ms)
                SELECT \(attempt?.sequence)::BIGINT, \(attempt?.attempt)::INTEGER, \(attempt?.at)::BIGINT, \(attempt?.status)::INTEGER,
                       \(attempt?.error)::TEXT, \(attempt?.durationMilliseconds)::BIGINT
                WHERE \(attempt != nil) AND EXISTS (SELECT 1 FROM outbox WHERE sequence = \(sequence))
                ON CONFLICT (sequence, attempt) DO UPDATE SET at = excluded.at, status = excluded.status, error = excluded.error, duration_ms = excluded.duration_ms
            )
            UPDATE outbox SET status = \(status), attempts = COALESCE(\(failure?.attempts)::INTEGER, attempts),
                not_before = COALESCE(\(failure?.notBefore)::BIGINT, not_before), last_error = COALESCE(\(failure?.error)::TEXT, last_error)
            WHERE sequence = \(sequence)
            """,
            logger: logger
        )
    }

    public func journal(callId: String) async throws -> [(Delivery, [DeliveryAttempt])] {
        try await transaction { connection in
            let deliveries = try await rows(
                "SELECT \(unescaped: Self.deliveryColumns) FROM outbox WHERE call_id = \(callId) ORDER BY sequence", on: connection, Self.delivery
            )
            let tries = try await rows(
                """
                SELECT \(unescaped: Self.attemptColumns("a.")) FROM delivery_attempts a JOIN outbox o ON o.sequence = a.sequence
                WHERE o.call_id = \(callId) ORDER BY a.sequence, a.attempt
                """,
                on: connection, Self.attempt
            )
            var attempts: [Int64: [DeliveryAttempt]] = [:]
            for attempt in tries { attempts[attempt.sequence, default: []].append(attempt) }
            return deliveries.map { ($0, attempts[$0.sequence] ?? []) }
        }
    }

    public func markFailed(sequence: Int64, attempts: Int, notBefore: Int64, error: String, dead: Bool, attempt: DeliveryAttempt?) async throws {
        try await settle(sequence: sequence, status: dead ? "dead" : "pending", failure: (attempts, notBefore, error), attempt: attempt)
    }

    /// Each revived notification goes to the node delivering its call's pending ones, as a
    /// commit's do: the calls' rows are locked first (a commit of the same call would pick
    /// the owner meanwhile), and other owners are told at commit.
    public func revive(sequences: [Int64], notBefore: Int64) async throws -> [Delivery] {
        try await transaction { connection in
            try await connection.query(
                "SELECT id FROM calls WHERE id IN (SELECT call_id FROM outbox WHERE sequence = ANY(\(sequences))) ORDER BY id FOR UPDATE",
                logger: logger
            )
            let revived = try await rows(
                """
                UPDATE outbox o SET status = 'pending', attempts = 0, not_before = \(notBefore), owner = x.new_owner, claimed = x.new_owner = \(nodeId)
                FROM (
                    SELECT d.sequence AS revived, COALESCE(
                        (SELECT p.owner FROM outbox p WHERE p.call_id = d.call_id AND p.status = 'pending' ORDER BY p.sequence LIMIT 1), \(nodeId)
                    ) AS new_owner
                    FROM outbox d WHERE d.sequence = ANY(\(sequences)) AND d.status = 'dead'
                ) x
                WHERE o.sequence = x.revived
                RETURNING \(unescaped: Self.deliveryColumns)
                """,
                on: connection, Self.delivery
            ).sorted { $0.sequence < $1.sequence }
            for owner in Set(revived.compactMap(\.owner)) where owner != nodeId {
                try await connection.query("SELECT pg_notify(\(Self.channel(owner)), '')", logger: logger)
            }
            return revived
        }
    }

    public func pendingSignals(limit: Int) async throws -> [Signal] {
        try await rows("SELECT sequence, call_id, payload FROM signals ORDER BY sequence LIMIT \(limit)", Self.signal)
    }

    public func reset() async throws {
        try await transaction { connection in
            try await connection.query("TRUNCATE calls, outbox, signals, delivery_attempts", logger: logger)
        }
    }

    public func export() async throws -> StoreSnapshot {
        // One repeatable-read transaction: a consistent picture.
        try await transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", logger: logger)
            return StoreSnapshot(
                calls: try await rows("SELECT \(unescaped: CallColumns.list) FROM calls ORDER BY id COLLATE \"C\"", on: connection, CallColumns.record),
                deliveries: try await rows("SELECT \(unescaped: Self.deliveryColumns) FROM outbox ORDER BY sequence", on: connection, Self.delivery),
                attempts: try await rows(
                    "SELECT \(unescaped: Self.attemptColumns("")) FROM delivery_attempts ORDER BY sequence, attempt", on: connection, Self.attempt
                ),
                signals: try await rows("SELECT sequence, call_id, payload FROM signals ORDER BY sequence", on: connection, Self.signal)
            )
        }
    }

    /// The snapshot's notifications become this node's, in hand (the runtime putting the
    /// snapshot back hands them to its dispatcher).
    public func replace(with snapshot: StoreSnapshot) async throws {
        let calls = try snapshot.calls.map { try CallColumns($0) }
        try await transaction { connection in
            try await connection.query("TRUNCATE calls, outbox, signals, delivery_attempts", logger: logger)
            for row in calls {
                try await connection.query(
                    """
                    INSERT INTO calls (id, app_id, tenant_id, state, summary, version, next_due)
                    VALUES (\(row.id), \(row.appId), \(row.tenantId), \(row.state), \(row.summary), \(row.version ?? 1), \(row.nextDue))
                    """,
                    logger: logger
                )
            }
            for d in snapshot.deliveries {
                try await connection.query(
                    """
                    INSERT INTO outbox (sequence, call_id, app_id, tenant_id, url, body, attempts, not_before, status, last_error, created_at, owner, claimed)
                    VALUES (\(d.sequence), \(d.callId), \(d.appId), \(d.tenantId), \(d.url), \(ByteBuffer(bytes: d.body)), \(d.attempts),
                            \(d.notBefore), \(d.status.rawValue), \(d.lastError), \(d.createdAt), \(nodeId), true)
                    """,
                    logger: logger
                )
            }
            for a in snapshot.attempts {
                try await connection.query(
                    """
                    INSERT INTO delivery_attempts (sequence, attempt, at, status, error, duration_ms)
                    VALUES (\(a.sequence), \(a.attempt), \(a.at), \(a.status), \(a.error), \(a.durationMilliseconds))
                    ON CONFLICT (sequence, attempt) DO UPDATE SET at = excluded.at, status = excluded.status, error = excluded.error, duration_ms = excluded.duration_ms
                    """,
                    logger: logger
                )
            }
            for signal in snapshot.signals {
                try await connection.query(
                    "INSERT INTO signals (sequence, call_id, payload) VALUES (\(signal.sequence), \(signal.callId), \(ByteBuffer(bytes: signal.payload)))",
                    logger: logger
                )
            }
            // Later sequences follow the snapshot's and everything the store ever handed out.
            for table in ["outbox", "signals"] {
                try await connection.query(
                    """
                    SELECT setval(pg_get_serial_sequence('\(unescaped: table)', 'sequence'),
                                  GREATEST((SELECT COALESCE(MAX(sequence), 0) FROM \(unescaped: table)),
                                           (SELECT last_value FROM \(unescaped: table)_sequence_seq)), true)
                    """,
                    logger: logger
                )
            }
        }
    }

    public func setting(_ name: String) async throws -> String? {
        try await rows("SELECT value FROM settings WHERE name = \(name)") { try $0["value"].decode(String.self) }.first
    }

    public func initializeSetting(_ name: String, value: String) async throws -> String {
        // The insert does nothing when another writer was first; the select then sees its value.
        try await transaction { connection in
            try await connection.query("INSERT INTO settings (name, value) VALUES (\(name), \(value)) ON CONFLICT (name) DO NOTHING", logger: logger)
            return try await rows("SELECT value FROM settings WHERE name = \(name)", on: connection) { try $0["value"].decode(String.self) }.first ?? value
        }
    }

    public func updateSetting(_ name: String, from expected: String, to value: String) async throws -> Bool {
        try await !rows("UPDATE settings SET value = \(value) WHERE name = \(name) AND value = \(expected) RETURNING name") { _ in () }.isEmpty
    }

    // MARK: Rows

    /// A call's columns, encoded for binding.
    private struct CallColumns {
        static let list = "id, app_id, tenant_id, state, summary, version"
        var id, appId, tenantId: String
        var state: ByteBuffer
        var summary: ByteBuffer?
        var version: Int64?
        var nextDue: Int64?

        init(_ record: CallRecord) throws {
            id = record.id
            version = record.version
            nextDue = record.nextDue
            appId = record.appId
            tenantId = record.tenantId
            state = ByteBuffer(bytes: try record.state())
            summary = try record.summary().map { ByteBuffer(bytes: $0) }
        }

        static func record(_ row: PostgresRandomAccessRow) throws -> CallRecord {
            CallRecord(
                id: try row["id"].decode(String.self), appId: try row["app_id"].decode(String.self),
                tenantId: try row["tenant_id"].decode(String.self),
                state: Array(try row["state"].decode(ByteBuffer.self).readableBytesView),
                summary: try row["summary"].decode(ByteBuffer?.self).map { Array($0.readableBytesView) },
                version: try row["version"].decode(Int64.self)
            )
        }
    }

    static let deliveryColumns = "sequence, call_id, app_id, tenant_id, url, body, attempts, not_before, status, last_error, created_at, owner"

    static func delivery(_ row: PostgresRandomAccessRow) throws -> Delivery {
        Delivery(
            sequence: try row["sequence"].decode(Int64.self),
            callId: try row["call_id"].decode(String.self),
            appId: try row["app_id"].decode(String.self),
            tenantId: try row["tenant_id"].decode(String.self),
            url: try row["url"].decode(String.self),
            body: Array(try row["body"].decode(ByteBuffer.self).readableBytesView),
            attempts: try row["attempts"].decode(Int.self),
            notBefore: try row["not_before"].decode(Int64.self),
            status: Delivery.Status(rawValue: try row["status"].decode(String.self)) ?? .pending,
            lastError: try row["last_error"].decode(String?.self),
            createdAt: try row["created_at"].decode(Int64.self),
            owner: try row["owner"].decode(String.self)
        )
    }

    private static func attemptColumns(_ prefix: String) -> String {
        ["sequence", "attempt", "at", "status", "error", "duration_ms"].map { prefix + $0 }.joined(separator: ", ")
    }

    private static func attempt(_ row: PostgresRandomAccessRow) throws -> DeliveryAttempt {
        DeliveryAttempt(
            sequence: try row["sequence"].decode(Int64.self), attempt: try row["attempt"].decode(Int.self),
            at: try row["at"].decode(Int64.self), status: try row["status"].decode(Int?.self),
            error: try row["error"].decode(String?.self), durationMilliseconds: try row["duration_ms"].decode(Int64.self)
        )
    }

    private static func signal(_ row: PostgresRandomAccessRow) throws -> Signal {
        Signal(
            sequence: try row["sequence"].decode(Int64.self), callId: try row["call_id"].decode(String.self),
            payload: Array(try row["payload"].decode(ByteBuffer.self).readableBytesView)
        )
    }
}
