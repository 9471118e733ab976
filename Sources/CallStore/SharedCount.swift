import GraphModel
import Synchronization

/// A count one side writes and any side reads at once, or waits on until it is low enough:
/// the overload guard reads the dispatcher's backlog on every request and paces writers on
/// it; requests wait on the runtime's restore (1 while it runs).
///
/// Waits may have a deadline. One task sleeps on the clock until the earliest of them, and
/// only while someone waits with one, so a clock that tests move by hand sees the same
/// deadlines as if each waiter slept on its own, without a task per waiter.
public final class SharedCount: Sendable {
    private struct Waiter {
        var limit: Int
        var deadline: Timestamp?
        var continuation: CheckedContinuation<Void, Never>
    }

    private struct State {
        var value = 0
        var waiters: [Int: Waiter] = [:]
        var nextWaiter = 0
        /// Waiters given an id and not yet registered, and those of them already cancelled.
        var unregistered: Set<Int> = []
        var cancelled: Set<Int> = []
        /// The task waking waiters at their deadlines, and which one is current: a sleeper
        /// whose generation has passed stops at its next step.
        var sleeper: Task<Void, Never>?
        var generation = 0
        var sleeperWanted = false
        /// The deadline the current sleeper sleeps until.
        var sleepingUntil: Timestamp?

        /// Takes out the waiters `isDue` picks, in the order they came, to be resumed.
        mutating func release(where isDue: (Waiter) -> Bool) -> [CheckedContinuation<Void, Never>] {
            let due = waiters.filter { isDue($0.value) }
            for id in due.keys { waiters[id] = nil }
            return due.sorted { $0.key < $1.key }.map(\.value.continuation)
        }

        /// Stops the sleeper when nobody waits with a deadline any more; returns it to cancel.
        mutating func sleeperNoLongerNeeded() -> Task<Void, Never>? {
            guard sleeperWanted, !waiters.values.contains(where: { $0.deadline != nil }) else { return nil }
            return stopSleeper()
        }

        mutating func stopSleeper() -> Task<Void, Never>? {
            sleeperWanted = false
            generation += 1
            sleepingUntil = nil
            defer { sleeper = nil }
            return sleeper
        }
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
        let (released, stopped) = state.withLock { state -> ([CheckedContinuation<Void, Never>], Task<Void, Never>?) in
            update(&state.value)
            let value = state.value
            guard !state.waiters.isEmpty else { return ([], nil) }
            let released = state.release { $0.limit >= value }
            return (released, released.isEmpty ? nil : state.sleeperNoLongerNeeded())
        }
        stopped?.cancel()
        for continuation in released { continuation.resume() }
    }

    /// Returns once the count is at most `limit` (at once if it is), or when the task is
    /// cancelled.
    public func wait(untilAtMost limit: Int) async {
        await wait(limit, until: nil)
    }

    /// Returns once the count is at most `limit` (at once if it is), when the task is
    /// cancelled, or once `clock` reaches `deadline`.
    public func wait(untilAtMost limit: Int, orUntil deadline: Timestamp, on clock: any WallClock) async {
        guard deadline > clock.now() else { return }
        await wait(limit, until: (deadline, clock))
    }

    private func wait(_ limit: Int, until due: (deadline: Timestamp, clock: any WallClock)?) async {
        let deadline = due?.deadline
        let id = state.withLock { state -> Int? in
            guard state.value > limit else { return nil }
            state.nextWaiter += 1
            state.unregistered.insert(state.nextWaiter)
            return state.nextWaiter
        }
        guard let id else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let (resumeNow, sleeper) = state.withLock { state -> (Bool, (generation: Int, replaced: Task<Void, Never>?)?) in
                    state.unregistered.remove(id)
                    if state.cancelled.remove(id) != nil || state.value <= limit { return (true, nil) }
                    state.waiters[id] = Waiter(limit: limit, deadline: deadline, continuation: continuation)
                    guard let deadline else { return (false, nil) }
                    // A sleeper already wakes in time (or is about to start and will look).
                    if state.sleeperWanted, state.sleepingUntil.map({ $0 <= deadline }) ?? true { return (false, nil) }
                    let replaced = state.stopSleeper()
                    state.sleeperWanted = true
                    return (false, (state.generation, replaced))
                }
                if resumeNow { continuation.resume() }
                if let sleeper, let clock = due?.clock {
                    sleeper.replaced?.cancel()
                    startSleeper(generation: sleeper.generation, clock: clock)
                }
            }
        } onCancel: {
            let (waiter, stopped) = state.withLock { state -> (Waiter?, Task<Void, Never>?) in
                if let waiter = state.waiters.removeValue(forKey: id) { return (waiter, state.sleeperNoLongerNeeded()) }
                // Not registered yet: it goes on as soon as it is. Already released: nothing to do.
                if state.unregistered.contains(id) { state.cancelled.insert(id) }
                return (nil, nil)
            }
            stopped?.cancel()
            waiter?.continuation.resume()
        }
    }

    private func startSleeper(generation: Int, clock: any WallClock) {
        let task = Task { await sleep(generation: generation, clock: clock) }
        let current = state.withLock { state -> Bool in
            guard state.generation == generation else { return false }
            state.sleeper = task
            return true
        }
        if !current { task.cancel() }
    }

    /// Sleeps until the earliest deadline of those waiting, releases whoever has reached
    /// theirs, and goes on while anyone waits with one.
    private func sleep(generation: Int, clock: any WallClock) async {
        while true {
            let next = state.withLock { state -> Timestamp? in
                guard state.generation == generation else { return nil }
                let next = state.waiters.values.compactMap(\.deadline).min()
                state.sleepingUntil = next
                if next == nil { _ = state.stopSleeper() }
                return next
            }
            guard let next, (try? await clock.sleep(until: next)) != nil else { return }
            let now = clock.now()
            let expired = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                guard state.generation == generation else { return [] }
                return state.release { $0.deadline.map { $0 <= now } ?? false }
            }
            for continuation in expired { continuation.resume() }
        }
    }
}
