import CallRuntime
import GraphModel
import Hummingbird

/// `POST /_switchboard/incoming-calls`: a Teams user or a phone number calls a bot. The bot's
/// calling webhook (or `callbackUri`) gets the incoming-call notification; the answer is the
/// id of the call the bot sees, and its Graph resource as `Location`.
struct IncomingCallsEndpoint {
    let services: SwitchboardServices

    struct IncomingCallBody: Decodable {
        var from: IdentitySet?
        var to: IdentitySet?
        var callbackUri: String?
        var modalities: [Modality]?
        /// `v1.0` (the default) or `beta`: the version the bot's notifications are written for.
        var apiVersion: String?
        /// A meeting (id or chat thread) that invites the bot; `from` defaults to its organizer.
        var meeting: String?
    }

    struct Created: Encodable {
        var id: String
    }

    static let example = #"{"from": {"user": {"id": "112f7296-5fa4-42ca-bae8-6a692b15d4b8"}}, "to": {"application": {"id": "2891555a-92ff-42e6-80fa-6e1300c6b5c6"}}, "callbackUri": "https://bot.example/calls"}"#

    func register(on router: Router<SwitchboardRequestContext>) {
        router.post("/_switchboard/incoming-calls") { request, context in
            let body = try await controlBody(IncomingCallBody.self, request, context, example: Self.example)
            guard let to = body.to else { throw GraphError.badRequest("'to' is required: the identitySet of the bot called.") }
            let profile: GraphWireProfile
            switch body.apiVersion ?? "v1.0" {
            case "v1.0": profile = .v1
            case "beta": profile = .beta
            default: throw GraphError.badRequest("'apiVersion' must be v1.0 or beta.")
            }
            let id = try await services.runtime.receiveIncoming(IncomingCallRequest(
                from: body.from, to: to, callbackUri: body.callbackUri, modalities: body.modalities, profile: profile,
                meeting: body.meeting
            ))
            return jsonResponse(.created, try GraphJSON.encoder(.v1).encode(Created(id: id)), headers: [
                .location: GraphPath.callLocation(base: SwitchboardServer.graphBaseURL(services, request, profile), id: id),
            ])
        }
    }
}
