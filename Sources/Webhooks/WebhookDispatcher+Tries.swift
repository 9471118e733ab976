import CallStore
import GraphModel
import NetworkPolicy
import Synchronization

/// A try at a notification: started, answered, judged and stored.
///
/// Most tries start straight from the loop: the transport starts the POST and the answer
/// comes back to the inbox, where the loop judges it and hands what the turn's answers mean
/// to one task to store. Only what has to wait before it is sent — a fault injected, a
/// token to sign, a host name to resolve, a receiver the transport holds — or after it is
/// answered (a 302 moving the call) goes through a task of its own.
extension WebhookDispatcher {
    /// The header naming a notification, the same on every try.
    public static let deliveryIdHeader = "Switchboard-Delivery-Id"
    /// The header counting tries of a notification, from 1.
    public static let deliveryAttemptHeader = "Switchboard-Delivery-Attempt"
    /// The header giving when the change that caused a notification was committed (the
    /// server's clock, ISO 8601 UTC with milliseconds): how late it arrives.
    public static let committedAtHeader = "Switchboard-Committed-At"

    /// A try sent, with what came back.
    struct Answered: Sendable {
        var delivery: Delivery
        var attempt: Int
        var fault: DeliveryFault?
        var startedAt: Timestamp
        /// From the start of the try to its answer.
        var duration: Duration
        var result: Result<WebhookResponse, any Error>
        /// A duplicate fault sent it a second time.
        var sentTwice = false
    }

    /// What a try comes to, ready to be stored.
    struct Concluded: Sendable {
        var delivery: Delivery
        var attempt: Int
        var outcome: RetryPolicy.Outcome
        /// The try as journaled; its error is the try's failure.
        var journal: DeliveryAttempt
        var receiverAnswered: Bool

        /// Why the try failed (empty when it did not).
        var failure: String {
            get { journal.error ?? "" }
            set { journal.error = newValue.isEmpty ? nil : newValue }
        }
    }

    /// Starts a try at `delivery`, the oldest undelivered notification of its call, from the
    /// loop when nothing has to wait first, in a task of its own otherwise.
    func launch(_ delivery: Delivery, group: inout DiscardingTaskGroup) {
        let attempt = delivery.attempts + 1
        let fault = faults?.fault(for: delivery, attempt: attempt)
        if fault == nil, let token = keys.cachedCallbackToken(appId: delivery.appId, tenantId: delivery.tenantId) {
            let startedAt = clock.now()
            let started = ContinuousClock.now
            let began = transport.start(
                url: delivery.url, headers: Self.headers(for: delivery, attempt: attempt, token: token), body: delivery.body,
                timeout: configuration.requestTimeout
            ) { [self] result in
                answered(Answered(delivery: delivery, attempt: attempt, startedAt: startedAt, duration: started.duration(to: .now), result: result))
            }
            if began { return }
        }
        group.addTask { await self.attempt(delivery, attempt: attempt, fault: fault) }
    }

    /// Hands an answer to the loop.
    private nonisolated func answered(_ answer: Answered) {
        inbox.withLock { $0.answers.append(answer) }
        wakeup.signal()
    }

    /// The answers the loop took in one turn (tries it started, so with no fault injected):
    /// those that mean no more than an outcome to store are stored together by one task, in
    /// order; a 302 goes on in a task of its own, to move its call.
    func conclude(_ answers: [Answered], group: inout DiscardingTaskGroup) {
        var plain: [Concluded] = []
        for answer in answers {
            if (try? answer.result.get().status) == 302 {
                group.addTask { await self.conclude(answer) }
            } else {
                plain.append(judge(answer))
            }
        }
        if !plain.isEmpty { group.addTask { await self.record(plain) } }
    }

    /// The headers of a try at `delivery`.
    nonisolated static func headers(for delivery: Delivery, attempt: Int, token: String) -> [(String, String)] {
        var headers = [
            ("Content-Type", "application/json"),
            ("Accept", "application/json"),
            ("Authorization", "Bearer \(token)"),
            ("User-Agent", "Switchboard (Microsoft-Skype/3.0,(Calling/1.0) compatible)"),
            // The same on every try of this notification, across restarts: a bot
            // drops repeats by it (delivery is at least once).
            (deliveryIdHeader, String(delivery.sequence)),
            (deliveryAttemptHeader, String(attempt)),
        ]
        if delivery.createdAt != 0 {
            headers.append((committedAtHeader, Timestamp(millisecondsSinceEpoch: delivery.createdAt).iso8601Milliseconds))
        }
        return headers
    }

