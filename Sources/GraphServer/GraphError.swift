import CallEngine
import CallRuntime
import GraphModel
import HTTPTypes
import Hummingbird
import NIOCore

/// An error as Graph puts it on the wire: an HTTP status, a code and a message. Every
/// failure becomes one of these in ``GraphError/from(_:)``, the only place that decides.
public struct GraphError: Error, Sendable, Hashable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String

    public init(_ status: HTTPResponse.Status, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    static func badRequest(_ message: String) -> GraphError {
        GraphError(.badRequest, code: "BadRequest", message: message)
    }

    static func notFound(_ message: String) -> GraphError {
        GraphError(.notFound, code: "itemNotFound", message: message)
    }

    static let unauthenticated = GraphError(.unauthorized, code: "InvalidAuthenticationToken", message: "Access token is empty.")

    static func invalidToken(_ detail: String) -> GraphError {
        GraphError(.unauthorized, code: "InvalidAuthenticationToken", message: "Access token validation failure. \(detail)")
    }

    /// The wire form of any error. Nothing internal leaks: unknown errors are a bare 500.
    public static func from(_ error: any Error) -> GraphError {
        switch error {
        case let error as GraphError:
            return error
        case let error as CallRuntimeError:
            return from(runtime: error)
        case let error as DecodingError:
            return .badRequest("Invalid request body: \(describe(error))")
        case is NIOTooManyBytesError:
            return GraphError(.contentTooLarge, code: "RequestEntityTooLarge", message: "The request body is larger than 1 MiB.")
        case let error as HTTPError where error.status == .notFound:
            return .notFound("Resource not found for the request path.")
        case let error as HTTPError:
            return GraphError(error.status, code: error.status.reasonPhrase.replacingOccurrences(of: " ", with: ""), message: error.body ?? error.status.reasonPhrase)
        default:
            return GraphError(.internalServerError, code: "generalException", message: "An internal server error occurred.")
        }
    }

    private static func from(runtime error: CallRuntimeError) -> GraphError {
        switch error {
        case .callNotFound(let id):
            return .notFound("Call '\(id)' was not found.")
        case .invalidRequest(let message):
            return .badRequest(message)
        case .forbidden(let code, let message):
            return GraphError(.forbidden, code: code, message: message)
        case .meetingNotFound(let message):
            return .notFound(message)
        case .conflict(let code, let message):
            return GraphError(.conflict, code: code, message: message)
        case .notSupportedYet(let message):
            return GraphError(.notImplemented, code: "notSupported", message: message)
        case .engine(let error):
            return from(engine: error)
        }
    }

    private static func from(engine error: CallEngineError) -> GraphError {
        switch error {
        case .callEnded:
            return .notFound("The call has ended.")
        case .invalidState(let action, let state):
            return .badRequest("'\(action)' is not allowed while the call is \(state.rawValue).")
        case .notSupportedInCall(let action, let reason):
            return .badRequest("'\(action)' is not supported in this call: \(reason).")
        case .participantNotFound(let id):
            return .notFound("Participant '\(id)' was not found in the call.")
        case .audioRoutingGroupNotFound(let id):
            return .notFound("Audio routing group '\(id)' was not found in the call.")
        case .audioRoutingGroupExists(let id):
            return GraphError(.conflict, code: "nameAlreadyExists", message: "An audio routing group with id '\(id)' exists already.")
        case .rejected(let message):
            return .badRequest(message)
        case .notRinging(let action):
            return GraphError(.conflict, code: "notRinging", message: "'\(action)' is for a far end that is ringing; nobody rings in this call.")
        }
    }

    /// A decoding error in words a bot developer can act on: where, and what was wrong.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return path.isEmpty ? "the body" : String(path.drop { $0 == "." })
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context)): expected \(jsonName(type))."
        case .valueNotFound(let type, let context):
            return "\(path(context)): expected \(jsonName(type)), found null."
        case .keyNotFound(let key, let context):
            return "\(path(context)): missing '\(key.stringValue)'."
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "the body is not valid JSON." }
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "the body could not be read."
        }
    }

    private static func jsonName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int.Type, is Int32.Type, is Int64.Type, is Double.Type: "a number"
        case is [Any].Type: "an array"
        default: String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}
