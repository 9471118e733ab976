import CallStore
import DequeModule
import GraphModel
import HeapModule
import Logging
import NetworkPolicy
import ServiceLifecycle
import Synchronization

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
        /// Deliveries in flight at once to one receiver (scheme, host and port): a slow bot
        /// with many calls holds at most these, and the others' notifications still go.
        /// `nil`: half of ``maxConcurrentDeliveries``.
        public var maxConcurrentPerReceiver: Int?
        /// How long one POST may take, connection included.
        public var requestTimeout: Duration = .seconds(10)
        /// How often a receiver that is failing is tried with its oldest waiting notification,
        /// whatever the backoff says: when it is back, everything waiting for it goes at once.
        public var probeInterval: Duration = .seconds(2)
        /// Where a 302's `Location` may send a call (as for any callback URI).
        public var callbackPolicy = CallbackAddressPolicy()
        /// Samples in 0..<1 for the retry policy's jitter.
        public var random: @Sendable () -> Double = { Double.random(in: 0..<1) }

        public init() {}
    }

    let store: any CallStore
    let transport: any WebhookTransport
    let keys: CallbackKeyRing
    let clock: any WallClock
    let configuration: Configuration
    private let logger: Logger

    /// Undelivered notifications per call, oldest first.
    var queues: [String: [Delivery]] = [:]
    private var known: Set<Int64> = []
    private var inFlight: Set<String> = []
    /// Calls whose oldest notification is due and not in flight, in the order they became
    /// so: the loop starts tries from here without looking at any other call.
    private var ready = Deque<String>()
    private var isReady: Set<String> = []
    /// When a call's oldest notification comes due, or a failing receiver is to be probed,
    /// earliest first. Entries are not removed when things change; each is checked when it
    /// comes up.
    private var scheduled = Heap<Scheduled>()
    /// Tries in flight per receiver origin (scheme, host and port).
    private var originsInFlight: [String: Int] = [:]
    /// Ready calls whose receiver has its most tries in flight, per origin, in the order
    /// they became ready: one goes back to ``ready`` each time a try at it ends.
    private var parked: [String: Deque<String>] = [:]
    /// Receivers whose last try failed, with when it was made: probed every ``Configuration/probeInterval``.
    private var failingOrigins: [String: Timestamp] = [:]
    /// Faults to inject on purpose (the world's and the control API's).
    var faults: (any DeliveryFaults)?
    /// Calls whose head a reorder fault holds back until the next notification overtakes it.
    var awaitingReorder: [String: Int64] = [:]
    /// Times each notification moved its call (302), against loops.
    var moves: [Int64: Int] = [:]
    var callbackMover: (@Sendable (String, String) async throws -> Void)?
    private var reporters: [@Sendable (DeliveryReport) -> Void] = []
    let wakeup = Wakeup()
    private var armedWakeup: Timestamp?
    private var stopping = false

    public init(
        store: any CallStore, transport: any WebhookTransport, keys: CallbackKeyRing,
        clock: any WallClock, configuration: Configuration = .init(), logger: Logger = Logger(label: "switchboard.webhooks")
    ) {
        self.store = store
        self.transport = transport
        self.keys = keys
        self.clock = clock
        self.configuration = configuration
        self.logger = logger
    }

    /// What arrives for the loop from elsewhere: deliveries just committed, the answers to
    /// tries the loop started, and the outcomes of tries. Handed over under a lock rather
    /// than by calls onto the actor, so a commit or a finished try never waits behind the
    /// loop, and the loop takes a batch per turn.
    struct Inbox {
        var deliveries: [Delivery] = []
        var answers: [Answered] = []
        var outcomes: [TryOutcome] = []
    }

    /// A try's outcome, stored (or not: `stored`).
    struct TryOutcome {
        var delivery: Delivery
        var attempt: Int
        var outcome: RetryPolicy.Outcome
        var failure: String
        var stored: Result<Void, any Error>
        var receiverAnswered: Bool
        /// When the outcome was stored: what it schedules counts from here, however long it
        /// waits in the inbox.
        var at: Timestamp
    }

    let inbox = Mutex(Inbox())

    /// Hands over deliveries just committed to the store; ``pending`` counts them at once.
    public nonisolated func enqueue(_ deliveries: [Delivery]) {
        inbox.withLock { inbox in
            inbox.deliveries.append(contentsOf: deliveries)
            pending.add(deliveries.count { $0.status == .pending })
        }
        wakeup.signal()
    }

    /// Takes what the inbox holds: outcomes first (they free room), then answers (stored
    /// by tasks in `group`), then new deliveries.
    private func drainInbox(group: inout DiscardingTaskGroup) {
        let taken = inbox.withLock { inbox in
            defer { inbox = Inbox() }
            return inbox
        }
        for outcome in taken.outcomes { recorded(outcome) }
        if !taken.answers.isEmpty { conclude(taken.answers, group: &group) }
        if !taken.deliveries.isEmpty { take(taken.deliveries) }
        inbox.withLock { pending.set(known.count + $0.deliveries.count { $0.status == .pending }) }
    }

    /// Puts deliveries handed over into their calls' queues (each once).
    private func take(_ deliveries: [Delivery]) {
        let now = clock.now()
        for delivery in deliveries where delivery.status == .pending && known.insert(delivery.sequence).inserted {
            var queue = queues[delivery.callId, default: []]
            let head = queue.first?.sequence
            if let held = awaitingReorder.removeValue(forKey: delivery.callId), queue.count == 1, queue[0].sequence == held {
                // A reorder fault held the head back for this one: it overtakes.
                queue.insert(delivery, at: 0)
                queue[1].notBefore = min(queue[1].notBefore, clock.now().millisecondsSinceEpoch)
            } else if let last = queue.last, last.sequence > delivery.sequence {
                queue.append(delivery)
                queue.sort { $0.sequence < $1.sequence }
            } else {
                queue.append(delivery)
            }
            queues[delivery.callId] = queue
            if queue.first?.sequence != head { schedule(delivery.callId, now: now) }
        }
    }

    /// Drops every delivery waiting or to be retried (the store has been reset); what is in
    /// flight finishes and is forgotten.
    public func reset() {
        queues = [:]
        known = []
        ready = []
        isReady = []
        parked = [:]
        scheduled = Heap()
        failingOrigins = [:]
        // Tries in flight still report (they free their receiver's room); what was handed
        // over and not yet taken is forgotten with the rest.
        inbox.withLock { inbox in
            inbox.deliveries = []
            pending.set(0)
        }
        due.set(0)
        wake()
    }

    /// Deliveries waiting, in flight or to be retried (those handed over and not yet taken
    /// included).
    public nonisolated var backlog: Int { pending.current }

    /// The backlog, readable without waiting on the dispatcher (the overload guard reads it
    /// on every request).
    public nonisolated let pending = SharedCount()

    /// Notifications due and not yet sent: more than a round of tries waiting means the
    /// dispatcher is falling behind (the overload guard paces writers on it).
    public nonisolated let due = SharedCount()

    public func run() async throws {
        var after: Int64 = 0
        // A shared store hands each node what it owns (the cluster service claims them).
        while !(store is any SharedCallStore) {
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
            drainInbox(group: &group)
            if stopping {
                // Drain: let what is in flight finish, then leave the rest in the store.
                if inFlight.isEmpty { break }
                await waitForWork()
                continue
            }
            let now = clock.now()
            while let first = scheduled.min, first.due <= now {
                switch scheduled.removeMin().target {
                case .call(let callId): schedule(callId, now: now)
                case .probe(let origin): probe(origin, now: now)
                }
            }
            let perReceiver = configuration.maxConcurrentPerReceiver ?? max(1, configuration.maxConcurrentDeliveries / 2)
            while inFlight.count < configuration.maxConcurrentDeliveries, let callId = ready.popFirst() {
                isReady.remove(callId)
                guard !inFlight.contains(callId), let head = queues[callId]?.first else { continue }
                guard head.notBefore <= now.millisecondsSinceEpoch else {
                    schedule(callId, now: now)
                    continue
                }
                let origin = CallbackAddressPolicy.origin(of: head.url)
                guard originsInFlight[origin, default: 0] < perReceiver else {
                    parked[origin, default: []].append(callId)
                    continue
                }
                inFlight.insert(callId)
                originsInFlight[origin, default: 0] += 1
                launch(head, group: &group)
            }
            // Parked calls are due too (their receivers are few), unless the last try failed there.
            due.set(ready.count + parked.reduce(0) { failingOrigins[$1.key] == nil ? $0 + $1.value.count : $0 })
            if let nextDue = scheduled.min?.due, armedWakeup.map({ nextDue < $0 }) ?? true {
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

    /// What comes due in ``scheduled``.
    struct Scheduled: Comparable {
        enum Target {
            /// A call's oldest notification.
            case call(String)
            /// A failing receiver, to be tried with its oldest waiting notification.
            case probe(origin: String)
        }

        var due: Timestamp
        var order: Int
        var target: Target

        static func == (lhs: Scheduled, rhs: Scheduled) -> Bool { (lhs.due, lhs.order) == (rhs.due, rhs.order) }
        static func < (lhs: Scheduled, rhs: Scheduled) -> Bool { (lhs.due, lhs.order) < (rhs.due, rhs.order) }
    }

    private var scheduledCount = 0

    private func schedule(_ target: Scheduled.Target, at due: Timestamp) {
        scheduledCount += 1
        scheduled.insert(Scheduled(due: due, order: scheduledCount, target: target))
    }

    /// Puts call `callId` where its oldest notification belongs: ready when due, scheduled
    /// when not; nowhere while a try is in flight (its outcome schedules the call again).
    private func schedule(_ callId: String, now: Timestamp) {
        guard !inFlight.contains(callId), let head = queues[callId]?.first else { return }
        if head.notBefore <= now.millisecondsSinceEpoch {
            markReady(callId)
        } else {
            schedule(.call(callId), at: Timestamp(millisecondsSinceEpoch: head.notBefore))
        }
    }

    /// Puts call `callId` in line for a try, once.
    private func markReady(_ callId: String) {
        if isReady.insert(callId).inserted { ready.append(callId) }
    }

    /// Tries failing receiver `origin` now with its oldest waiting notification, whatever
    /// the backoff says, unless a try at it is in flight or it answered since.
    private func probe(_ origin: String, now: Timestamp) {
        guard let lastTry = failingOrigins[origin], lastTry.advanced(by: configuration.probeInterval) <= now,
              originsInFlight[origin, default: 0] == 0 else { return }
        var oldest: (callId: String, sequence: Int64)?
        for (callId, queue) in queues where !inFlight.contains(callId) {
            guard let head = queue.first, head.sequence < oldest?.sequence ?? .max,
                  CallbackAddressPolicy.origin(of: head.url) == origin else { continue }
            oldest = (callId, head.sequence)
        }
        guard let oldest else { return }
        queues[oldest.callId]![0].notBefore = min(queues[oldest.callId]![0].notBefore, now.millisecondsSinceEpoch)
        schedule(oldest.callId, now: now)
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

    /// Injects `faults` into the tries from now on.
    public func inject(_ faults: any DeliveryFaults) {
        self.faults = faults
    }

    /// Who stores a call's move (the runtime): the call and its waiting notifications.
    public func onCallbackMoved(_ mover: @escaping @Sendable (_ callId: String, _ url: String) async throws -> Void) {
        callbackMover = mover
    }

    /// Calls `reporter` with each try's outcome once the store has it.
    public func onReport(_ reporter: @escaping @Sendable (DeliveryReport) -> Void) {
        reporters.append(reporter)
    }

    private func report(_ delivery: Delivery, attempt: Int, _ outcome: DeliveryReport.Outcome, at now: Timestamp) {
        guard !reporters.isEmpty else { return }
        let sinceCommit = delivery.createdAt == 0 ? nil
            : Duration.milliseconds(now.millisecondsSinceEpoch - delivery.createdAt)
        let report = DeliveryReport(callId: delivery.callId, sequence: delivery.sequence, attempt: attempt, outcome: outcome, sinceCommit: sinceCommit)
        for reporter in reporters { reporter(report) }
    }

    /// A try's outcome in the queues.
    private func recorded(_ tried: TryOutcome) {
        let (delivery, attempt, outcome, failure, receiverAnswered) = (tried.delivery, tried.attempt, tried.outcome, tried.failure, tried.receiverAnswered)
        var metadata: Logger.Metadata = ["delivery.id": "\(delivery.sequence)", "call.id": "\(delivery.callId)"]
        do {
            try tried.stored.get()
            switch outcome {
            case .delivered:
                removeHead(delivery)
                report(delivery, attempt: attempt, .delivered, at: tried.at)
            case .retry(let notBefore):
                // Where it stands in its call's queue (a reorder fault may have moved it back).
                if let index = queues[delivery.callId]?.firstIndex(where: { $0.sequence == delivery.sequence }) {
                    queues[delivery.callId]![index].attempts = attempt
                    queues[delivery.callId]![index].notBefore = notBefore.millisecondsSinceEpoch
                    queues[delivery.callId]![index].lastError = failure
                }
                report(delivery, attempt: attempt, .retried, at: tried.at)
                metadata["attempt"] = "\(attempt)"
                metadata["error"] = "\(failure)"
                logger.debug("Notification delivery failed; will retry", metadata: metadata)
            case .deadLetter:
                removeHead(delivery)
                report(delivery, attempt: attempt, .deadLettered, at: tried.at)
                metadata["error"] = "\(failure)"
                logger.warning("Notification dead-lettered after retries ran out", metadata: metadata)
            }
        } catch {
            // The store failed: keep the delivery and try it again shortly.
            var updated = delivery
            updated.notBefore = tried.at.advanced(by: .seconds(1)).millisecondsSinceEpoch
            if queues[delivery.callId]?.first?.sequence == delivery.sequence { queues[delivery.callId]![0] = updated }
            metadata["error"] = "\(error)"
            logger.error("Could not record a delivery outcome", metadata: metadata)
        }
        inFlight.remove(delivery.callId)
        let origin = CallbackAddressPolicy.origin(of: delivery.url)
        originsInFlight[origin, default: 1] -= 1
        if originsInFlight[origin] == 0 { originsInFlight[origin] = nil }
        if let next = parked[origin]?.popFirst() {
            // The receiver has room again: the first call waiting for it goes back in line.
            if parked[origin]?.isEmpty == true { parked[origin] = nil }
            markReady(next)
        }
        if case .retry = outcome {} else { moves[delivery.sequence] = nil }
        let now = tried.at
        if receiverAnswered {
            if failingOrigins.removeValue(forKey: origin) != nil { release(origin: origin, now: now) }
        } else {
            failingOrigins[origin] = now
            schedule(.probe(origin: origin), at: now.advanced(by: configuration.probeInterval))
        }
        schedule(delivery.callId, now: now)
        wake()
    }

    /// A receiver is back: what waits for it is due now, whatever its backoff said.
    private func release(origin: String, now: Timestamp) {
        for (callId, queue) in queues {
            guard let head = queue.first, head.notBefore > now.millisecondsSinceEpoch,
                  CallbackAddressPolicy.origin(of: head.url) == origin else { continue }
            queues[callId]![0].notBefore = now.millisecondsSinceEpoch
            schedule(callId, now: now)
        }
    }

    private func removeHead(_ delivery: Delivery) {
        known.remove(delivery.sequence)
        pending.set(known.count)
        guard var queue = queues[delivery.callId], queue.first?.sequence == delivery.sequence else { return }
        queue.removeFirst()
        queues[delivery.callId] = queue.isEmpty ? nil : queue
    }
}
