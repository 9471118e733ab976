import CallRuntime
import Foundation
import GraphModel
import HTTPTypes
import Hummingbird

/// Serves `/v1.0/...` and `/beta/...`: authenticates, parses the path the way Graph does,
/// and hands the request to the handler of its resource (one route table, one handler per
/// resource).
struct GraphCallsHandler: RouterMiddleware {
    typealias Context = SwitchboardRequestContext
    let services: SwitchboardServices
    let tokens: AccessTokenIssuer

    /// The route table: every resource of the calls API and who serves it.
    static let routes: [GraphPath.Route: any GraphResourceHandler] = [
        .calls: CallsResource(),
        .call: CallsResource(),
        .callsAction: CallsResource(),
        .callAction: CallActionsResource(),
        .participants: ParticipantsResource(),
        .participantsAction: ParticipantsResource(),
        .participant: ParticipantsResource(),
        .participantAction: ParticipantsResource(),
        .operations: OperationsResource(),
        .operation: OperationsResource(),
        .audioRoutingGroups: AudioRoutingGroupsResource(),
        .audioRoutingGroup: AudioRoutingGroupsResource(),
        .contentSharingSessions: ContentSharingSessionsResource(),
        .contentSharingSession: ContentSharingSessionsResource(),
    ]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let path = request.uri.path
        guard case .graph(let parsed) = context.graphTarget(of: path) else { return try await next(request, context) }
        // The route, for metrics (set before anything can refuse the request).
        context.coreContext.endpointPath.value = parsed?.template ?? GraphPath.unmatched
        let caller: CallerApp
        switch await tokens.caller(authorization: request.headers[.authorization], now: services.clock.now()) {
        case .success(let app): caller = app
        case .failure(let error): throw error
        }
        guard let graphPath = parsed, let handler = Self.routes[graphPath.resource.route] else {
            throw GraphError(.badRequest, code: "BadRequest", message: "Resource not found for the segment in '\(path)'.")
        }
        return try await handler.handle(GraphRequest(
            request: request, context: context, services: services, caller: caller, path: graphPath,
            base: SwitchboardServer.graphBaseURL(services, request, graphPath.profile)
        ))
    }
}
