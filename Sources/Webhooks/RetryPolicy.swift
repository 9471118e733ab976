import GraphModel

/// When a failed notification is tried again, and when it is given up on. Pure: the
/// dispatcher asks, the policy answers; the randomness of the jitter comes in as an input.
///
/// Graph does not document its own retry policy. Switchboard backs off exponentially
/// (1 s, 2 s, 4 s, … capped at 60 s), each wait spread by ±``jitter`` so that many calls
/// failing at once do not retry in lockstep, and dead-letters a notification once it is
/// older than ``maxAge`` (30 minutes) or has had ``maxAttempts`` tries (no limit by
/// default). Later notifications of the same call wait behind a failing one, so per-call
/// order holds; a dead letter stays in the store for inspection and redelivery.
public struct RetryPolicy: Sendable, Hashable {
    public var initialBackoff: Duration
    public var maxBackoff: Duration
    /// Tries before giving up; `nil`: only ``maxAge`` limits.
    public var maxAttempts: Int?
    /// How long after it was committed a notification is still tried; `nil`: forever.
    public var maxAge: Duration?
    /// The fraction (0…1) by which each wait is spread at random, either way.
    public var jitter: Double

    public init(
        initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(60), maxAttempts: Int? = nil,
        maxAge: Duration? = .seconds(30 * 60), jitter: Double = 0.2
    ) {
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.maxAttempts = maxAttempts
        self.maxAge = maxAge
        self.jitter = min(max(jitter, 0), 1)
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
    /// (`nil`: no response: connection refused, timeout) at `now`, for a notification
    /// committed at `createdAt` (`nil`: unknown, no age limit). `random` is a sample in
    /// 0..<1 that places the wait within the jitter (0.5: the wait exactly).
    public func outcome(status: Int?, attempt: Int, createdAt: Timestamp? = nil, now: Timestamp, random: Double = 0.5) -> Outcome {
        if let status, (200..<300).contains(status) { return .delivered }
        if let maxAttempts, attempt >= maxAttempts { return .deadLetter }
        let notBefore = now.advanced(by: backoff(afterAttempt: attempt, random: random))
        guard let maxAge, let createdAt else { return .retry(notBefore: notBefore) }
        // The last try falls on the deadline itself; a failure at or after it is final.
        let deadline = createdAt.advanced(by: maxAge)
        if now >= deadline { return .deadLetter }
        return .retry(notBefore: min(notBefore, deadline))
    }

    /// The wait after failed attempt number `attempt` (1-based), before jitter.
    public func backoff(afterAttempt attempt: Int) -> Duration {
        var wait = initialBackoff
        for _ in 1..<max(1, attempt) {
            wait *= 2
            if wait >= maxBackoff { return maxBackoff }
        }
        return min(wait, maxBackoff)
    }

    /// The wait after failed attempt number `attempt`, spread by the jitter: `random` 0
    /// gives the shortest, 0.5 the nominal, towards 1 the longest. Never over the cap.
    public func backoff(afterAttempt attempt: Int, random: Double) -> Duration {
        let nominal = Double(backoff(afterAttempt: attempt).milliseconds)
        let factor = 1 + jitter * (2 * min(max(random, 0), 1) - 1)
        // Whole milliseconds: what the store keeps, and what a test can state.
        return min(.milliseconds(Int64((nominal * factor).rounded())), maxBackoff)
    }
}
