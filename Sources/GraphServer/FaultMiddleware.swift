import CallRuntime
import GraphModel
import Foundation
import HTTPTypes
import Hummingbird

/// Answers Graph requests the world's API faults strike: 429 or 503 with `Retry-After` and
/// Graph's error body, or the real answer, late. The control API is never struck.
struct FaultMiddleware<Context: RequestContext>: RouterMiddleware {
    let faults: FaultInjector
    let clock: any WallClock

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let lower = path.lowercased()
        guard lower.hasPrefix("/v1.0/") || lower.hasPrefix("/beta/"),
              let fault = faults.apiFault(method: request.method.rawValue, path: path) else {
            return try await next(request, context)
        }
        switch fault.kind {
        case .latency:
            // Real time, whatever the server's clock: it is the network that is slow.
            try await Task.sleep(for: .milliseconds(fault.latencyMs))
            return try await next(request, context)
        case .throttle, .unavailable:
            let throttled = fault.kind == .throttle
            let error = GraphError(
                throttled ? .tooManyRequests : .serviceUnavailable, code: throttled ? "TooManyRequests" : "ServiceUnavailable",
                message: throttled ? "Too many requests: retry after \(fault.retryAfterSeconds) s (a fault injected on purpose)."
                    : "The service is temporarily unavailable: retry after \(fault.retryAfterSeconds) s (a fault injected on purpose)."
            )
            var response = GraphErrorMiddleware<Context>.response(
                error, requestId: UUID.random().lowercasedString, clientRequestId: request.headers[HTTPField.Name("client-request-id")!],
                now: clock.now()
            )
            response.headers[HTTPField.Name("Retry-After")!] = String(fault.retryAfterSeconds)
            return response
        }
    }
}
