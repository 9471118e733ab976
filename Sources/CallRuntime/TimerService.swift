import CallEngine
import CallStore
import GraphModel
import HeapModule
import Synchronization
import ServiceLifecycle

/// Fires the calls' timers on the injected clock.
///
/// It keeps an index of armed timers (earliest first) and feeds each one that comes due
/// back to the runtime. Entries are never removed early: a timer that was re-armed or
/// cancelled arrives with an old generation and the engine ignores it.
///
/// In `.automatic` mode it sleeps on the clock until the earliest timer is due. In
/// `.driven` mode (the virtual clock) it never waits for time: ``ClockControl`` moves the
/// clock and fires what comes due, in order; the service only fires timers armed already due.
public final class TimerService: Service, Sendable {
    public enum Mode: Sendable {
        case automatic, driven
    }

    struct Entry: Comparable, Sendable {
        var due: Timestamp
        var callId: String
        var name: CallTimer.Name
        var generation: Int

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            (lhs.due, lhs.generation) < (rhs.due, rhs.generation)
        }
    }

    private let clock: any WallClock
    private let heap = Mutex(Heap<Entry>())
    private let wakeup = Wakeup()
    private let fire: @Sendable (String, CallTimer.Name, Int) async -> Void
    public let mode: Mode
    /// Held while timers are fired in `.driven` mode, so one advance runs alone.
    private let driving = KeyedLock()

    init(clock: any WallClock, mode: Mode = .automatic, fire: @escaping @Sendable (String, CallTimer.Name, Int) async -> Void) {
        self.clock = clock
        self.mode = mode
        self.fire = fire
    }

    /// Forgets every armed timer.
    func reset() {
        heap.withLock { $0 = Heap() }
    }

    /// When the earliest armed timer is due.
    /// Timers armed on this node, and how many of them are due by `now` and not fired yet:
    /// for metrics. (A timer re-armed since counts until its old entry comes up.)
    public func backlog(now: Timestamp) -> (armed: Int, overdue: Int) {
        heap.withLock { heap in (heap.count, heap.unordered.count { $0.due <= now }) }
    }

    func nextDue() -> Timestamp? {
        heap.withLock { $0.min?.due }
    }

    /// Fires every timer due at or before `now`, earliest first, each to completion
    /// (timers armed meanwhile and already due included).
    func fireDue(now: Timestamp) async {
        while let entry = heap.withLock({ heap -> Entry? in
            guard let first = heap.min, first.due <= now else { return nil }
            return heap.removeMin()
        }) {
            await fire(entry.callId, entry.name, entry.generation)
        }
    }

    /// Runs `body` while no other driven firing runs.
    func drive<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await driving.withLock("driving", body)
    }

    /// Arms many timers at once (the calls restored at start).
    func arm(_ entries: [(callId: String, timer: CallTimer)]) {
        guard !entries.isEmpty else { return }
        heap.withLock { heap in
            for (callId, timer) in entries {
                heap.insert(Entry(due: timer.due, callId: callId, name: timer.name, generation: timer.generation))
            }
        }
        wakeup.signal()
    }

    /// Arms `timer` for `callId`.
    func arm(_ timer: CallTimer, callId: String) {
        let isEarliest = heap.withLock { heap -> Bool in
            heap.insert(Entry(due: timer.due, callId: callId, name: timer.name, generation: timer.generation))
            return heap.min?.generation == timer.generation && heap.min?.callId == callId
        }
        if isEarliest { wakeup.signal() }
    }

    private let stopping = Mutex(false)

    public func run() async throws {
        if mode == .driven { return try await runDriven() }
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                var armedUntil: Timestamp?
                while !Task.isCancelled && !stopping.withLock({ $0 }) {
                    let now = clock.now()
                    if let armed = armedUntil, armed <= now { armedUntil = nil }
                    let due = heap.withLock { heap -> [Entry] in
                        var due: [Entry] = []
                        while let first = heap.min, first.due <= now { due.append(heap.removeMin()) }
                        return due
                    }
                    for share in Self.shares(of: due) {
                        group.addTask {
                            for entry in share { await self.fire(entry.callId, entry.name, entry.generation) }
                        }
                    }
                    // One sleeper for the earliest deadline; an earlier arrival signals sooner.
                    if let next = heap.withLock({ $0.min?.due }), armedUntil.map({ next < $0 }) ?? true {
                        armedUntil = next
                        let clock = self.clock
                        let wakeup = self.wakeup
                        group.addTask {
                            try? await clock.sleep(until: next)
                            wakeup.signal()
                        }
                    }
                    await wakeup.wait()
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.stopping.withLock { $0 = true }
            self.wakeup.signal()
        }
    }

    /// Timers fired one after another in one task, at most.
    static let timersPerTask = 4

    /// How the timers that came due at once are shared among tasks: at most
    /// ``timersPerTask`` each, in as few tasks as that takes, dealt in turn (each task fires
    /// its share earliest first). Under load many come due at once; a task per timer would
    /// be a trip through the scheduler per timer, while this way one slow commit still holds
    /// back only the few behind it in its task.
    static func shares<Element>(of due: [Element]) -> [[Element]] {
        let tasks = (due.count + timersPerTask - 1) / timersPerTask
        var shares = [[Element]](repeating: [], count: tasks)
        for (index, entry) in due.enumerated() { shares[index % tasks].append(entry) }
        return shares
    }

    /// `.driven` mode: fires only what is due already when something is armed.
    private func runDriven() async throws {
        try await withGracefulShutdownHandler {
            while !Task.isCancelled && !stopping.withLock({ $0 }) {
                await wakeup.wait()
                _ = try? await drive { await fireDue(now: clock.now()) }
            }
        } onGracefulShutdown: {
            self.stopping.withLock { $0 = true }
            self.wakeup.signal()
        }
    }
}
