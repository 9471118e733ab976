import Hummingbird

/// Counts every request by route, method and status (``SwitchboardMetrics``). Outermost, so
/// it sees the status sent, errors rendered. The route is the router's pattern, or the Graph
/// path's (``GraphPath/template``); a path nothing serves counts as `(unmatched)`, so the
/// labels stay few whatever clients send.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = SwitchboardRequestContext
    let metrics: SwitchboardMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            let response = try await next(request, context)
            metrics.request(route: Self.route(context), method: request.method.rawValue, status: response.status.code)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.request(route: Self.route(context), method: request.method.rawValue, status: status)
            throw error
        }
    }

    /// The router names a path it has no route for "NotFound".
    static func route(_ context: Context) -> String {
        guard let path = context.endpointPath, path != "NotFound" else { return "(unmatched)" }
        return path
    }
}