    /// One attempt at the oldest undelivered notification of a call, in a task of its own:
    /// what waits before it is sent (a fault, a token to sign, a name to resolve) runs here,
    /// off the actor, and the try comes onto it once, at the end.
    nonisolated func attempt(_ delivery: Delivery, attempt: Int, fault: DeliveryFault?) async {
        let startedAt = clock.now()
        let started = ContinuousClock.now
        if let fault, let held = await hold(delivery, attempt: attempt, fault: fault, at: startedAt) {
            // Not sent on this try, on purpose: journaled as the try's error.
            await record([Concluded(
                delivery: delivery, attempt: attempt, outcome: .retry(notBefore: held.until),
                journal: DeliveryAttempt(sequence: delivery.sequence, attempt: attempt, at: startedAt.millisecondsSinceEpoch,
                                         status: nil, error: held.reason, durationMilliseconds: 0),
                receiverAnswered: true
            )])
            return
        }
        var body = delivery.body
        if case .legacyFormat(let legacy) = fault { body = legacy }
        var sentTwice = false
        let result: Result<WebhookResponse, any Error>
        do {
            let token = try await keys.callbackToken(appId: delivery.appId, tenantId: delivery.tenantId)
            let headers = Self.headers(for: delivery, attempt: attempt, token: token)
            let response = try await transport.post(url: delivery.url, headers: headers, body: body, timeout: configuration.requestTimeout)
            if case .duplicate = fault, (200..<300).contains(response.status) {
                _ = try? await transport.post(url: delivery.url, headers: headers, body: body, timeout: configuration.requestTimeout)
                sentTwice = true
            }
            result = .success(response)
        } catch {
            result = .failure(error)
        }
        await conclude(Answered(
            delivery: delivery, attempt: attempt, fault: fault, startedAt: startedAt, duration: started.duration(to: .now),
            result: result, sentTwice: sentTwice
        ))
    }

    /// What an answer means by the retry policy alone (before a 302 or a fault's answer has
    /// its say).
    nonisolated func judge(_ answer: Answered) -> Concluded {
        var status: Int?
        var failure = ""
        switch answer.result {
        case .success(let response):
            status = response.status
            if !(200..<300).contains(response.status) { failure = "HTTP \(response.status)" }
            if answer.sentTwice, failure.isEmpty { failure = "fault: sent twice" }
        case .failure(let error):
            failure = String(describing: error)
        }
        let delivery = answer.delivery
        let outcome = configuration.retryPolicy.outcome(
            status: status, attempt: answer.attempt,
            createdAt: delivery.createdAt == 0 ? nil : Timestamp(millisecondsSinceEpoch: delivery.createdAt),
            now: clock.now(), random: configuration.random()
        )
        return Concluded(
            delivery: delivery, attempt: answer.attempt, outcome: outcome,
            journal: DeliveryAttempt(
                sequence: delivery.sequence, attempt: answer.attempt, at: answer.startedAt.millisecondsSinceEpoch, status: status,
                error: failure.isEmpty ? nil : failure, durationMilliseconds: answer.duration.milliseconds
            ),
            receiverAnswered: status.map { $0 < 500 } ?? false
        )
    }

    /// An answer's outcome, with what a 302 or a fault adds to it, stored.
    nonisolated func conclude(_ answer: Answered) async {
        var concluded = judge(answer)
        let status = concluded.journal.status
        if status == 302 {
            // The bot moves the call elsewhere (reference §5.8): this notification and every
            // later one go there, tried again at once.
            let location = try? answer.result.get().location
            switch await move(answer.delivery, to: location) {
            case .success(let target):
                concluded.failure = "HTTP 302: moved to \(target)"
                concluded.outcome = .retry(notBefore: clock.now())
            case .failure(let reason):
                concluded.failure = "HTTP 302: \(reason)"
            }
        }
        if case .legacyFormat = answer.fault, let status {
            if status == 204 {
                // The bot asked for Graph's format (reference §5.8): the same notification, now.
                concluded.failure = "fault: legacy format; answered 204, sent again in Graph's format"
                concluded.outcome = .retry(notBefore: clock.now())
            } else if (200..<300).contains(status) {
                concluded.failure = "fault: legacy format; answered \(status), not 204, so Graph's format is not sent"
            }
        }
        await record([concluded])
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

    /// Stores tries' outcomes, in order, and hands them to the loop, which brings the queues
    /// up to date.
    nonisolated func record(_ tries: [Concluded]) async {
        var outcomes: [TryOutcome] = []
        outcomes.reserveCapacity(tries.count)
        for tried in tries {
            let (delivery, attempt, journal) = (tried.delivery, tried.attempt, tried.journal)
            let stored: Result<Void, any Error>
            do {
                switch tried.outcome {
                case .delivered:
                    try await store.markDelivered(sequence: delivery.sequence, attempt: journal)
                case .retry(let notBefore):
                    try await store.markFailed(sequence: delivery.sequence, attempts: attempt, notBefore: notBefore.millisecondsSinceEpoch,
                                               error: tried.failure, dead: false, attempt: journal)
                case .deadLetter:
                    try await store.markFailed(sequence: delivery.sequence, attempts: attempt, notBefore: clock.now().millisecondsSinceEpoch,
                                               error: tried.failure, dead: true, attempt: journal)
                }
                stored = .success(())
            } catch {
                stored = .failure(error)
            }
            outcomes.append(TryOutcome(
                delivery: delivery, attempt: attempt, outcome: tried.outcome, failure: tried.failure, stored: stored,
                receiverAnswered: tried.receiverAnswered, at: clock.now()
            ))
        }
        inbox.withLock { $0.outcomes.append(contentsOf: outcomes) }
        wakeup.signal()
    }
}
