import CallEngine
import CallRuntime
import Foundation
import GraphModel
import HTTPTypes
import Hummingbird

/// One authenticated Graph request, parsed: what every resource handler works from, with
/// the helpers they share for bodies and responses.
struct GraphRequest: Sendable {
    let request: Request
    let context: SwitchboardRequestContext
    let services: SwitchboardServices
    let caller: CallerApp
    let path: GraphPath
    /// `http://host/v1.0` (or `/beta`): the root links in responses are built on.
    let base: String

    var method: HTTPRequest.Method { request.method }
    var profile: GraphWireProfile { path.profile }
    var runtime: CallRuntime { services.runtime }
    /// The server's own base URL (for recording locations and the like).
    var serverBase: String { String(base.dropLast(path.versionSegment.count + 1)) }

    /// Refuses any method but `allowed` with 405.
    func allow(_ allowed: HTTPRequest.Method...) throws {
        guard allowed.contains(method) else {
            throw GraphError(.methodNotAllowed, code: "BadRequest", message: "Specified HTTP method '\(method.rawValue)' is not allowed for the request target.")
        }
    }

    /// Reads and decodes a JSON body (at most 1 MiB); anything unreadable is a 400.
    func body<T: Decodable>(_ type: T.Type) async throws -> T {
        guard let value = try await readBody(T.self) else {
            throw GraphError.badRequest("The request body is empty; a JSON object is required.")
        }
        return value
    }

    /// Reads an optional JSON body: an empty body is the default value (actions whose
    /// parameters are all optional, such as `mute` or `subscribeToTone`).
    func optionalBody<T: Decodable>(_ type: T.Type, default empty: T) async throws -> T {
        try await readBody(T.self) ?? empty
    }

    private func readBody<T: Decodable>(_ type: T.Type) async throws -> T? {
        if let contentType = request.headers[.contentType]?.lowercased(), !contentType.hasPrefix("application/json") {
            throw GraphError(.unsupportedMediaType, code: "BadRequest", message: "Content-Type must be application/json.")
        }
        return try await readJSONBody(T.self, from: request, limit: context.maxUploadSize)
    }

    /// The caller's call `id`.
    func call(_ id: String) async throws -> CallMachine {
        try await runtime.call(id: id, caller: caller)
    }

    /// The caller's calls a request names besides its own (`replacesCallId`, bare or as a
    /// path), read ahead for the planner, which looks them up while the call is held.
    func otherCalls(named given: [String?]) async -> @Sendable (String) -> CallMachine? {
        var found: [String: CallMachine] = [:]
        for case let name? in given {
            let id = ActionPlanner.callId(named: name)
            found[id] = try? await call(id)
        }
        return { [found] in found[$0] }
    }

    /// An entity response with its `@odata.context`.
    func entity<T: GraphObject>(_ value: T, status: HTTPResponse.Status = .ok, context: String, headers: HTTPFields = [:]) throws -> Response {
        var value = value
        value.additionalData[odataContextKey] = .string("\(base)/$metadata#\(context)")
        return jsonResponse(status, try GraphJSON.encoder(profile).encode(value), headers: headers)
    }

    /// A collection response: `{"@odata.context": ..., "value": [...]}`.
    func collection<T: Encodable>(_ values: [T], context: String) throws -> Response {
        let body = ODataCollection(context: "\(base)/$metadata#\(context)", value: values)
        return jsonResponse(.ok, try GraphJSON.encoder(profile).encode(body))
    }

    /// The answer to an action that created an operation: the operation object and a
    /// `Location` header pointing at it.
    func operation(_ reply: CallReply?, callId: String, status: HTTPResponse.Status = .ok) throws -> Response {
        guard case .operation(let operation)? = reply else {
            throw GraphError(.internalServerError, code: "generalException", message: "An internal server error occurred.")
        }
        return try entity(
            operation, status: status, context: operation.kind.rawValue,
            headers: [.location: GraphPath.callLocation(base: base, id: callId) + "/operations/\(operation.id ?? "")"]
        )
    }

    /// Runs an action through the runtime.
    func perform(_ callId: String, _ plan: @escaping @Sendable (ActionPlanner, CallMachine) async throws -> CallCommand) async throws -> CallReply? {
        try await runtime.perform(id: callId, caller: caller, plan)
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

/// One resource of the calls API: a call, its actions, participants, operations, …
protocol GraphResourceHandler: Sendable {
    func handle(_ request: GraphRequest) async throws -> Response
}
