import CallStore
import Foundation
import World

/// On a shared store the world's changes (faults, meetings' attendees) are the deployment's:
/// kept in one setting, and every node told when they change.
extension CallRuntime {
    /// Keeps the world's changes for the deployment and tells the other nodes: that the world
    /// changed, or (`resetting`) that the store was reset or replaced, so they forget what
    /// they hold and then read the world again.
    public func shareWorld(resetting: Bool = false) async throws {
        guard let shared = store as? any SharedCallStore else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let changes = String(decoding: try encoder.encode(world.changes), as: UTF8.self)
        let message: ClusterMessage = resetting ? .reset(from: shared.nodeId) : .world(from: shared.nodeId)
        try await shared.broadcast(message.text, setting: (ClusterMessage.worldSetting, changes))
    }

    /// Takes the deployment's world changes, if another node has kept any (when this node
    /// starts, and when it is told they changed).
    public func adoptSharedWorld() async throws {
        guard store is any SharedCallStore, let changes = try await store.setting(ClusterMessage.worldSetting) else { return }
        world.adopt(try JSONDecoder().decode(WorldChanges.self, from: Data(changes.utf8)))
    }
}
