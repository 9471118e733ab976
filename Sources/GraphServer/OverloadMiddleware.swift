import CallStore
import CallRuntime
import Foundation
import GraphModel
import HTTPTypes
import Hummingbird
import Synchronization
import Webhooks

/// How much work Switchboard takes on before it pushes back, as Graph does: 429
/// `TooManyRequests` with `Retry-After`.
public struct OverloadLimits: Sendable, Hashable {
    /// Notifications waiting for delivery beyond which Graph requests that change something
    /// (POST, PUT, PATCH) are refused; `nil`: no limit. Reads and deletes still pass, so a
    /// bot can look and hang up while the backlog drains.
    public var maxBacklog: Int?
    /// Graph requests per second taken (a token bucket as deep as one second's worth);
    /// `nil`: no limit.
    public var maxRequestRate: Double?
    /// The `Retry-After` given.
    public var retryAfterSeconds: Int
    /// Notifications due and not yet sent beyond which Graph requests that change something
    /// wait (up to ``maxPaceWait``) for delivery to catch up before they are handled; `nil`:
    /// they never wait. A client that creates work faster than its notifications can be
    /// delivered is slowed to their pace, so notifications stay as prompt as Graph's instead
    /// of falling ever further behind. Receivers that are down do not count (their
    /// notifications wait for a retry, not for the dispatcher), nor do notifications waiting
    /// behind tries still in flight at a receiver whose last try failed.
    public var paceBacklog: Int?
    /// The longest a request waits for ``paceBacklog``; then it is handled anyway.
    public var maxPaceWait: Duration

    public init(
        maxBacklog: Int? = 20_000, maxRequestRate: Double? = nil, retryAfterSeconds: Int = 1,
        paceBacklog: Int? = 0, maxPaceWait: Duration = .seconds(1)
    ) {
        self.maxBacklog = maxBacklog
        self.maxRequestRate = maxRequestRate
        self.retryAfterSeconds = retryAfterSeconds
        self.paceBacklog = paceBacklog
        self.maxPaceWait = maxPaceWait
    }
}

/// The dispatcher's figures the overload guard reads.
public struct DeliveryBacklog: Sendable {
    /// Notifications waiting, in flight or to be retried.
    public var pending: SharedCount
    /// Notifications due and not yet sent.
    public var due: SharedCount

    public init(pending: SharedCount, due: SharedCount) {
        self.pending = pending
        self.due = due
    }
}

/// Refuses Graph requests past the ``OverloadLimits`` with Graph's throttling answer, so a
/// load test meets bounded latency and a clear signal instead of an ever-growing delay.
struct OverloadMiddleware<Context: RequestContext>: RouterMiddleware {
    let limits: OverloadLimits
    let backlog: DeliveryBacklog
    let clock: any WallClock
    let bucket: TokenBucket?

    init(limits: OverloadLimits, backlog: DeliveryBacklog, clock: any WallClock) {
        self.limits = limits
        self.backlog = backlog
        self.clock = clock
        bucket = limits.maxRequestRate.map { TokenBucket(rate: $0) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path.lowercased()
        guard path.hasPrefix("/v1.0/") || path.hasPrefix("/beta/") else { return try await next(request, context) }
        if let bucket, !bucket.take() {
            return refuse(request, "Too many requests: more than \(limits.maxRequestRate.map { String(format: "%g", $0) } ?? "") a second.")
        }
        guard [.post, .put, .patch].contains(request.method) else { return try await next(request, context) }
        if let maxBacklog = limits.maxBacklog {
            let waiting = backlog.pending.current
            if waiting >= maxBacklog {
                return refuse(request, "Too many requests: \(waiting) notifications are waiting for delivery (the limit is \(maxBacklog)).")
            }
        }
        if let paceBacklog = limits.paceBacklog, backlog.due.current > paceBacklog {
            await pace(below: paceBacklog)
        }
        return try await next(request, context)
    }

    /// Waits until no more than `limit` notifications are due, or ``OverloadLimits/maxPaceWait``
    /// has passed on the clock.
    private func pace(below limit: Int) async {
        await backlog.due.wait(untilAtMost: limit, orUntil: clock.now().advanced(by: limits.maxPaceWait), on: clock)
    }

    private func refuse(_ request: Request, _ message: String) -> Response {
        var response = GraphErrorMiddleware<Context>.response(
            GraphError(.tooManyRequests, code: "TooManyRequests", message: message + " Retry after \(limits.retryAfterSeconds) s."),
            requestId: UUID.random().lowercasedString, clientRequestId: request.headers[HTTPField.Name("client-request-id")!], now: clock.now()
        )
        response.headers[HTTPField.Name("Retry-After")!] = String(limits.retryAfterSeconds)
        return response
    }
}

/// `rate` tokens a second, at most one second's worth (and at least one request) saved up;
/// real time (it limits real load).
final class TokenBucket: Sendable {
    private struct State {
        var tokens: Double
        var last: ContinuousClock.Instant
    }

    private let rate: Double
    private let state: Mutex<State>

    init(rate: Double) {
        self.rate = rate
        state = Mutex(State(tokens: max(rate, 1), last: .now))
    }

    func take() -> Bool {
        state.withLock { state in
            let now = ContinuousClock.now
            let (seconds, attoseconds) = state.last.duration(to: now).components
            state.tokens = min(max(rate, 1), state.tokens + (Double(seconds) + Double(attoseconds) / 1e18) * rate)
            state.last = now
            guard state.tokens >= 1 else { return false }
            state.tokens -= 1
            return true
        }
    }
}
