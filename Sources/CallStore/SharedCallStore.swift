/// A store several Switchboard nodes share (PostgreSQL): what a node needs beyond
/// ``CallStore`` to share the work and to take over a lost node's.
///
/// - Every pending notification of a call has one owner, the node that delivers it: the
///   owner of the call's oldest pending one, or the committing node when there is none. So a
///   call's notifications go out in order from one place, whichever node committed them.
/// - A node keeps a heartbeat. One silent past the deadline is lost: a surviving node takes
///   its notifications (and any a lost node was handed afterwards) in one transaction, and
///   claims the calls whose timers it left overdue.
public protocol SharedCallStore: CallStore {
    /// This node's id (new for every process).
    var nodeId: String { get }

    /// Records this node alive (on the database's clock, so nodes' clocks need not agree).
    /// False when it had been counted lost (and its work taken over): it is registered again,
    /// and must drop what it had in hand. Then, unless another node is doing it, takes over
    /// the notifications of every node silent for `lostAfter`.
    func heartbeat(lostAfter: Duration) async throws -> Bool

    /// This node's pending notifications it has not had in hand yet (committed by other nodes
    /// for calls it delivers, or taken over), marked in hand; in sequence order.
    func claimDeliveries(limit: Int) async throws -> [Delivery]

    /// Claims for `lease` (on the database's clock) calls whose earliest timer was due by
    /// `dueBy` (the deployment's clock, milliseconds since the Unix epoch) and which no node
    /// holds a claim on; returns their ids, earliest due first.
    func claimOverdueCalls(dueBy: Int64, lease: Duration, limit: Int) async throws -> [String]

    /// The earliest timer due after `after` in any call (the deployment's clock), if any.
    func earliestTimer(after: Int64) async throws -> Int64?

    /// Calls `deliveries` each time another node hands this one notifications, and
    /// `broadcast` with each message a node ``broadcast(_:)``s (this one's included);
    /// returns when cancelled.
    func listen(
        deliveries: @escaping @Sendable () async -> Void, broadcast: @escaping @Sendable (String) async -> Void
    ) async throws

    /// Sends `message` to every node (``listen(deliveries:broadcast:)``) when it is
    /// delivered; `setting`, if given, is stored in the same transaction (name, value), so a
    /// node that starts later reads what the message said.
    func broadcast(_ message: String, setting: (String, String)?) async throws

    /// Forgets this node (a clean stop): its notifications are taken over at once.
    func leave() async throws
}
