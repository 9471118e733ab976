import CallEngine
import CallRuntime
import Foundation
import GraphModel
import HTTPTypes
import Hummingbird

/// Serves `/v1.0/...` and `/beta/...`: authenticates, parses the path the way Graph does,
/// and dispatches to the runtime.
struct GraphCallsHandler: RouterMiddleware {
    typealias Context = SwitchboardRequestContext
    let services: SwitchboardServices
    let tokens: AccessTokenIssuer

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard GraphPath.isGraphRoot(request.uri.path) else { return try await next(request, context) }
        return try await handle(request, context: context)
    }

    func handle(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let path = request.uri.path
        let caller: CallerApp
        switch await tokens.caller(authorization: request.headers[.authorization], now: services.clock.now()) {
        case .success(let app): caller = app
        case .failure(let error): throw error
        }
        guard let graphPath = GraphPath.parse(path) else {
            throw GraphError(.badRequest, code: "BadRequest", message: "Resource not found for the segment in '\(path)'.")
        }
        let base = SwitchboardServer.baseURL(services, request) + "/" + graphPath.versionSegment
        let method = request.method

        switch graphPath.resource {
        case .calls:
            try allow(method, [.post])
            let body = try await decodeBody(Call.self, request, context)
            let call = try await services.runtime.placeCall(body, caller: caller, profile: graphPath.profile)
            let id = call.id ?? ""
            return try entity(call, status: .created, profile: graphPath.profile,
                              context: "\(base)/$metadata#communications/calls/$entity",
                              headers: [.location: "\(base)/communications/calls/\(id)"])

        case .call(let id):
            try allow(method, [.get, .delete])
            if method == .delete {
                try await services.runtime.hangUp(id: id, caller: caller)
                return Response(status: .noContent)
            }
            let machine = try services.runtime.call(id: id, caller: caller)
            return try entity(machine.graphCall, status: .ok, profile: graphPath.profile,
                              context: "\(base)/$metadata#communications/calls/$entity")

        case .callAction(let id, let action):
            try allow(method, [.post])
            switch action {
            case "keepAlive":
                try await services.runtime.keepAlive(id: id, caller: caller)
                return Response(status: .ok)
            case let name where GraphPath.actions.contains(name):
                _ = try services.runtime.call(id: id, caller: caller)
                throw notYet("The '\(name)' action")
            default:
                throw GraphError.badRequest("Found a function '\(action)' on an open property. Functions on open properties are not supported.")
            }

        case .participants(let id):
            try allow(method, [.get])
            let machine = try services.runtime.call(id: id, caller: caller)
            let collection = ODataCollection(context: "\(base)/$metadata#communications/calls('\(id)')/participants", value: machine.participants)
            return jsonResponse(.ok, try GraphJSON.encoder(graphPath.profile).encode(collection))

        case .participant(let id, let participantId):
            try allow(method, [.get, .delete])
            let machine = try services.runtime.call(id: id, caller: caller)
            guard let participant = machine.participants.first(where: { $0.id == participantId }) else {
                throw GraphError.notFound("Participant '\(participantId)' was not found in call '\(id)'.")
            }
            if method == .delete { throw notYet("Removing a participant") }
            return try entity(participant, status: .ok, profile: graphPath.profile,
                              context: "\(base)/$metadata#communications/calls('\(id)')/participants/$entity")

        case .participantsAction(let id, let action), .participantAction(let id, _, let action):
            try allow(method, [.post])
            _ = try services.runtime.call(id: id, caller: caller)
            throw notYet("The '\(action)' action")

        case .operations(let id), .operation(let id, _), .callCollection(let id, _), .callCollectionItem(let id, _, _):
            _ = try services.runtime.call(id: id, caller: caller)
            throw notYet("This resource")

        case .callsAction(let action):
            try allow(method, [.post])
            throw notYet("The '\(action)' action")
        }
    }

    private func allow(_ method: HTTPRequest.Method, _ allowed: [HTTPRequest.Method]) throws {
        guard allowed.contains(method) else {
            throw GraphError(.methodNotAllowed, code: "BadRequest", message: "Specified HTTP method '\(method.rawValue)' is not allowed for the request target.")
        }
    }

    private func notYet(_ what: String) -> GraphError {
        GraphError(.notImplemented, code: "notSupported", message: "\(what) is not supported by Switchboard yet.")
    }

    /// Reads and decodes a JSON body (at most 1 MiB); anything unreadable is a 400.
    private func decodeBody<T: Decodable>(_ type: T.Type, _ request: Request, _ context: SwitchboardRequestContext) async throws -> T {
        if let contentType = request.headers[.contentType]?.lowercased(), !contentType.hasPrefix("application/json") {
            throw GraphError(.unsupportedMediaType, code: "BadRequest", message: "Content-Type must be application/json.")
        }
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { throw GraphError.badRequest("The request body is empty; a JSON object is required.") }
        return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
    }

    private func entity<T: GraphObject>(_ value: T, status: HTTPResponse.Status, profile: GraphWireProfile, context: String, headers: HTTPFields = [:]) throws -> Response {
        var value = value
        value.additionalData["@odata.context"] = .string(context)
        return jsonResponse(status, try GraphJSON.encoder(profile).encode(value), headers: headers)
    }
}

/// A collection response: `{"@odata.context": ..., "value": [...]}`.
struct ODataCollection<Element: Encodable>: Encodable {
    var context: String
    var value: [Element]

    enum CodingKeys: String, CodingKey {
        case context = "@odata.context"
        case value
    }
}
