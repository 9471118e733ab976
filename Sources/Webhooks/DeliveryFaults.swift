import CallStore

/// A fault injected into one try of a notification, on purpose.
public enum DeliveryFault: Sendable, Hashable {
    /// Not sent on this try; retried as a failure would be.
    case drop
    /// Sent twice.
    case duplicate
    /// Not sent until this much later.
    case delay(Duration)
    /// Sent after the next notification of its call, which is awaited this long if none waits.
    case reorder(hold: Duration)
    /// This body (the legacy format) instead; a 204 answer has the notification sent again at once.
    case legacyFormat(body: [UInt8])
}

/// Decides which tries of which notifications go wrong (``WebhookDispatcher`` asks before
/// each, from its loop: the answer must not wait on anything).
public protocol DeliveryFaults: Sendable {
    func fault(for delivery: Delivery, attempt: Int) -> DeliveryFault?
}
