import CallRuntime
import Foundation
import GraphModel
import HTTPTypes
import Hummingbird
import Logging

/// Renders every error as Graph's error body, with `Content-Type: application/json`, a
/// `request-id`, and the caller's `client-request-id` echoed.
struct GraphErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let clock: any WallClock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let requestId = UUID.random().lowercasedString
        let clientRequestId = request.headers[HTTPField.Name("client-request-id")!]
        do {
            if request.uri.description.utf8.count > RequestLimits.maxURILength {
                throw GraphError(.uriTooLong, code: "RequestUriTooLong", message: "The request URL is longer than \(RequestLimits.maxURILength) bytes.")
            }
            if Self.needsLength(request) {
                throw GraphError(.lengthRequired, code: "LengthRequired", message: "A POST, PUT or PATCH needs a Content-Length (0 for no body) or a chunked body.")
            }
            // A declared length over the limit is refused at once, before any of it is read.
            if let declared = request.headers[.contentLength].flatMap({ Int($0) }),
               declared > RequestLimits.maxBody(path: request.uri.path, default: context.maxUploadSize) {
                throw GraphError(.contentTooLarge, code: "RequestEntityTooLarge", message: "The request body (\(declared) bytes) is larger than allowed.")
            }
            var response = try await next(request, context)
            response.headers[HTTPField.Name("request-id")!] = requestId
            if let clientRequestId { response.headers[HTTPField.Name("client-request-id")!] = clientRequestId }
            return response
        } catch {
            let graphError = GraphError.from(error)
            if graphError.status == .internalServerError {
                context.logger.error("Request failed", metadata: ["request.id": "\(requestId)", "error": "\(error)"])
            }
            var response = Self.response(graphError, requestId: requestId, clientRequestId: clientRequestId, now: clock.now())
            if graphError.status == .contentTooLarge {
                // The rest of the body is not read: the connection ends with this answer.
                response.headers[.connection] = "close"
            }
            return response
        }
    }

    /// Graph's front door answers 411 to a body-carrying method that says nothing of its
    /// body's length (as `curl -X POST` without `-d` does); the control API is lenient.
    static func needsLength(_ request: Request) -> Bool {
        guard [.post, .put, .patch].contains(request.method), request.headers[.contentLength] == nil,
              request.headers[.transferEncoding] == nil else { return false }
        let path = request.uri.path.lowercased()
        return path.hasPrefix("/v1.0/") || path.hasPrefix("/beta/")
    }

    static func response(_ error: GraphError, requestId: String, clientRequestId: String?, now: Timestamp) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[HTTPField.Name("request-id")!] = requestId
        if let clientRequestId { headers[HTTPField.Name("client-request-id")!] = clientRequestId }
        if error.status == .unauthorized {
            // As Graph answers a missing or bad token (RFC 6750 §3).
            headers[.wwwAuthenticate] = #"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000""#
        }
        let data = Data(body(error, requestId: requestId, clientRequestId: clientRequestId, now: now))
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Graph's error body for `error`, encoded.
    static func body(_ error: GraphError, requestId: String, clientRequestId: String?, now: Timestamp) -> [UInt8] {
        let body = GraphErrorBody(
            code: error.code, message: error.message,
            innerError: .init(date: String(now.iso8601.dropLast()), requestId: requestId, clientRequestId: clientRequestId)
        )
        return Array((try? GraphJSON.encoder(.v1).encode(body)) ?? Data())
    }
}

/// Limits on a request's head that are Switchboard's own (the body's are ``JSONLimits``).
enum RequestLimits {
    /// The longest URL taken (Graph's ids are GUIDs; 4 KiB leaves room for any query).
    static let maxURILength = 4096

    /// Routes that take bodies larger than the context's 1 MiB: a snapshot holds every call.
    static let largeBodies = ["/_switchboard/snapshot": 256 * 1024 * 1024]

    /// The largest body `path` takes: declared lengths past it are refused before reading.
    static func maxBody(path: String, default limit: Int) -> Int {
        largeBodies[path] ?? limit
    }
}
