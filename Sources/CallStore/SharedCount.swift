import Synchronization

/// A count one side writes and any side reads at once, or waits on until it is low enough:
/// the overload guard reads the dispatcher's backlog on every request and paces writers on
/// it; requests wait on the runtime's restore (1 while it runs).
public final class SharedCount: Sendable {
    private struct Waiter {
        var limit: Int
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var value = 0
        var waiters: [Int: Waiter] = [:]
        var nextWaiter = 0
        /// Waiters given an id and not yet registered, and those of them already cancelled.
        var unregistered: Set<Int> = []
        var cancelled: Set<Int> = []
    }

    private let state = Mutex(State())

    public init() {}

    /// The count now.
    public var current: Int { state.withLock { $0.value } }

    /// How many wait for the count to fall (requests being paced).
    public var waiting: Int { state.withLock { $0.waiters.count } }

    /// Sets the count; whoever waits for it to be this low goes on.
    public func set(_ value: Int) {
        change { $0 = value }
    }

    /// Adds `delta` to the count.
    public func add(_ delta: Int) {
        change { $0 += delta }
    }

    private func change(_ update: (inout Int) -> Void) {
        let released = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            update(&state.value)
            let value = state.value
            guard !state.waiters.isEmpty else { return [] }
            let due = state.waiters.filter { $0.value.limit >= value }
            for id in due.keys { state.waiters[id] = nil }
            return due.sorted { $0.key < $1.key }.map(\.value.continuation)
        }
        for continuation in released { continuation.resume() }
    }

    /// Returns once the count is at most `limit` (at once if it is), or when the task is cancelled.
    public func wait(untilAtMost limit: Int) async {
        let id = state.withLock { state -> Int? in
            guard state.value > limit else { return nil }
            state.nextWaiter += 1
            state.unregistered.insert(state.nextWaiter)
            return state.nextWaiter
        }
        guard let id else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    state.unregistered.remove(id)
                    if state.cancelled.remove(id) != nil || state.value <= limit { return true }
                    state.waiters[id] = Waiter(limit: limit, continuation: continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
                // Not registered yet: it goes on as soon as it is. Already released: nothing to do.
                if state.unregistered.contains(id) { state.cancelled.insert(id) }
                return nil
            }
            waiter?.continuation.resume()
        }
    }
}
