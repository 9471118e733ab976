import ServiceLifecycle

/// Restores the stored calls in the background, so the server answers at once however many
/// calls it holds: requests wait for it (``CallRuntime/holdUntilRestored()``), the health
/// check does not. Then it stays until shutdown, as a service group expects.
public struct RestoreService: Service {
    let runtime: CallRuntime

    public init(runtime: CallRuntime) {
        self.runtime = runtime
    }

    public func run() async throws {
        try await runtime.restore()
        try? await gracefulShutdown()
    }
}
