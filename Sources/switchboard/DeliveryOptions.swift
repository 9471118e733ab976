import ArgumentParser
import Webhooks

/// How notifications are retried: `switchboard serve`'s delivery options.
struct DeliveryOptions: ParsableArguments {
    @Option(help: "Seconds before the first retry of a failed notification; each later wait doubles.")
    var retryInitial: Double = 1

    @Option(help: "The longest wait between two tries of a notification, in seconds.")
    var retryMaxBackoff: Double = 60

    @Option(help: "Seconds after it was committed that a notification is given up on (dead-lettered); 0: never.")
    var retryMaxAge: Double = 1800

    @Option(help: "Tries before a notification is given up on; 0: no limit (the maximum age decides).")
    var retryMaxAttempts: Int = 0

    @Option(help: "The fraction (0 to 1) by which each retry wait is spread at random.")
    var retryJitter: Double = 0.2

    @Option(help: "Seconds a bot may take to answer one notification POST.")
    var deliveryTimeout: Double = 10

    @Option(help: "Seconds between probes of a failing bot: when it answers again, everything waiting for it goes at once.")
    var probeInterval: Double = 2

    @Option(help: "Notification POSTs in flight at once, across calls (one at a time per call).")
    var maxConcurrentDeliveries = WebhookDispatcher.Configuration().maxConcurrentDeliveries

    func validate() throws {
        guard maxConcurrentDeliveries > 0 else { throw ValidationError("--max-concurrent-deliveries must be positive.") }
        guard retryInitial > 0, retryMaxBackoff >= retryInitial else {
            throw ValidationError("--retry-initial must be positive and at most --retry-max-backoff.")
        }
        guard retryMaxAge >= 0, retryMaxAttempts >= 0, deliveryTimeout > 0, probeInterval > 0 else {
            throw ValidationError("--retry-max-age and --retry-max-attempts must not be negative; --delivery-timeout and --probe-interval must be positive.")
        }
        guard (0...1).contains(retryJitter) else { throw ValidationError("--retry-jitter must be between 0 and 1.") }
    }

    /// The dispatcher's configuration these options describe.
    var configuration: WebhookDispatcher.Configuration {
        var configuration = WebhookDispatcher.Configuration()
        configuration.retryPolicy = RetryPolicy(
            initialBackoff: Self.duration(retryInitial), maxBackoff: Self.duration(retryMaxBackoff),
            maxAttempts: retryMaxAttempts == 0 ? nil : retryMaxAttempts,
            maxAge: retryMaxAge == 0 ? nil : Self.duration(retryMaxAge), jitter: retryJitter
        )
        configuration.requestTimeout = Self.duration(deliveryTimeout)
        configuration.probeInterval = Self.duration(probeInterval)
        configuration.maxConcurrentDeliveries = maxConcurrentDeliveries
        return configuration
    }

    private static func duration(_ seconds: Double) -> Duration {
        .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
