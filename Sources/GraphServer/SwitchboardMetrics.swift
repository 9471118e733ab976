import CallRuntime
import CoreMetrics
import GraphModel
import Prometheus
import Synchronization
import Webhooks

/// Switchboard's metrics, recorded through swift-metrics into a Prometheus registry of its
/// own (one per server, so servers in one process — tests — never mix) and served at
/// `/metrics` in Prometheus' text format.
///
/// Counted as they happen: requests by route, method and status; notifications delivered,
/// retried and dead-lettered; the time from a notification's commit to its delivery.
/// Read when scraped: calls by state, the outbox backlog, the timer backlog.
public final class SwitchboardMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private struct RequestKey: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private let requests = Mutex<[RequestKey: CoreMetrics.Counter]>([:])
    private let delivered: CoreMetrics.Counter
    private let retried: CoreMetrics.Counter
    private let deadLettered: CoreMetrics.Counter
    private let deliveryLatency: CoreMetrics.Timer
    private let callsByState: [CallState: CoreMetrics.Gauge]
    private let outboxBacklog: CoreMetrics.Gauge
    private let outboxDue: CoreMetrics.Gauge
    private let timersArmed: CoreMetrics.Gauge
    private let timersOverdue: CoreMetrics.Gauge

    /// Buckets of the delivery latency histogram: 1 ms to 1 min (retries reach minutes).
    static let deliveryBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        .seconds(30), .seconds(60),
    ]

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets["switchboard_notification_delivery_seconds"] = Self.deliveryBuckets
        self.factory = factory
        delivered = Counter(label: "switchboard_notifications_delivered_total", factory: factory)
        retried = Counter(label: "switchboard_notifications_retried_total", factory: factory)
        deadLettered = Counter(label: "switchboard_notifications_dead_lettered_total", factory: factory)
        deliveryLatency = Timer(label: "switchboard_notification_delivery_seconds", factory: factory)
        var gauges: [CallState: CoreMetrics.Gauge] = [:]
        for state in CallState.allCases where state != .unknownFutureValue {
            gauges[state] = CoreMetrics.Gauge(label: "switchboard_calls", dimensions: [("state", state.rawValue)], factory: factory)
        }
        gauges[.unknownFutureValue] = CoreMetrics.Gauge(label: "switchboard_calls", dimensions: [("state", "unknown")], factory: factory)
        callsByState = gauges
        outboxBacklog = CoreMetrics.Gauge(label: "switchboard_outbox_backlog", factory: factory)
        outboxDue = CoreMetrics.Gauge(label: "switchboard_outbox_due", factory: factory)
        timersArmed = CoreMetrics.Gauge(label: "switchboard_timers_armed", factory: factory)
        timersOverdue = CoreMetrics.Gauge(label: "switchboard_timers_overdue", factory: factory)
    }

    /// One request answered.
    func request(route: String, method: String, status: Int) {
        let key = RequestKey(route: route, method: method, status: status)
        let counter = requests.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(
                label: "switchboard_http_requests_total", dimensions: [("route", route), ("method", method), ("status", String(status))],
                factory: factory
            )
            counters[key] = counter
            return counter
        }
        counter.increment()
    }

    /// One try at a notification, recorded.
    public func delivery(_ report: DeliveryReport) {
        switch report.outcome {
        case .delivered:
            delivered.increment()
            if let since = report.sinceCommit { deliveryLatency.recordNanoseconds(max(0, since.milliseconds) * 1_000_000) }
        case .retried:
            retried.increment()
        case .deadLettered:
            deadLettered.increment()
        }
    }

    /// The metrics in Prometheus' text format, with the gauges read now.
    func render(runtime: CallRuntime, backlog: DeliveryBacklog?) async throws -> [UInt8] {
        let counts = try await runtime.callCountsByState()
        for (state, gauge) in callsByState { gauge.record(counts[state] ?? 0) }
        if let backlog {
            outboxBacklog.record(backlog.pending.current)
            outboxDue.record(backlog.due.current)
        }
        let timers = runtime.timers.backlog(now: runtime.clock.now())
        timersArmed.record(timers.armed)
        timersOverdue.record(timers.overdue)
        return registry.emitToBuffer()
    }
}
