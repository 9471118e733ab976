import CallStore
import GraphModel

/// The server's clock as the control API shows and moves it.
///
/// With `--clock manual` every timer (ringing, prompts, recordings, keepAlive expiry, far-end
/// timelines, webhook retries) runs on a ``ManualClock`` that moves only when ``advance(by:)``
/// says: it steps the clock from one due timer to the next, firing each (and everything it
/// causes, signals to other calls included) before moving on, so when it returns everything
/// due by then has happened, in time order. A 45-minute keepAlive test takes milliseconds.
public final class ClockControl: Sendable {
    public enum Mode: String, Sendable {
        case real, manual
    }

    public enum Refusal: Error, Sendable, Hashable {
        /// The clock is real: it cannot be moved.
        case notManual
    }

    private let wallClock: any WallClock
    private let manual: ManualClock?
    private let runtime: CallRuntime

    /// The real clock, or a manual one (the runtime's timers must then be `.driven`).
    public init(clock: any WallClock, runtime: CallRuntime) {
        wallClock = clock
        manual = clock as? ManualClock
        self.runtime = runtime
    }

    public var mode: Mode { manual == nil ? .real : .manual }
    public var now: Timestamp { wallClock.now() }

    /// Moves a manual clock forward by `duration`, running everything that comes due. With
    /// several nodes, the clock is the deployment's: the timers of every call in the store
    /// come due in time order, and every node is told the new time (and a node that starts
    /// later reads it).
    public func advance(by duration: Duration) async throws {
        guard let manual else { throw Refusal.notManual }
        let timers = runtime.timers
        let shared = runtime.store as? any SharedCallStore
        _ = try await timers.drive {
            let target = manual.now().advanced(by: duration)
            var fired = manual.now().millisecondsSinceEpoch - 1
            while true {
                let stored = try await shared?.earliestTimer(after: fired).map(Timestamp.init(millisecondsSinceEpoch:))
                guard let next = [timers.nextDue(), stored].compactMap({ $0 }).min(), next <= target else { break }
                manual.advance(to: next)
                await timers.fireDue(now: manual.now())
                // Calls whose timers other nodes armed; each claimed once per change.
                try await runtime.fireStoredTimers(dueBy: next, lease: .seconds(60))
                fired = next.millisecondsSinceEpoch
            }
            manual.advance(to: target)
            try await publish(manual.now())
        }
    }

    /// Tells the other nodes the deployment's time (no-op on a store of one's own).
    func publish(_ now: Timestamp) async throws {
        guard let shared = runtime.store as? any SharedCallStore else { return }
        let milliseconds = now.millisecondsSinceEpoch
        try await shared.broadcast(
            ClusterMessage.clock(milliseconds: milliseconds, from: shared.nodeId).text, setting: (ClusterMessage.clockSetting, "\(milliseconds)")
        )
    }

    /// On a shared store, the manual clock starts where the deployment's is (the first node
    /// sets it). Call once at start.
    public func join() async throws {
        guard let manual, let shared = runtime.store as? any SharedCallStore else { return }
        let stored = try await shared.initializeSetting(ClusterMessage.clockSetting, value: "\(manual.now().millisecondsSinceEpoch)")
        if let milliseconds = Int64(stored) { manual.set(to: Timestamp(millisecondsSinceEpoch: milliseconds)) }
    }
}
