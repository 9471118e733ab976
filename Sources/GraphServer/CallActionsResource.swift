import CallEngine
import CallRuntime
import GraphModel
import Hummingbird

/// `POST /communications/calls/{id}/{action}`: one entry per action of the calls API.
struct CallActionsResource: GraphResourceHandler {
    typealias Action = @Sendable (GraphRequest, String) async throws -> Response

    /// Every call action, by its canonical name.
    static let actions: [String: Action] = [
        "keepAlive": { r, id in
            try await r.runtime.keepAlive(id: id, caller: r.caller)
            return Response(status: .ok)
        },
        "mute": { r, id in try await mute(r, id, mute: true) },
        "unmute": { r, id in try await mute(r, id, mute: false) },
        "playPrompt": { r, id in
            let body = try await r.body(PlayPromptRequest.self)
            return try r.operation(try await r.perform(id) { planner, _ in try await planner.playPrompt(body) }, callId: id)
        },
        "recordResponse": { r, id in try await recordResponse(r, id) },
        // The 2019 beta name of recordResponse.
        "record": { r, id in try await recordResponse(r, id) },
        "cancelMediaProcessing": { r, id in
            let body = try await r.optionalBody(ClientContextRequest.self, default: ClientContextRequest())
            return try r.operation(try await r.perform(id) { planner, _ in try planner.cancelMediaProcessing(body) }, callId: id)
        },
        "subscribeToTone": { r, id in
            let body = try await r.optionalBody(ClientContextRequest.self, default: ClientContextRequest())
            return try r.operation(try await r.perform(id) { planner, _ in try planner.subscribeToTone(body) }, callId: id)
        },
        "sendDtmfTones": { r, id in
            let body = try await r.body(SendDtmfTonesRequest.self)
            return try r.operation(try await r.perform(id) { planner, _ in try planner.sendDtmfTones(body) }, callId: id)
        },
        "updateRecordingStatus": { r, id in
            let body = try await r.body(UpdateRecordingStatusRequest.self)
            return try r.operation(try await r.perform(id) { planner, _ in try planner.updateRecordingStatus(body) }, callId: id)
        },
        "changeScreenSharingRole": { r, id in
            let body = try await r.body(ChangeScreenSharingRoleRequest.self)
            _ = try await r.perform(id) { planner, _ in try planner.changeScreenSharingRole(body) }
            return Response(status: .accepted)
        },
        "addLargeGalleryView": { r, id in
            let body = try await r.optionalBody(ClientContextRequest.self, default: ClientContextRequest())
            let reply = try await r.perform(id) { planner, machine in try planner.addLargeGalleryView(body, machine: machine) }
            return try r.operation(reply, callId: id, status: .accepted)
        },
        "transfer": { r, id in
            let body = try await r.body(TransferRequest.self)
            let others = await r.otherCalls(named: [body.transferTarget?.replacesCallId])
            _ = try await r.perform(id) { planner, machine in
                try planner.transfer(body, machine: machine, calls: others)
            }
            return Response(status: .accepted)
        },
        "answer": { r, id in
            let body = try await r.body(AnswerRequest.self)
            let reply = try await r.runtime.answer(id: id, caller: r.caller, body)
            // The 2019 beta answered with the operation (seed003); v1.0 and today's beta: 202.
            return r.profile == .beta ? try r.operation(reply, callId: id) : Response(status: .accepted)
        },
        "reject": { r, id in
            let body = try await r.optionalBody(RejectRequest.self, default: RejectRequest())
            _ = try await r.perform(id) { planner, _ in try planner.reject(body) }
            return Response(status: .accepted)
        },
        "redirect": { r, id in
            let body = try await r.body(RedirectRequest.self)
            _ = try await r.perform(id) { planner, machine in try planner.redirect(body, machine: machine) }
            return Response(status: .accepted)
        },
    ]

    func handle(_ r: GraphRequest) async throws -> Response {
        guard case .callAction(let id, let name) = r.path.resource else {
            throw GraphError.badRequest("Resource not found for the segment.")
        }
        try r.allow(.post)
        // A stranger's call is 404 before anything is said about the action or permissions.
        _ = try await r.call(id)
        guard GraphPath.actions.contains(name) else {
            throw GraphError.badRequest("Found a function '\(name)' on an open property. Functions on open properties are not supported.")
        }
        try ActionPermissions.check(name, r.caller)
        guard let action = Self.actions[name] else {
            throw GraphError(.notImplemented, code: "notSupported", message: "The '\(name)' action is not supported by Switchboard yet.")
        }
        return try await action(r, id)
    }

    private static func mute(_ r: GraphRequest, _ id: String, mute: Bool) async throws -> Response {
        let body = try await r.optionalBody(ClientContextRequest.self, default: ClientContextRequest())
        return try r.operation(try await r.perform(id) { planner, _ in try planner.mute(body, mute: mute) }, callId: id)
    }

    private static func recordResponse(_ r: GraphRequest, _ id: String) async throws -> Response {
        let body = try await r.optionalBody(RecordResponseRequest.self, default: RecordResponseRequest())
        let base = r.serverBase
        return try r.operation(try await r.perform(id) { planner, _ in try await planner.recordResponse(body, baseURL: base) }, callId: id)
    }
}
