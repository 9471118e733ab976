import Synchronization

/// A level-triggered wake-up for a long-running loop: ``signal()`` from anywhere; the loop
/// ``wait()``s. A signal given while nobody waits is kept for the next wait, so no wake-up
/// is ever lost. One waiter at a time.
public final class Wakeup: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    public init() {}

    /// Wakes the waiter, or the next one to wait.
    public func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns once signalled (at once if a signal is pending), or when the task is cancelled.
    /// Runs in the caller's isolation: an actor's loop waiting here does not hop off the
    /// actor to wait and back on to go on (a trip through the scheduler each way).
    public func wait(isolation: isolated (any Actor)? = #isolation) async {
        await withTaskCancellationHandler {
            await suspend(isolation: isolation)
        } onCancel: {
            signal()
        }
    }

    private func suspend(isolation: isolated (any Actor)?) async {
        await withCheckedContinuation(isolation: isolation) { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.pending {
                    state.pending = false
                    return true
                }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}

/// Receives outbox entries right after they were committed (the webhook dispatcher).
public protocol OutboxListener: Sendable {
    func enqueue(_ deliveries: [Delivery]) async
    /// Forgets every delivery handed over (the store was reset).
    func reset() async
}
