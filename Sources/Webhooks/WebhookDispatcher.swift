import CallStore
import GraphModel
import Logging
import ServiceLifecycle

/// Delivers the outbox: signed POSTs to each call's callback URI, in order per call,
/// retried with backoff, at least once.
///
/// The store is the source of truth: at start the dispatcher loads every pending delivery;
/// afterwards the runtime hands it each delivery right after committing it. A delivery
/// leaves the store only once its receiver answered 2xx, so a crash at any point means
/// a redelivery, never a loss. Per call only the oldest undelivered notification is in
/// flight; different calls deliver concurrently.
public actor WebhookDispatcher: Service, OutboxListener {
    /// Tuning.
    public struct Configuration: Sendable {
        public var retryPolicy = RetryPolicy()
        /// Deliveries in flight at once, across calls.
        public var maxConcurrentDeliveries = 64
        /// How long one POST may take.
        public var requestTimeout: Duration = .seconds(10)

        public init() {}
    }

    private let store: any CallStore
    private let transport: any WebhookTransport
    private let signer: CallbackTokenSigner
    private let clock: any WallClock
    private let configuration: Configuration
    private let logger: Logger

    /// Undelivered notifications per call, oldest first.
    private var queues: [String: [Delivery]] = [:]
    private var known: Set<Int64> = []
    private var inFlight: Set<String> = []
    private let wakeup = Wakeup()
    private var armedWakeup: Timestamp?
    private var stopping = false
    /// Callback tokens by app and tenant, reused for ``tokenReuse`` of their hour-long life
    /// so a busy bot does not cost one signature per notification.
    private var tokens: [String: (token: String, issued: Timestamp)] = [:]
    private let tokenReuse: Duration = .seconds(300)

    public init(
        store: any CallStore, transport: any WebhookTransport, signer: CallbackTokenSigner,
        clock: any WallClock, configuration: Configuration = .init(), logger: Logger = Logger(label: "switchboard.webhooks")
    ) {
        self.store = store
        self.transport = transport
        self.signer = signer
        self.clock = clock
        self.configuration = configuration
        self.logger = logger
    }

    /// Hands over deliveries just committed to the store.
    public func enqueue(_ deliveries: [Delivery]) {
        for delivery in deliveries where delivery.status == .pending && known.insert(delivery.sequence).inserted {
            var queue = queues[delivery.callId, default: []]
            if let last = queue.last, last.sequence > delivery.sequence {
                queue.append(delivery)
                queue.sort { $0.sequence < $1.sequence }
            } else {
                queue.append(delivery)
            }
            queues[delivery.callId] = queue
        }
        wake()
    }

    /// Drops every delivery waiting or to be retried (the store has been reset); what is in
    /// flight finishes and is forgotten.
    public func reset() {
        queues = [:]
        known = []
        wake()
    }

    /// Deliveries waiting, in flight or to be retried.
    public var backlog: Int { queues.values.reduce(0) { $0 + $1.count } }

    public func run() async throws {
        var after: Int64 = 0
        while true {
            let page = try await store.pendingDeliveries(after: after, limit: 1000)
            enqueue(page)
            guard let last = page.last else { break }
            after = last.sequence
        }
        logger.info("Webhook dispatcher started", metadata: ["backlog": "\(backlog)"])
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                await self.loop(group: &group)
            }
        } onGracefulShutdown: {
            Task { await self.stop() }
        }
        logger.info("Webhook dispatcher stopped", metadata: ["backlog": "\(backlog)"])
    }

    private func stop() {
        stopping = true
        wake()
    }

    private func loop(group: inout DiscardingTaskGroup) async {
        while !Task.isCancelled {
            if stopping {
                // Drain: let what is in flight finish, then leave the rest in the store.
                if inFlight.isEmpty { break }
                await waitForWork()
                continue
            }
            let now = clock.now()
            var nextDue: Timestamp?
            for (callId, queue) in queues where !inFlight.contains(callId) {
                guard inFlight.count < configuration.maxConcurrentDeliveries, let head = queue.first else { break }
                let due = Timestamp(millisecondsSinceEpoch: head.notBefore)
                if due <= now {
                    inFlight.insert(callId)
                    group.addTask { await self.attempt(head) }
                } else if nextDue.map({ due < $0 }) ?? true {
                    nextDue = due
                }
            }
            if let nextDue, armedWakeup.map({ nextDue < $0 }) ?? true {
                armedWakeup = nextDue
                let clock = self.clock
                group.addTask {
                    try? await clock.sleep(until: nextDue)
                    await self.wakeup(armedFor: nextDue)
                }
            }
            await waitForWork()
        }
        armedWakeup = nil
        group.cancelAll()
    }

    private func wakeup(armedFor deadline: Timestamp) {
        if armedWakeup == deadline { armedWakeup = nil }
        wake()
    }

    private func waitForWork() async {
        await wakeup.wait()
    }

    private func wake() {
        wakeup.signal()
    }

    /// The header naming a notification, the same on every try.
    public static let deliveryIdHeader = "Switchboard-Delivery-Id"
    /// The header counting tries of a notification, from 1.
    public static let deliveryAttemptHeader = "Switchboard-Delivery-Attempt"

    /// One attempt at the oldest undelivered notification of a call.
    private func attempt(_ delivery: Delivery) async {
        let attempt = delivery.attempts + 1
        let startedAt = clock.now()
        let started = ContinuousClock.now
        var status: Int?
        var failure = ""
        do {
            let token = try await callbackToken(appId: delivery.appId, tenantId: delivery.tenantId)
            status = try await transport.post(
                url: delivery.url,
                headers: [
                    ("Content-Type", "application/json"),
                    ("Accept", "application/json"),
                    ("Authorization", "Bearer \(token)"),
                    ("User-Agent", "Switchboard (Microsoft-Skype/3.0,(Calling/1.0) compatible)"),
                    // The same on every try of this notification, across restarts: a bot
                    // drops repeats by it (delivery is at least once).
                    (Self.deliveryIdHeader, String(delivery.sequence)),
                    (Self.deliveryAttemptHeader, String(attempt)),
                ],
                body: delivery.body,
                timeout: configuration.requestTimeout
            )
            if let status, !(200..<300).contains(status) { failure = "HTTP \(status)" }
        } catch {
            failure = String(describing: error)
        }
        let outcome = configuration.retryPolicy.outcome(status: status, attempt: attempt, now: clock.now())
        let (seconds, attoseconds) = started.duration(to: .now).components
        let journal = DeliveryAttempt(
            sequence: delivery.sequence, attempt: attempt, at: startedAt.millisecondsSinceEpoch, status: status,
            error: failure.isEmpty ? nil : failure, durationMilliseconds: seconds * 1000 + attoseconds / 1_000_000_000_000_000
        )
        await record(delivery, attempt: attempt, outcome: outcome, failure: failure, journal: journal)
    }

    private func callbackToken(appId: String, tenantId: String) async throws -> String {
        let key = appId + "|" + tenantId
        let now = clock.now()
        if let cached = tokens[key], cached.issued <= now, now < cached.issued.advanced(by: tokenReuse) { return cached.token }
        let token = try await signer.callbackToken(appId: appId, tenantId: tenantId, nowSeconds: now.millisecondsSinceEpoch / 1000)
        tokens[key] = (token, now)
        return token
    }

    private func record(_ delivery: Delivery, attempt: Int, outcome: RetryPolicy.Outcome, failure: String, journal: DeliveryAttempt) async {
        var metadata: Logger.Metadata = ["delivery.id": "\(delivery.sequence)", "call.id": "\(delivery.callId)"]
        do {
            switch outcome {
            case .delivered:
                try await store.markDelivered(sequence: delivery.sequence, attempt: journal)
                removeHead(delivery)
            case .retry(let notBefore):
                try await store.markFailed(sequence: delivery.sequence, attempts: attempt, notBefore: notBefore.millisecondsSinceEpoch, error: failure, dead: false, attempt: journal)
                var updated = delivery
                updated.attempts = attempt
                updated.notBefore = notBefore.millisecondsSinceEpoch
                updated.lastError = failure
                if queues[delivery.callId]?.first?.sequence == delivery.sequence { queues[delivery.callId]![0] = updated }
                metadata["attempt"] = "\(attempt)"
                metadata["error"] = "\(failure)"
                logger.debug("Notification delivery failed; will retry", metadata: metadata)
            case .deadLetter:
                try await store.markFailed(sequence: delivery.sequence, attempts: attempt, notBefore: clock.now().millisecondsSinceEpoch, error: failure, dead: true, attempt: journal)
                removeHead(delivery)
                metadata["error"] = "\(failure)"
                logger.warning("Notification dead-lettered after retries ran out", metadata: metadata)
            }
        } catch {
            // The store failed: keep the delivery and try it again shortly.
            var updated = delivery
            updated.notBefore = clock.now().advanced(by: .seconds(1)).millisecondsSinceEpoch
            if queues[delivery.callId]?.first?.sequence == delivery.sequence { queues[delivery.callId]![0] = updated }
            metadata["error"] = "\(error)"
            logger.error("Could not record a delivery outcome", metadata: metadata)
        }
        inFlight.remove(delivery.callId)
        wake()
    }

    private func removeHead(_ delivery: Delivery) {
        known.remove(delivery.sequence)
        guard var queue = queues[delivery.callId], queue.first?.sequence == delivery.sequence else { return }
        queue.removeFirst()
        queues[delivery.callId] = queue.isEmpty ? nil : queue
    }
}
