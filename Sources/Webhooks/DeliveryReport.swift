import GraphModel

/// What became of one try at a notification, once it is recorded in the store
/// (``WebhookDispatcher/onReport(_:)``): for metrics and the inspector.
public struct DeliveryReport: Sendable, Hashable {
    public enum Outcome: String, Sendable, Hashable {
        /// The receiver took it (2xx).
        case delivered
        /// It failed and will be tried again.
        case retried
        /// It failed and its tries ran out.
        case deadLettered
    }

    public var callId: String
    /// The notification (its outbox sequence, the `Switchboard-Delivery-Id`).
    public var sequence: Int64
    /// 1 for the first try.
    public var attempt: Int
    public var outcome: Outcome
    /// From the commit of the notification to the end of this try, on the server's clock
    /// (nil for notifications stored without their commit time).
    public var sinceCommit: Duration?
}
