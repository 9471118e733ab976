import CallStore
import Foundation
import GraphModel
import Synchronization
import Webhooks

/// A webhook receiver in memory: records every POST (headers and decoded body), answers
/// with the status the test sets, and lets a test wait for the n-th delivery.
public final class RecordingWebhookTransport: WebhookTransport {
    /// One POST as received.
    public struct Received: Sendable {
        public var url: String
        public var headers: [String: String]
        public var body: [UInt8]

        /// The body as the notifications Graph sends.
        public var notifications: CommsNotifications {
            get throws { try JSONDecoder().decode(CommsNotifications.self, from: Data(body)) }
        }

        /// The first notification's call, when its resourceData is one call.
        public var call: Call? {
            guard case .single(.call(let call))? = try? notifications.value.first?.resourceData else { return nil }
            return call
        }
    }

    private struct State {
        var accepted: [Received] = []
        var attempts = 0
        var started = 0
        var status = 202
        /// Answers by URL, ahead of `status` (a bot that moves its calls).
        var responder: (@Sendable (String) -> WebhookResponse?)?
        var waiters: [Waiter] = []
        var nextWaiter = 0

        /// Removes and returns the waiters whose condition now holds.
        mutating func satisfied() -> [CheckedContinuation<Void, Never>] {
            let ready = waiters.filter { (($0.counts == .accepted) ? accepted.count : attempts) >= $0.count }
            waiters.removeAll { (($0.counts == .accepted) ? accepted.count : attempts) >= $0.count }
            return ready.map(\.continuation)
        }
    }

    private struct Waiter {
        enum Counts { case accepted, attempts }
        var id: Int
        var counts: Counts
        var count: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    private let state = Mutex(State())
    /// 1 while POSTs are held (``hold(urlsStartingWith:)``), 0 otherwise.
    private let held = SharedCount()
    private let heldPrefix = Mutex("")

    public init() {}

    /// Keeps every POST from now on (to URLs starting with `prefix`; all by default)
    /// waiting, unanswered, until ``release()``: a receiver that has stopped answering, with
    /// the dispatcher's tries piling up in flight. They count as attempts at once.
    public func hold(urlsStartingWith prefix: String = "") {
        heldPrefix.withLock { $0 = prefix }
        held.set(1)
    }

    /// Lets the held POSTs, and those to come, through.
    public func release() {
        held.set(0)
    }

    /// The status answered from now on (202 by default; anything else is a failure).
    public func respond(with status: Int) {
        state.withLock { $0.status = status }
    }

    /// Answers POSTs to the URLs `responder` knows (returning non-nil) its own way; the rest
    /// get the status set by ``respond(with:)``.
    public func respond(_ responder: @escaping @Sendable (String) -> WebhookResponse?) {
        state.withLock { $0.responder = responder }
    }

    /// POSTs answered with 2xx, in arrival order.
    public var accepted: [Received] { state.withLock { $0.accepted } }

    /// Every POST, successful or not.
    public var attempts: Int { state.withLock { $0.attempts } }

    /// The POSTs among ``attempts`` that were started without waiting (``start(url:headers:body:timeout:completion:)``).
    public var started: Int { state.withLock { $0.started } }

    /// Returns once at least `count` POSTs were accepted.
    public func waitForAccepted(_ count: Int) async {
        await wait(.accepted, count)
    }

    /// Returns once at least `count` POSTs were attempted.
    public func waitForAttempts(_ count: Int) async {
        await wait(.attempts, count)
    }

    /// Waits until the condition holds, or the task is cancelled (a test's time limit): a
    /// test whose notification never comes fails instead of hanging.
    private func wait(_ counts: Waiter.Counts, _ count: Int) async {
        let id = state.withLock { state -> Int in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                    state.waiters.append(Waiter(id: id, counts: counts, count: count, continuation: continuation))
                    var ready = state.satisfied()
                    if Task.isCancelled, let index = state.waiters.firstIndex(where: { $0.id == id }) {
                        ready.append(state.waiters.remove(at: index).continuation)
                    }
                    return ready
                }
                for waiter in ready { waiter.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            waiter?.resume()
        }
    }

    public func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async throws -> WebhookResponse {
        countAttempt()
        if isHeld(url) {
            await held.wait(untilAtMost: 0)
            try Task.checkCancellation()
        }
        return answer(url: url, headers: headers, body: body)
    }

    /// Answers at once, unless the POST is to be held (then it is left to ``post(url:headers:body:timeout:)``).
    public func start(
        url: String, headers: [(String, String)], body: [UInt8], timeout: Duration,
        completion: @escaping @Sendable (Result<WebhookResponse, any Error>) -> Void
    ) -> Bool {
        guard !isHeld(url) else { return false }
        state.withLock { $0.started += 1 }
        countAttempt()
        completion(.success(answer(url: url, headers: headers, body: body)))
        return true
    }

    private func isHeld(_ url: String) -> Bool {
        held.current > 0 && url.hasPrefix(heldPrefix.withLock { $0 })
    }

    private func countAttempt() {
        let started = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.attempts += 1
            return state.satisfied()
        }
        for continuation in started { continuation.resume() }
    }

    private func answer(url: String, headers: [(String, String)], body: [UInt8]) -> WebhookResponse {
        let (response, ready) = state.withLock { state -> (WebhookResponse, [CheckedContinuation<Void, Never>]) in
            let response = state.responder?(url) ?? WebhookResponse(status: state.status)
            if (200..<300).contains(response.status) {
                state.accepted.append(Received(url: url, headers: Dictionary(headers, uniquingKeysWith: { $1 }), body: body))
            }
            return (response, state.satisfied())
        }
        for continuation in ready { continuation.resume() }
        return response
    }
}
