import Synchronization

/// The world as it is now: the one loaded at start, changed by the control API (attendees
/// joining and leaving meetings), and put back by a reset.
public final class WorldState: Sendable {
    /// The world as loaded.
    public let loaded: World
    private let state: Mutex<World>

    public init(_ world: World) {
        loaded = world
        state = Mutex(world)
    }

    /// The world now.
    public var current: World { state.withLock { $0 } }

    /// The faults now, without copying the rest of the world (read on every delivery and request).
    public var faults: FaultPlan { state.withLock { $0.faults } }

    /// Changes the world; `body` runs under the lock, so changes never interleave.
    public func update<T>(_ body: (inout World) throws -> T) rethrows -> T {
        try state.withLock { try body(&$0) }
    }

    /// What has changed since the world was loaded.
    public var changes: WorldChanges { WorldChanges(of: current) }

    /// The world as loaded, with `changes`.
    public func adopt(_ changes: WorldChanges) {
        let world = changes.applied(to: loaded)
        state.withLock { $0 = world }
    }

    /// Back to the world as loaded.
    public func reset() {
        state.withLock { $0 = loaded }
    }
}
