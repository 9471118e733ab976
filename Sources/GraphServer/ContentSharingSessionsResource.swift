import CallRuntime
import GraphModel
import Hummingbird

/// `/communications/calls/{id}/contentSharingSessions`: list and get.
struct ContentSharingSessionsResource: GraphResourceHandler {
    func handle(_ r: GraphRequest) async throws -> Response {
        try r.allow(.get)
        switch r.path.resource {
        case .callCollection(let id, _):
            return try r.collection(try await r.call(id).contentSharingSessions, context: "communications/calls('\(id)')/contentSharingSessions")
        case .callCollectionItem(let id, _, let sessionId):
            guard let session = try await r.call(id).contentSharingSessions.first(where: { $0.id == sessionId }) else {
                throw GraphError.notFound("Content sharing session '\(sessionId)' was not found in call '\(id)'.")
            }
            return try r.entity(session, context: "communications/calls('\(id)')/contentSharingSessions/$entity")
        default:
            throw GraphError.badRequest("Resource not found for the segment.")
        }
    }
}
