import CallEngine
import CallRuntime
import GraphModel
import Hummingbird

/// `/communications/calls`: create (place a call, join a meeting), get, hang up, and the
/// action bound to the collection (`logTeleconferenceDeviceQuality`).
struct CallsResource: GraphResourceHandler {
    func handle(_ r: GraphRequest) async throws -> Response {
        switch r.path.resource {
        case .calls:
            try r.allow(.post)
            let body = try await r.body(Call.self)
            let call = try await r.runtime.placeCall(body, caller: r.caller, profile: r.profile)
            let id = call.id ?? ""
            return try r.entity(call, status: .created, context: "communications/calls/$entity",
                                headers: [.location: GraphPath.callLocation(base: r.base, id: id)])

        case .call(let id):
            try r.allow(.get, .delete)
            if r.method == .delete {
                try await r.runtime.hangUp(id: id, caller: r.caller)
                return Response(status: .noContent)
            }
            return try r.entity(try await r.call(id).graphCall, context: "communications/calls/$entity")

        case .callsAction:
            try r.allow(.post)
            try ActionPermissions.check("logTeleconferenceDeviceQuality", r.caller)
            let body = try await r.body(LogTeleconferenceDeviceQualityRequest.self)
            guard let quality = body.quality else {
                throw GraphError.badRequest("logTeleconferenceDeviceQuality needs 'quality'.")
            }
            guard quality.callChainId?.isEmpty == false, quality.mediaLegId?.isEmpty == false else {
                throw GraphError.badRequest("quality needs callChainId and mediaLegId.")
            }
            return Response(status: .ok)

        default:
            throw GraphError.badRequest("Resource not found for the segment.")
        }
    }
}
