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

    /// Moves a manual clock forward by `duration`, running everything that comes due.
    public func advance(by duration: Duration) async throws {
        guard let manual else { throw Refusal.notManual }
        let timers = runtime.timers
        _ = try await timers.drive {
            let target = manual.now().advanced(by: duration)
            while let next = timers.nextDue(), next <= target {
                manual.advance(to: next)
                await timers.fireDue(now: manual.now())
            }
            manual.advance(to: target)
        }
    }
}
