/// Where calls and their undelivered notifications live.
///
/// Every backend (in memory, SQLite, PostgreSQL) passes the same conformance suite. The one
/// rule that matters most: ``commit(_:)`` writes a call's new state and the notifications
/// it caused in one transaction, so an acknowledged change is never without its
/// notifications, nor the other way round.
public protocol CallStore: Sendable {
    /// Applies `change` atomically (calls, outbox entries, new and consumed signals) and
    /// returns the outbox entries it created, with their sequence numbers, in the order given.
    /// Throws ``CallStoreError/conflict(_:)``, changing nothing, when a call is not at the
    /// version the change was made from or a consumed signal is gone: another writer (on
    /// another node, with a shared database) got there first.
    func commit(_ change: CallChange) async throws -> [Delivery]

    /// The call with this id, if it is stored.
    func call(id: String) async throws -> CallRecord?

    /// Every stored call, with its state.
    func allCalls() async throws -> [CallRecord]

    /// Every stored call without its state (for rebuilding timers after a restart: the
    /// states are read when each call is next used), in id order.
    func callSummaries() async throws -> [CallSummary]

    /// How many calls are stored.
    func callCount() async throws -> Int

    /// Pending deliveries in sequence order, at most `limit`, after `sequence` `after`.
    func pendingDeliveries(after: Int64, limit: Int) async throws -> [Delivery]

    /// Dead-lettered deliveries in sequence order, at most `limit`.
    func deadDeliveries(limit: Int) async throws -> [Delivery]

    /// Marks a delivery that reached its receiver, journaling the try that did: it leaves
    /// the outbox and stays in the journal (the most recent ``deliveredRetention`` sequences
    /// of delivered ones are kept).
    func markDelivered(sequence: Int64, attempt: DeliveryAttempt?) async throws

    /// Every notification kept for a call (pending, delivered within retention, dead), in
    /// order, with the tries made at each.
    func journal(callId: String) async throws -> [(Delivery, [DeliveryAttempt])]

    /// Records a failed attempt: the new attempt count, when to try again, and the error;
    /// `dead` moves it to the dead letters. `attempt` is journaled with it.
    func markFailed(sequence: Int64, attempts: Int, notBefore: Int64, error: String, dead: Bool, attempt: DeliveryAttempt?) async throws

    /// Gives the dead-lettered deliveries among `sequences` a fresh set of tries from
    /// `notBefore` (pending again, no attempts counted) and returns them in sequence order;
    /// sequences that are not dead letters are left alone. On a shared store each goes to
    /// the node delivering its call's pending notifications, else this one (``Delivery/owner``).
    func revive(sequences: [Int64], notBefore: Int64) async throws -> [Delivery]

    /// Signals not yet applied, in the order they were committed, at most `limit`.
    func pendingSignals(limit: Int) async throws -> [Signal]

    /// Forgets every call, notification (pending, delivered or dead), attempt and signal;
    /// settings (the signing key) stay. For `POST /_switchboard/reset`.
    func reset() async throws

    /// Everything stored but settings, in a stable order (calls by id, the rest by
    /// sequence). For `GET /_switchboard/snapshot`.
    func export() async throws -> StoreSnapshot
    /// Replaces everything stored but settings with `snapshot`, in one transaction; later
    /// sequences follow the snapshot's. For `PUT /_switchboard/snapshot`.
    func replace(with snapshot: StoreSnapshot) async throws
    /// A stored setting (signing keys and the like).
    func setting(_ name: String) async throws -> String?

    /// Stores a setting; the first value written wins when two race, and is returned.
    func initializeSetting(_ name: String, value: String) async throws -> String

    /// Replaces a setting only if it still holds `expected` (compare and set: two writers
    /// cannot lose each other's change); returns whether it was replaced.
    func updateSetting(_ name: String, from expected: String, to value: String) async throws -> Bool

    /// Releases the backend (connections, files). Nothing may be called afterwards.
    func close() async throws
}

extension CallStore {
    public func callCount() async throws -> Int {
        try await callSummaries().count
    }

    /// Marks a delivery delivered, with no try to journal.
    public func markDelivered(sequence: Int64) async throws {
        try await markDelivered(sequence: sequence, attempt: nil)
    }

    /// Records a failed attempt, with no try to journal.
    public func markFailed(sequence: Int64, attempts: Int, notBefore: Int64, error: String, dead: Bool) async throws {
        try await markFailed(sequence: sequence, attempts: attempts, notBefore: notBefore, error: error, dead: dead, attempt: nil)
    }
}

/// How many of the latest notifications a store keeps after delivery, for the journal.
public let deliveredRetention: Int64 = 10_000

/// Errors a store reports.
public enum CallStoreError: Error, Sendable, Hashable {
    /// The backend failed; the message is for logs, never for the wire.
    case backend(String)
    /// A commit lost a race with another writer: what it was made from has changed. Read
    /// again and retry.
    case conflict(String)
}
