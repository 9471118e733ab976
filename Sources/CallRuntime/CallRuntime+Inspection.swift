import CallEngine
import CallStore
import GraphModel

/// What the inspector, metrics and the control API read of the runtime, and the observers
/// told of its changes.
extension CallRuntime {
    /// Whether call `id` is live (any application's).
    public func isLive(_ id: String) async throws -> Bool {
        if shared { return try await store.call(id: id) != nil }
        return machines.withLock { $0[id] != nil }
    }

    /// Live calls (any application's) by Graph's state, from their summaries: for metrics.
    /// Calls stored by a release that kept no state in the summary count as `unknownFutureValue`.
    public func callCountsByState() async throws -> [CallState: Int] {
        var counts: [CallState: Int] = [:]
        if shared {
            for entry in try await store.callSummaries() {
                counts[entry.summary.flatMap(MachineSummary.init(parsing:))?.state ?? .unknownFutureValue, default: 0] += 1
            }
            return counts
        }
        machines.withLock { slots in
            for slot in slots.values {
                switch slot {
                case .loaded(let state): counts[state.machine.state, default: 0] += 1
                case .stored(_, _, _, let state): counts[state ?? .unknownFutureValue, default: 0] += 1
                }
            }
        }
        return counts
    }

    /// Whether other nodes share the store (then only what the store says is the whole picture).
    public var isShared: Bool { shared }

    /// Live calls (any application's), in id order, at most `limit`: for the inspector.
    public func liveCalls(limit: Int) async throws -> [CallMachine] {
        await restored()
        let ids = shared ? try await store.callSummaries().map(\.id) : machines.withLock { Array($0.keys) }.sorted()
        var calls: [CallMachine] = []
        for id in ids.prefix(limit) {
            if let machine = try await loadedState(id)?.machine { calls.append(machine) }
        }
        return calls
    }

    /// Live calls (on a shared store, on every node).
    public func activeCallCount() async throws -> Int {
        if shared { return try await store.callCount() }
        return machines.withLock { $0.count }
    }

    /// Calls `observer` after each change this node commits, in commit order per call.
    public func observe(_ observer: @escaping @Sendable (CallUpdate) -> Void) {
        observers.withLock { $0.append(observer) }
    }

    /// Calls `observer` whenever what the store held is forgotten: a reset or a snapshot
    /// restored, through this node or another.
    public func observeForgetting(_ observer: @escaping @Sendable () -> Void) {
        forgetters.withLock { $0.append(observer) }
    }

    func forgotten() {
        for observer in forgetters.withLock({ $0 }) { observer() }
    }
}
