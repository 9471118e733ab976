import GraphModel
import Synchronization

/// A clock that moves only when it is told to: by a test, or by the control API when the
/// server runs with `--clock manual`. Sleepers wake when ``advance(by:)`` passes their
/// deadline; nothing ever really sleeps.
public final class ManualClock: WallClock {
    private struct Sleeper {
        var deadline: Timestamp
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Timestamp
        var sleepers: [Int: Sleeper] = [:]
        var nextId = 0
    }

    private let state: Mutex<State>

    /// Starts at `start` (default 2026-11-23T00:00:00Z).
    public init(start: Timestamp = Timestamp(millisecondsSinceEpoch: 1_795_392_000_000)) {
        state = Mutex(State(now: start))
    }

    public func now() -> Timestamp { state.withLock { $0.now } }

    /// How many tasks are sleeping on this clock.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// The earliest deadline anyone sleeps until.
    public var nextDeadline: Timestamp? { state.withLock { $0.sleepers.values.map(\.deadline).min() } }

    public func sleep(until deadline: Timestamp) async throws {
        let id = state.withLock { state -> Int in
            state.nextId += 1
            return state.nextId
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow = state.withLock { state -> Bool in
                    if deadline <= state.now || Task.isCancelled { return true }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let sleeper = state.withLock { $0.sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
        try Task.checkCancellation()
    }

    /// Moves time forward and wakes every sleeper whose deadline has come.
    public func advance(by duration: Duration) {
        advance(to: now().advanced(by: duration))
    }

    /// Sets the time, back as well as forward (a restored snapshot's time); sleepers whose
    /// deadline has come wake.
    public func set(to instant: Timestamp) {
        state.withLock { $0.now = instant }
        advance(to: instant)
    }

    /// Moves time forward to `instant` (never back) and wakes every sleeper whose deadline
    /// has come.
    public func advance(to instant: Timestamp) {
        let woken = state.withLock { state -> [Sleeper] in
            state.now = max(state.now, instant)
            let now = state.now
            let due = state.sleepers.filter { $0.value.deadline <= now }
            for id in due.keys { state.sleepers[id] = nil }
            return due.values.sorted { $0.deadline < $1.deadline }
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }
}
