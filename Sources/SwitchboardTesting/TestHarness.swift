import CallRuntime
import CallStore
import Foundation
import GraphModel
import GraphServer
import Hummingbird
import HummingbirdTesting
import ServiceLifecycle
import Webhooks
import World

/// Switchboard wired for a test: a store of the test's choosing, a manual clock, an
/// in-memory webhook receiver, the built-in world, and its background services running.
public struct TestHarness: Sendable {
    public let clock: ManualClock
    public let webhooks: RecordingWebhookTransport
    public let stack: SwitchboardStack


    /// Builds the stack and runs `body` with its background services running.
    public static func run<T: Sendable>(
        store: any CallStore = InMemoryCallStore(),
        clock: ManualClock = ManualClock(),
        webhooks: RecordingWebhookTransport = RecordingWebhookTransport(),
        world: World = .builtIn(),
        timerMode: TimerService.Mode = .automatic,
        controlToken: String? = nil,
        overload: OverloadLimits = .init(),
        _ body: @Sendable (TestHarness) async throws -> T
    ) async throws -> T {
        var configuration = WebhookDispatcher.Configuration()
        configuration.maxConcurrentDeliveries = 8
        // Waits exactly as the policy says, so tests can move the clock by them.
        configuration.retryPolicy.jitter = 0
        let stack = try await SwitchboardStack.make(
            store: store, transport: webhooks, clock: clock, world: world, webhookConfiguration: configuration, timerMode: timerMode,
            controlToken: controlToken, overload: overload
        )
        let harness = TestHarness(clock: clock, webhooks: webhooks, stack: stack)
        let result: Result<T, any Error>
        do {
            result = .success(try await withThrowingTaskGroup(of: T?.self) { group in
                defer { group.cancelAll() }
                for service in stack.backgroundServices {
                    group.addTask {
                        try await service.run()
                        return nil
                    }
                }
                return try await body(harness)
            })
        } catch {
            result = .failure(error)
        }
        try await store.close()
        return try result.get()
    }

    /// A valid access token for the built-in calling bot.
    public func token(appId: String = World.callingBotAppId, secret: String = World.callingBotSecret, tenant: String = World.contosoTenantId) async throws -> String {
        let issuer = AccessTokenIssuer(signer: stack.services.accessTokenSigner, world: stack.services.world)
        guard case .success(let token) = try await issuer.issue(tenantPath: tenant, clientId: appId, clientSecret: secret, grantType: "client_credentials", now: clock.now()) else {
            throw TestHarnessError.noToken
        }
        return token
    }
}

enum TestHarnessError: Error { case noToken }
