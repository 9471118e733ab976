import CallRuntime
import Foundation
import GraphModel
import HTTPTypes
import Hummingbird
import Webhooks
import World

/// What the HTTP layer serves from.
public struct SwitchboardServices: Sendable {
    public var runtime: CallRuntime
    /// The world now (the control API changes meetings' attendees).
    public var world: World { runtime.world.current }
    /// Sign the notifications' callback tokens (published in the JWKS).
    public var callbackKeys: CallbackKeyRing
    /// Signs access tokens: a key of its own, never the callbacks' one.
    public var accessTokenSigner: CallbackTokenSigner
    public var clock: any WallClock
    /// The base URL clients reach this server at, for `Location` headers and
    /// `@odata.context`; `nil`: taken from each request's `Host`.
    public var publicBaseURL: String?
    /// The clock as the control API shows and moves it.
    public var clockControl: ClockControl?
    /// When set, the control API needs it as a bearer token (`--control-token`).
    public var controlToken: String?
    /// Injects the world's faults into notifications and answers.
    public var faults: FaultInjector?
    /// Pushes back past these limits (429), reading the dispatcher's backlog.
    public var overload: OverloadLimits?
    /// The dispatcher's backlog, for the overload guard and `/_switchboard/stats`.
    public var backlog: DeliveryBacklog?
    /// Served at `/metrics`; requests are counted into it.
    public var metrics: SwitchboardMetrics?
    /// The inspector's memory of calls and requests; with it, the inspector is served.
    public var inspector: InspectorLog?

    public init(
        runtime: CallRuntime, callbackKeys: CallbackKeyRing, accessTokenSigner: CallbackTokenSigner, clock: any WallClock,
        publicBaseURL: String? = nil
    ) {
        self.accessTokenSigner = accessTokenSigner
        self.runtime = runtime
        self.callbackKeys = callbackKeys
        self.clock = clock
        self.publicBaseURL = publicBaseURL
    }
}

/// Builds Switchboard's router: Graph's calls API, the token endpoint, key discovery and
/// the server's own health endpoint.
public enum SwitchboardServer {
    public static func router(_ services: SwitchboardServices) -> Router<SwitchboardRequestContext> {
        let router = Router(context: SwitchboardRequestContext.self)
        let tokens = AccessTokenIssuer(signer: services.accessTokenSigner, world: services.world)
        // Outermost: they see the answers as sent, errors rendered.
        if let metrics = services.metrics { router.add(middleware: RequestMetricsMiddleware(metrics: metrics)) }
        if let inspector = services.inspector { router.add(middleware: InspectorRecorder(log: inspector, clock: services.clock)) }
        router.add(middleware: GraphErrorMiddleware(clock: services.clock))
        if let token = services.controlToken { router.add(middleware: ControlTokenMiddleware(token: token)) }
        // Graph's own paths are parsed by hand (case-insensitive segments, qualified action
        // names, three collection prefixes), ahead of the router.
        if let overload = services.overload, let backlog = services.backlog {
            router.add(middleware: OverloadMiddleware(limits: overload, backlog: backlog, clock: services.clock))
        }
        if let faults = services.faults { router.add(middleware: FaultMiddleware(faults: faults, clock: services.clock)) }
        router.add(middleware: GraphCallsHandler(services: services, tokens: tokens))

        router.get("/_switchboard/health") { _, _ in
            jsonResponse(.ok, Data(#"{"status":"ok"}"#.utf8))
        }
        StatsEndpoint(services: services).register(on: router)
        TokenEndpoint(issuer: tokens, clock: services.clock).register(on: router)
        DiscoveryEndpoints(services: services).register(on: router)
        RecordingEndpoint(services: services).register(on: router)
        ClockEndpoints(services: services).register(on: router)
        ControlCallEndpoints(services: services).register(on: router)
        CallbackKeysEndpoint(services: services).register(on: router)
        FaultsEndpoint(services: services).register(on: router)
        ControlOpenAPI.register(on: router)
        MeetingsEndpoint(services: services).register(on: router)
        IncomingCallsEndpoint(services: services).register(on: router)
        SnapshotEndpoint(services: services).register(on: router)
        MetricsEndpoint(services: services).register(on: router)
        InspectorEndpoints(services: services).register(on: router)
        return router
    }

    /// The base URL for links in responses to `request`.
    static func baseURL(_ services: SwitchboardServices, _ request: Request) -> String {
        if let base = services.publicBaseURL { return base }
        return "http://\(request.head.authority ?? "localhost")"
    }

    /// The base of Graph resources in `profile`'s version (`…/v1.0`, `…/beta`), for links in
    /// responses to `request`.
    static func graphBaseURL(_ services: SwitchboardServices, _ request: Request, _ profile: GraphWireProfile) -> String {
        baseURL(services, request) + "/" + GraphPath.versionSegment(profile)
    }
}

/// A JSON response.
func jsonResponse(_ status: HTTPResponse.Status, _ body: Data, headers extra: HTTPFields = [:]) -> Response {
    var headers: HTTPFields = [.contentType: "application/json"]
    headers.append(contentsOf: extra)
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
}
