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

    private let store: any CallStore
    private let transport: any WebhookTransport
    private let keys: CallbackKeyRing
    private let clock: any WallClock
    private let configuration: Configuration
    private let logger: Logger

    /// Undelivered notifications per call, oldest first.
    private var queues: [String: [Delivery]] = [:]
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
    private var faults: (any DeliveryFaults)?
    /// Calls whose head a reorder fault holds back until the next notification overtakes it.
    private var awaitingReorder: [String: Int64] = [:]
    /// Times each notification moved its call (302), against loops.
    private var moves: [Int64: Int] = [:]
    private var callbackMover: (@Sendable (String, String) async throws -> Void)?
    private var reporters: [@Sendable (DeliveryReport) -> Void] = []
    private let wakeup = Wakeup()
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

    /// What arrives for the loop from elsewhere: deliveries just committed and the outcomes
    /// of tries. Handed over under a lock rather than by calls onto the actor, so a commit
    /// or a finished try never waits behind the loop, and the loop takes a batch per turn.
    private struct Inbox {
        var deliveries: [Delivery] = []
        var outcomes: [TryOutcome] = []
    }

    /// A try's outcome, stored (or not: `stored`).
    private struct TryOutcome {
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

    private let inbox = Mutex(Inbox())

    /// Hands over deliveries just committed to the store; ``pending`` counts them at once.
    public nonisolated func enqueue(_ deliveries: [Delivery]) {
        inbox.withLock { inbox in
            inbox.deliveries.append(contentsOf: deliveries)
            pending.add(deliveries.count { $0.status == .pending })
        }
        wakeup.signal()
    }

    /// Takes what the inbox holds: outcomes first (they free room), then new deliveries.
    private func drainInbox() {
        let taken = inbox.withLock { inbox in
            defer { inbox = Inbox() }
            return inbox
        }
        for outcome in taken.outcomes { recorded(outcome) }
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
            drainInbox()
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
                let faults = self.faults
                group.addTask { await self.attempt(head, faults: faults) }
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

    /// The header naming a notification, the same on every try.
    public static let deliveryIdHeader = "Switchboard-Delivery-Id"
    /// The header counting tries of a notification, from 1.
    public static let deliveryAttemptHeader = "Switchboard-Delivery-Attempt"
    /// The header giving when the change that caused a notification was committed (the
    /// server's clock, ISO 8601 UTC with milliseconds): how late it arrives.
    public static let committedAtHeader = "Switchboard-Committed-At"

    /// One attempt at the oldest undelivered notification of a call. Runs off the actor:
    /// signing, sending and storing the outcome need none of its state, so a try comes onto
    /// it once, at the end, instead of after every step (each a trip through the scheduler
    /// behind every other try's).
    private nonisolated func attempt(_ delivery: Delivery, faults: (any DeliveryFaults)?) async {
        let attempt = delivery.attempts + 1
        let startedAt = clock.now()
        let started = ContinuousClock.now
        var response: WebhookResponse?
        var failure = ""
        let fault = await faults?.fault(for: delivery, attempt: attempt)
        if let fault, let held = await hold(delivery, attempt: attempt, fault: fault, at: startedAt) {
            // Not sent on this try, on purpose: journaled as the try's error.
            await record(delivery, attempt: attempt, outcome: .retry(notBefore: held.until), failure: held.reason,
                         journal: DeliveryAttempt(sequence: delivery.sequence, attempt: attempt, at: startedAt.millisecondsSinceEpoch,
                                                  status: nil, error: held.reason, durationMilliseconds: 0),
                         receiverAnswered: true)
            return
        }
        var body = delivery.body
        if case .legacyFormat(let legacy) = fault { body = legacy }
        do {
            let token = try await keys.callbackToken(appId: delivery.appId, tenantId: delivery.tenantId)
            var headers = [
                ("Content-Type", "application/json"),
                ("Accept", "application/json"),
                ("Authorization", "Bearer \(token)"),
                ("User-Agent", "Switchboard (Microsoft-Skype/3.0,(Calling/1.0) compatible)"),
                // The same on every try of this notification, across restarts: a bot
                // drops repeats by it (delivery is at least once).
                (Self.deliveryIdHeader, String(delivery.sequence)),
                (Self.deliveryAttemptHeader, String(attempt)),
            ]
            if delivery.createdAt != 0 {
                headers.append((Self.committedAtHeader, Timestamp(millisecondsSinceEpoch: delivery.createdAt).iso8601Milliseconds))
            }
            response = try await transport.post(url: delivery.url, headers: headers, body: body, timeout: configuration.requestTimeout)
            if let status = response?.status, !(200..<300).contains(status) { failure = "HTTP \(status)" }
            if case .duplicate = fault, failure.isEmpty {
                _ = try? await transport.post(url: delivery.url, headers: headers, body: body, timeout: configuration.requestTimeout)
                failure = "fault: sent twice"
            }
        } catch {
            failure = String(describing: error)
        }
        let status = response?.status
        var outcome = configuration.retryPolicy.outcome(
            status: status, attempt: attempt,
            createdAt: delivery.createdAt == 0 ? nil : Timestamp(millisecondsSinceEpoch: delivery.createdAt),
            now: clock.now(), random: configuration.random()
        )
        if status == 302 {
            // The bot moves the call elsewhere (reference §5.8): this notification and every
            // later one go there, tried again at once.
            switch await move(delivery, to: response?.location) {
            case .success(let target):
                failure = "HTTP 302: moved to \(target)"
                outcome = .retry(notBefore: clock.now())
            case .failure(let reason):
                failure = "HTTP 302: \(reason)"
            }
        }
        if case .legacyFormat = fault, let status {
            if status == 204 {
                // The bot asked for Graph's format (reference §5.8): the same notification, now.
                failure = "fault: legacy format; answered 204, sent again in Graph's format"
                outcome = .retry(notBefore: clock.now())
            } else if (200..<300).contains(status) {
                failure = "fault: legacy format; answered \(status), not 204, so Graph's format is not sent"
            }
        }
        let journal = DeliveryAttempt(
            sequence: delivery.sequence, attempt: attempt, at: startedAt.millisecondsSinceEpoch, status: status,
            error: failure.isEmpty ? nil : failure, durationMilliseconds: started.duration(to: .now).milliseconds
        )
        await record(delivery, attempt: attempt, outcome: outcome, failure: failure, journal: journal, receiverAnswered: status.map { $0 < 500 } ?? false)
    }

    /// Whether a fault keeps `delivery` from being sent on this try, until when and why; the
    /// queue is rearranged for a reorder.
    private func hold(_ delivery: Delivery, attempt: Int, fault: DeliveryFault, at now: Timestamp) -> (until: Timestamp, reason: String)? {
        switch fault {
        case .drop:
            let until = configuration.retryPolicy.outcome(status: nil, attempt: attempt, now: now, random: configuration.random())
            guard case .retry(let notBefore) = until else { return (now, "fault: dropped (not sent)") }
            return (notBefore, "fault: dropped (not sent)")
        case .delay(let duration):
            return (now.advanced(by: duration), "fault: held back \(duration.milliseconds) ms")
        case .reorder(let window):
            guard var queue = queues[delivery.callId], queue.first?.sequence == delivery.sequence else { return nil }
            if queue.count > 1 {
                queue.swapAt(0, 1)
                queues[delivery.callId] = queue
                return (now, "fault: held back behind notification \(queue[0].sequence)")
            }
            awaitingReorder[delivery.callId] = delivery.sequence
            return (now.advanced(by: window), "fault: held back up to \(window.milliseconds) ms for the next notification to overtake it")
        case .duplicate, .legacyFormat:
            return nil
        }
    }

    /// Why a 302 could not move a call.
    struct MoveRefused: Error, CustomStringConvertible {
        var description: String
    }

    /// Moves `delivery`'s call to `location` (checked as a callback URI), in the store first.
    private func move(_ delivery: Delivery, to location: String?) async -> Result<String, MoveRefused> {
        guard let location, !location.isEmpty else { return .failure(MoveRefused(description: "no Location to move the call to")) }
        do {
            try configuration.callbackPolicy.check(location)
        } catch {
            return .failure(MoveRefused(description: "Location refused: \(error.message)"))
        }
        let moved = moves[delivery.sequence, default: 0]
        guard moved < Self.maxMoves else {
            return .failure(MoveRefused(description: "moved \(moved) times already; treated as a failure"))
        }
        guard let callbackMover else { return .failure(MoveRefused(description: "calls cannot move here")) }
        do {
            try await callbackMover(delivery.callId, location)
        } catch {
            return .failure(MoveRefused(description: "the move could not be stored: \(error)"))
        }
        moves[delivery.sequence] = moved + 1
        if var queue = queues[delivery.callId] {
            for index in queue.indices { queue[index].url = location }
            queues[delivery.callId] = queue
        }
        return .success(location)
    }

    /// How many times one notification may move its call before a 302 counts as a failure.
    static let maxMoves = 5

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

    /// Stores a try's outcome and hands it to the loop, which brings the queues up to date.
    private nonisolated func record(
        _ delivery: Delivery, attempt: Int, outcome: RetryPolicy.Outcome, failure: String, journal: DeliveryAttempt, receiverAnswered: Bool
    ) async {
        let stored: Result<Void, any Error>
        do {
            switch outcome {
            case .delivered:
                try await store.markDelivered(sequence: delivery.sequence, attempt: journal)
            case .retry(let notBefore):
                try await store.markFailed(sequence: delivery.sequence, attempts: attempt, notBefore: notBefore.millisecondsSinceEpoch, error: failure, dead: false, attempt: journal)
            case .deadLetter:
                try await store.markFailed(sequence: delivery.sequence, attempts: attempt, notBefore: clock.now().millisecondsSinceEpoch, error: failure, dead: true, attempt: journal)
            }
            stored = .success(())
        } catch {
            stored = .failure(error)
        }
        inbox.withLock { inbox in
            inbox.outcomes.append(TryOutcome(
                delivery: delivery, attempt: attempt, outcome: outcome, failure: failure, stored: stored, receiverAnswered: receiverAnswered,
                at: clock.now()
            ))
        }
        wakeup.signal()
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
