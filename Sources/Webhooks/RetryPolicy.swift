import GraphModel

/// When a failed notification is tried again, and when it is given up on. Pure: the
/// dispatcher asks, the policy answers.
///
/// Graph does not document its own retry policy; Switchboard retries with exponential
/// backoff (1 s, 2 s, 4 s, … capped at 60 s) and dead-letters after 20 attempts (about a
/// quarter of an hour). Later notifications of the same call wait behind a failing one, so
/// per-call order holds; a dead letter stays in the store for inspection.
public struct RetryPolicy: Sendable, Hashable {
    public var initialBackoff: Duration
    public var maxBackoff: Duration
    public var maxAttempts: Int

    public init(initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(60), maxAttempts: Int = 20) {
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.maxAttempts = maxAttempts
    }

    /// What follows an attempt.
    public enum Outcome: Sendable, Hashable {
        /// The receiver took it; remove it from the outbox.
        case delivered
        /// Try again no sooner than this.
        case retry(notBefore: Timestamp)
        /// Give up: move it to the dead letters.
        case deadLetter
    }

    /// The outcome of attempt number `attempt` (1-based) that ended with HTTP `status`
    /// (`nil`: no response: connection refused, timeout) at `now`.
    public func outcome(status: Int?, attempt: Int, now: Timestamp) -> Outcome {
        if let status, (200..<300).contains(status) { return .delivered }
        if attempt >= maxAttempts { return .deadLetter }
        return .retry(notBefore: now.advanced(by: backoff(afterAttempt: attempt)))
    }

    /// The wait after failed attempt number `attempt` (1-based).
    public func backoff(afterAttempt attempt: Int) -> Duration {
        var wait = initialBackoff
        for _ in 1..<max(1, attempt) {
            wait *= 2
            if wait >= maxBackoff { return maxBackoff }
        }
        return min(wait, maxBackoff)
    }
}
