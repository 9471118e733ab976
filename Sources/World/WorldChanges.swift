/// What the control API has changed in the world since it was loaded: the faults, and who
/// is in each meeting. Nodes on one database keep it as one setting, so each node's world is
/// the deployment's.
public struct WorldChanges: Codable, Sendable, Hashable {
    public var faults: FaultPlan
    /// Attendees (user ids, in roster order) by meeting id, for every meeting.
    public var attendees: [String: [String]]

    /// The changeable part of `world`.
    public init(of world: World) {
        faults = world.faults
        attendees = Dictionary(world.meetings.map { ($0.id, $0.attendees) }, uniquingKeysWith: { first, _ in first })
    }

    /// `loaded` with these changes (meetings it does not have are left out).
    public func applied(to loaded: World) -> World {
        var world = loaded
        world.faults = faults
        for index in world.meetings.indices {
            if let attendees = attendees[world.meetings[index].id] { world.meetings[index].attendees = attendees }
        }
        return world
    }
}
