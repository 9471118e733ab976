import CallRuntime
import GraphModel
import Hummingbird

/// `/communications/calls/{id}/operations`: the operations a call ran, as they are now.
struct OperationsResource: GraphResourceHandler {
    func handle(_ r: GraphRequest) async throws -> Response {
        try r.allow(.get)
        switch r.path.resource {
        case .operations(let id):
            return try r.collection(try await r.call(id).operations, context: "communications/calls('\(id)')/operations")
        case .operation(let id, let operationId):
            guard let operation = try await r.call(id).operation(operationId) else {
                throw GraphError.notFound("Operation '\(operationId)' was not found in call '\(id)'.")
            }
            return try r.entity(operation, context: "communications/calls('\(id)')/operations/$entity")
        default:
            throw GraphError.badRequest("Resource not found for the segment.")
        }
    }
}
