import CallRuntime
import CallStore
import GraphModel
import Hummingbird
import HummingbirdCore
import Logging
import NetworkPolicy
import NIOCore
import ServiceLifecycle
import Webhooks
import World

/// Switchboard assembled from the implementations its caller picked (store, transport,
/// clock, world): the runtime, the webhook dispatcher and the router, plus the services
/// that must run for it to work.
public struct SwitchboardStack: Sendable {
    public let store: any CallStore
    public let runtime: CallRuntime
    public let dispatcher: WebhookDispatcher
    /// The callback signing keys (rotated on a schedule and by the control API).
    public let callbackKeys: CallbackKeyRing
    public let services: SwitchboardServices

    /// The setting under which the access-token signing key is kept (a key of its own).
    public static let accessTokenKeySetting = "access-token-signing-key"

    /// Builds the stack; nothing runs, and the stored calls are not restored, until
    /// ``backgroundServices`` are started (requests wait for the restore).
    public static func make(
        store: any CallStore, transport: any WebhookTransport, clock: any WallClock, world: World,
        webhookConfiguration: WebhookDispatcher.Configuration = .init(), publicBaseURL: String? = nil,
        fetchMedia: @escaping @Sendable (String) async -> [UInt8]? = { _ in nil },
        timerMode: TimerService.Mode = .automatic,
        controlToken: String? = nil,
        callbackPolicy: CallbackAddressPolicy = .init(),
        callbackKeyRotation: Duration? = nil,
        overload: OverloadLimits = .init(),
        logger: Logger = Logger(label: "switchboard")
    ) async throws -> SwitchboardStack {
        let callbackKeys = try await CallbackKeyRing.load(store: store, clock: clock, rotationInterval: callbackKeyRotation, logger: logger)
        let accessPem = try await store.initializeSetting(accessTokenKeySetting, value: CallbackTokenSigner.generateKeyPEM())
        let accessTokenSigner = await CallbackTokenSigner(key: try CallbackTokenSigner.key(pem: accessPem), keyId: "switchboard-access-1")
        var webhookConfiguration = webhookConfiguration
        webhookConfiguration.callbackPolicy = callbackPolicy
        let dispatcher = WebhookDispatcher(store: store, transport: transport, keys: callbackKeys, clock: clock,
                                           configuration: webhookConfiguration, logger: logger)
        let prompts = WAVPromptDurations(
            files: Dictionary(world.media.map { ($0.uri, $0.file) }, uniquingKeysWith: { first, _ in first }),
            fetch: fetchMedia
        )
        let runtime = CallRuntime(
            store: store, world: world, clock: clock, outbox: dispatcher, logger: logger, prompts: prompts, timerMode: timerMode,
            callbackPolicy: callbackPolicy
        )
        // Restored by RestoreService once the services run; requests wait for it meanwhile.
        runtime.holdUntilRestored()
        await dispatcher.onCallbackMoved { [runtime] callId, url in try await runtime.moveCallback(callId: callId, to: url) }
        let faults = FaultInjector(world: runtime.world, clock: clock)
        await dispatcher.inject(faults)
        var services = SwitchboardServices(
            runtime: runtime, callbackKeys: callbackKeys, accessTokenSigner: accessTokenSigner, clock: clock, publicBaseURL: publicBaseURL
        )
        let clockControl = ClockControl(clock: clock, runtime: runtime)
        // With several nodes, a manual clock starts at the deployment's time.
        try await clockControl.join()
        // …and with the deployment's faults and meetings' attendees.
        try await runtime.adoptSharedWorld()
        services.clockControl = clockControl
        services.controlToken = controlToken
        services.faults = faults
        services.overload = overload
        services.backlog = DeliveryBacklog(pending: dispatcher.pending, due: dispatcher.due)
        let metrics = SwitchboardMetrics()
        let inspector = InspectorLog()
        runtime.observe { inspector.record($0) }
        runtime.observeForgetting { inspector.reset() }
        await dispatcher.onReport { report in
            metrics.delivery(report)
            inspector.changed()
        }
        services.metrics = metrics
        services.inspector = inspector
        return SwitchboardStack(store: store, runtime: runtime, dispatcher: dispatcher, callbackKeys: callbackKeys, services: services)
    }

    /// The long-running pieces besides the HTTP server: restoring the stored calls, webhook
    /// delivery, timers and key rotation.
    /// On a shared store (several nodes), the node's share of the cluster's work too.
    public var backgroundServices: [any Service] {
        let cluster = (store as? any SharedCallStore).map { ClusterService(store: $0, runtime: runtime, dispatcher: dispatcher, callbackKeys: callbackKeys) }
        return [RestoreService(runtime: runtime), dispatcher, runtime.timers, callbackKeys] + (cluster.map { [$0] } ?? [])
    }

    /// How long a connection may sit idle (no request, or a body that stops coming) before
    /// the server closes it.
    public static let idleTimeout: TimeAmount = .seconds(30)

    /// The HTTP/1.1 server to run the router on: malformed requests get Graph error bodies,
    /// and idle or stalled connections are closed after ``idleTimeout``.
    public func httpServer() -> HTTPServerBuilder {
        .http1(configuration: .init(additionalChannelHandlers: [GraphHTTPErrorHandler(clock: services.clock)], idleTimeout: Self.idleTimeout))
    }

    /// The router serving Graph, tokens and discovery.
    public func router() -> Router<SwitchboardRequestContext> {
        SwitchboardServer.router(services)
    }
}
