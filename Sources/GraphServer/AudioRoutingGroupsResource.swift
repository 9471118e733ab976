import CallEngine
import CallRuntime
import GraphModel
import Hummingbird

/// `/communications/calls/{id}/audioRoutingGroups`: create (200, as Graph answers), list,
/// get, update, delete.
struct AudioRoutingGroupsResource: GraphResourceHandler {
    func handle(_ r: GraphRequest) async throws -> Response {
        switch r.path.resource {
        case .callCollection(let id, _):
            try r.allow(.get, .post)
            if r.method == .get {
                return try r.collection(try await r.call(id).audioRoutingGroups, context: "communications/calls('\(id)')/audioRoutingGroups")
            }
            let body = try await r.body(AudioRoutingGroup.self)
            let reply = try await r.perform(id) { planner, _ in try planner.createAudioRoutingGroup(body) }
            return try group(r, reply, callId: id)

        case .callCollectionItem(let id, _, let groupId):
            try r.allow(.get, .patch, .delete)
            switch r.method {
            case .get:
                guard let group = try await r.call(id).audioRoutingGroups.first(where: { $0.id == groupId }) else {
                    throw CallRuntimeError.engine(.audioRoutingGroupNotFound(groupId))
                }
                return try r.entity(group, context: "communications/calls('\(id)')/audioRoutingGroups/$entity")
            case .patch:
                let body = try await r.body(AudioRoutingGroup.self)
                let reply = try await r.perform(id) { planner, _ in try planner.updateAudioRoutingGroup(groupId, body) }
                return try group(r, reply, callId: id)
            default:
                _ = try await r.perform(id) { _, _ in .deleteAudioRoutingGroup(groupId) }
                return Response(status: .noContent)
            }

        default:
            throw GraphError.badRequest("Resource not found for the segment.")
        }
    }

    private func group(_ r: GraphRequest, _ reply: CallReply?, callId: String) throws -> Response {
        guard case .audioRoutingGroup(let group)? = reply else {
            throw GraphError(.internalServerError, code: "generalException", message: "An internal server error occurred.")
        }
        return try r.entity(group, context: "communications/calls('\(callId)')/audioRoutingGroups/$entity")
    }
}
