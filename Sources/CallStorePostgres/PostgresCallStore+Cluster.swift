import CallStore
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// Several nodes on one database (`SharedCallStore`): heartbeats and takeover, claiming
/// notifications and overdue timers, and the channel nodes tell each other things on.
extension PostgresCallStore {
    /// The database's clock, in milliseconds since the Unix epoch (for heartbeats and leases:
    /// one clock for every node).
    static let databaseNow = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint"

    /// The notification channel of node `id`.
    static func channel(_ id: String) -> String { "switchboard_\(id)" }

    /// Takes over lost nodes' notifications at most one node at a time.
    private static let takeoverLock: Int64 = 0x5357_4244_5441_4B45 // "SWBDTAKE"

    public func heartbeat(lostAfter: Duration) async throws -> Bool {
        try await transaction { connection in
            let alive = try await rows(
                "UPDATE nodes SET heartbeat = \(unescaped: Self.databaseNow) WHERE id = \(nodeId) RETURNING id", on: connection
            ) { _ in () }
            if alive.isEmpty {
                try await connection.query(
                    "INSERT INTO nodes (id, heartbeat, started) VALUES (\(nodeId), \(unescaped: Self.databaseNow), \(unescaped: Self.databaseNow))",
                    logger: logger
                )
            }
            let leading = try await rows("SELECT pg_try_advisory_xact_lock(\(Self.takeoverLock)) AS leading", on: connection) {
                try $0["leading"].decode(Bool.self)
            }.first ?? false
            guard leading else { return !alive.isEmpty }
            try await connection.query(
                "DELETE FROM nodes WHERE heartbeat < \(unescaped: Self.databaseNow) - \(lostAfter.components.seconds * 1000 + lostAfter.components.attoseconds / 1_000_000_000_000_000)",
                logger: logger
            )
            // Notifications of nodes that are gone (lost just now, stopped, or handed one as
            // they were lost). Their calls are locked first: a commit handing one of them
            // another notification finishes before, or sees the new owner after.
            let orphaned = "SELECT call_id FROM outbox WHERE status = 'pending' AND owner NOT IN (SELECT id FROM nodes)"
            let calls = try await rows("SELECT id FROM calls WHERE id IN (\(unescaped: orphaned)) ORDER BY id FOR UPDATE", on: connection) { _ in () }
            let taken = try await rows(
                """
                UPDATE outbox SET owner = \(nodeId), claimed = false
                WHERE status = 'pending' AND owner NOT IN (SELECT id FROM nodes) RETURNING sequence
                """,
                on: connection
            ) { _ in () }
            if !taken.isEmpty {
                logger.info("Took over notifications of lost nodes", metadata: ["notifications": "\(taken.count)", "calls": "\(calls.count)"])
                try await connection.query("SELECT pg_notify(\(Self.channel(nodeId)), '')", logger: logger)
            }
            return !alive.isEmpty
        }
    }

    public func claimDeliveries(limit: Int) async throws -> [Delivery] {
        try await rows(
            """
            UPDATE outbox SET claimed = true WHERE sequence IN (
                SELECT sequence FROM outbox WHERE owner = \(nodeId) AND status = 'pending' AND NOT claimed ORDER BY sequence LIMIT \(limit)
            ) RETURNING \(unescaped: Self.deliveryColumns)
            """,
            Self.delivery
        ).sorted { $0.sequence < $1.sequence }
    }

    public func claimOverdueCalls(dueBy: Int64, lease: Duration, limit: Int) async throws -> [String] {
        let leaseMilliseconds = lease.components.seconds * 1000 + lease.components.attoseconds / 1_000_000_000_000_000
        return try await rows(
            """
            UPDATE calls SET timer_lease = \(unescaped: Self.databaseNow) + \(leaseMilliseconds) WHERE id IN (
                SELECT id FROM calls WHERE next_due <= \(dueBy) AND timer_lease <= \(unescaped: Self.databaseNow)
                ORDER BY next_due LIMIT \(limit) FOR UPDATE SKIP LOCKED
            ) RETURNING id, next_due
            """
        ) { (try $0["id"].decode(String.self), try $0["next_due"].decode(Int64.self)) }.sorted { $0.1 < $1.1 }.map(\.0)
    }

    public func earliestTimer(after: Int64) async throws -> Int64? {
        try await rows("SELECT min(next_due) AS due FROM calls WHERE next_due > \(after)") { try $0["due"].decode(Int64?.self) }.first ?? nil
    }

    /// The channel every node listens on.
    private static let clusterChannel = "switchboard_cluster"

    public func listen(
        deliveries: @escaping @Sendable () async -> Void, broadcast: @escaping @Sendable (String) async -> Void
    ) async throws {
        let client = self.client
        let node = Self.channel(nodeId)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await client.withConnection { connection in
                    try await connection.listen(on: node) { notifications in
                        for try await _ in notifications { await deliveries() }
                    }
                }
            }
            group.addTask {
                try await client.withConnection { connection in
                    try await connection.listen(on: Self.clusterChannel) { notifications in
                        for try await notification in notifications { await broadcast(notification.payload) }
                    }
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    public func broadcast(_ message: String, setting: (String, String)?) async throws {
        try await transaction { connection in
            if let (name, value) = setting {
                try await connection.query(
                    "INSERT INTO settings (name, value) VALUES (\(name), \(value)) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    logger: logger
                )
            }
            try await connection.query("SELECT pg_notify(\(Self.clusterChannel), \(message))", logger: logger)
        }
    }

    public func leave() async throws {
        try await client.query("DELETE FROM nodes WHERE id = \(nodeId)", logger: logger)
    }
}
