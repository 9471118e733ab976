import CallEngine
import CallRuntime
import GraphModel
import Hummingbird

/// `/communications/calls/{id}/participants`: list, get, remove, invite, and the
/// participant actions (mute, startHoldMusic, stopHoldMusic).
struct ParticipantsResource: GraphResourceHandler {
    func handle(_ r: GraphRequest) async throws -> Response {
        switch r.path.resource {
        case .participants(let id):
            try r.allow(.get)
            return try r.collection(try await r.call(id).participants, context: "communications/calls('\(id)')/participants")

        case .participantsAction(let id, let action):
            try r.allow(.post)
            guard action == "invite" else {
                _ = try await r.call(id)
                throw GraphError(.notImplemented, code: "notSupported", message: "The '\(action)' action is not supported by Switchboard yet.")
            }
            _ = try await r.call(id)
            try ActionPermissions.check("invite", r.caller)
            let body = try await r.body(InviteParticipantsRequest.self)
            let others = await r.otherCalls(named: [body.participants?.first?.replacesCallId])
            let reply = try await r.perform(id) { planner, machine in
                try planner.invite(body, machine: machine, calls: others)
            }
            return try r.operation(reply, callId: id)

        case .participant(let id, let participantId):
            try r.allow(.get, .delete)
            if r.method == .delete {
                _ = try await r.perform(id) { planner, machine in try planner.removeParticipant(participantId, machine: machine) }
                return Response(status: .noContent)
            }
            guard let participant = try await r.call(id).participants.first(where: { $0.id == participantId }) else {
                throw GraphError.notFound("Participant '\(participantId)' was not found in call '\(id)'.")
            }
            return try r.entity(participant, context: "communications/calls('\(id)')/participants/$entity")

        case .participantAction(let id, let participantId, let action):
            try r.allow(.post)
            switch action {
            case "mute":
                let body = try await r.optionalBody(ClientContextRequest.self, default: ClientContextRequest())
                let reply = try await r.perform(id) { planner, _ in try planner.muteParticipant(participantId, body) }
                return try r.operation(reply, callId: id)
            case "startHoldMusic":
                let body = try await r.optionalBody(StartHoldMusicRequest.self, default: StartHoldMusicRequest())
                let reply = try await r.perform(id) { planner, _ in try planner.startHoldMusic(participantId, body) }
                return try r.operation(reply, callId: id, status: .accepted)
            case "stopHoldMusic":
                let body = try await r.optionalBody(ClientContextRequest.self, default: ClientContextRequest())
                let reply = try await r.perform(id) { planner, _ in try planner.stopHoldMusic(participantId, body) }
                return try r.operation(reply, callId: id, status: .accepted)
            default:
                _ = try await r.call(id)
                guard GraphPath.actions.contains(action) else {
                    throw GraphError.badRequest("Found a function '\(action)' on an open property. Functions on open properties are not supported.")
                }
                throw GraphError(.notImplemented, code: "notSupported", message: "The '\(action)' action is not supported by Switchboard yet.")
            }

        default:
            throw GraphError.badRequest("Resource not found for the segment.")
        }
    }
}
