import ArgumentParser
import AsyncHTTPClient
import CallRuntime
import CallStore
import Foundation
import GraphModel
import GraphServer
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import Webhooks
import World

/// `switchboard bench`: creates calls as fast as it can against a server, with a loopback
/// webhook receiver, and reports calls created and established per second and the latency
/// from create to the `established` notification.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measure call throughput and create-to-established latency.")

    @Option(help: "Calls to create.")
    var calls = 2000

    @Option(help: "Create requests in flight at once.")
    var concurrency = 32

    @Option(help: "Base URL of a running server (started with --ring-time 0); default: one started in this process.")
    var server: String?

    @Option(help: "Store of the in-process server: sqlite:PATH or memory.")
    var store = StoreOption.memory

    @Option(help: "Seconds to wait for the last established notification.")
    var timeout: Double = 120

    func run() async throws {
        var logger = Logger(label: "switchboard.bench")
        logger.logLevel = .warning
        let recorder = EstablishedRecorder()
        let receiverRouter = Router()
        receiverRouter.post("/callback") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            let received = ContinuousClock.now
            if let id = Self.establishedCallId(in: body) { recorder.established(id, at: received) }
            return .accepted
        }

        try await Self.withClient(connectionsPerHost: WebhookDispatcher.Configuration().maxConcurrentDeliveries) { webhookClient in
            try await runBench(webhookClient: webhookClient, recorder: recorder, receiverRouter: receiverRouter, logger: logger)
        }
    }

    /// Runs `body` with an HTTP client allowing `connectionsPerHost` connections to one
    /// host, and shuts the client down afterwards, whatever happened.
    static func withClient(connectionsPerHost: Int, _ body: (HTTPClient) async throws -> Void) async throws {
        let client = HTTPClientWebhookTransport.makeClient(connectionsPerHost: connectionsPerHost)
        do {
            try await body(client)
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func runBench(webhookClient: HTTPClient, recorder: EstablishedRecorder, receiverRouter: Router<BasicRequestContext>, logger: Logger) async throws {
        // The in-process server's store, closed once its services have stopped.
        var inProcessStore: (any CallStore)?
        do {
            try await runServers(webhookClient: webhookClient, recorder: recorder, receiverRouter: receiverRouter, logger: logger, opened: &inProcessStore)
            try await inProcessStore?.close()
        } catch {
            try? await inProcessStore?.close()
            throw error
        }
    }

    private func runServers(webhookClient: HTTPClient, recorder: EstablishedRecorder, receiverRouter: Router<BasicRequestContext>, logger: Logger, opened: inout (any CallStore)?) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running: [ServiceGroup] = []
            let receiverPort = try await Self.start(receiverRouter, services: [], logger: logger, in: &group, running: &running)
            let base: String
            if let server {
                base = server
            } else {
                let callStore = try await store.open()
                opened = callStore
                let stack = try await SwitchboardStack.make(
                    store: callStore, transport: HTTPClientWebhookTransport(client: webhookClient), clock: SystemWallClock(),
                    world: .builtIn(defaultRingTime: .zero), logger: logger
                )
                base = "http://127.0.0.1:\(try await Self.start(stack.router(), services: stack.backgroundServices, logger: logger, in: &group, running: &running))"
            }
            do {
                try await measure(base: base, callback: "http://127.0.0.1:\(receiverPort)/callback", recorder: recorder)
            } catch {
                for services in running { await services.triggerGracefulShutdown() }
                throw error
            }
            // Stop the servers the way a signal would: they drain and close their channels,
            // with nothing cancelled under them (no shutdown errors in the output).
            for services in running { await services.triggerGracefulShutdown() }
            try await group.waitForAll()
        }
    }

    private func measure(base: String, callback: String, recorder: EstablishedRecorder) async throws {
        try await Self.withClient(connectionsPerHost: concurrency) { client in
            try await measure(client: client, base: base, callback: callback, recorder: recorder)
        }
    }

    private func measure(client: HTTPClient, base: String, callback: String, recorder: EstablishedRecorder) async throws {
        let token = try await Self.token(client: client, base: base)
        let body = Data("""
        {"@odata.type":"#microsoft.graph.call","callbackUri":"\(callback)",
         "targets":[{"@odata.type":"#microsoft.graph.invitationParticipantInfo","identity":{"@odata.type":"#microsoft.graph.identitySet",
           "user":{"@odata.type":"#microsoft.graph.identity","displayName":"John","id":"112f7296-5fa4-42ca-bae8-6a692b15d4b8"}}}],
         "requestedModalities":["audio"],"mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"}}
        """.utf8)
        // The ceiling of this stack here: the same client and concurrency on the cheapest route.
        let healthStarted = ContinuousClock.now
        let healthFailures = try await Self.closedLoop(count: calls, concurrency: concurrency) {
            let response = try await client.execute(HTTPClientRequest(url: "\(base)/_switchboard/health"), timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 16)
            return response.status == .ok
        }
        let healthDuration = healthStarted.duration(to: .now)

        let started = ContinuousClock.now
        let starts = EstablishedRecorder()
        let throttled = Counter()
        let failures = try await Self.closedLoop(count: calls, concurrency: concurrency) {
            var request = HTTPClientRequest(url: "\(base)/v1.0/communications/calls")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
            let sent = ContinuousClock.now
            var response = try await client.execute(request, timeout: .seconds(30))
            // A well-behaved client: throttled (429), it waits as told and tries again.
            while response.status == .tooManyRequests {
                throttled.add()
                _ = try await response.body.collect(upTo: 1 << 20)
                let wait = response.headers.first(name: "Retry-After").flatMap(Double.init) ?? 1
                try await Task.sleep(for: .milliseconds(Int64(wait * 1000)))
                response = try await client.execute(request, timeout: .seconds(30))
            }
            let data = try await response.body.collect(upTo: 1 << 20)
            guard response.status == .created, let id = try? JSONDecoder().decode(CreatedCall.self, from: Data(buffer: data)).id else { return false }
            starts.established(id, at: sent)
            return true
        }
        let created = ContinuousClock.now
        let expected = calls - failures
        let finished = await recorder.wait(for: expected, timeout: .milliseconds(Int64(timeout * 1000)))
        let establishedTimes = recorder.snapshot()
        let latencies = starts.snapshot().compactMap { id, sent in establishedTimes[id].map { sent.duration(to: $0) } }.sorted()
        func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
        func percentile(_ p: Double) -> String {
            guard !latencies.isEmpty else { return "n/a" }
            let value = latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]
            return String(format: "%.1f ms", seconds(value) * 1000)
        }
        let lastEstablished = establishedTimes.values.max() ?? created
        let healthRate = Double(calls - healthFailures) / seconds(healthDuration)
        let createdRate = Double(expected) / seconds(started.duration(to: created))
        let establishedRate = Double(latencies.count) / seconds(started.duration(to: lastEstablished))
        func milliseconds(_ p: Double) -> String {
            latencies.isEmpty ? "nan" : String(format: "%.1f", seconds(latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))]) * 1000)
        }
        print("""
        calls requested:     \(calls) (concurrency \(concurrency))
        /health per second:  \(String(format: "%.0f", healthRate)) (\(healthFailures) failed; the same client and concurrency)
        calls created:       \(expected) (\(failures) failed; \(throttled.value) times throttled and retried after Retry-After)
        calls established:   \(latencies.count)\(finished ? "" : " (timed out waiting)")
        created per second:  \(String(format: "%.0f", createdRate))
        established per s:   \(String(format: "%.0f", establishedRate)) (\(String(format: "%.1f", 100 * establishedRate / healthRate)) % of /health)
        create→established:  p50 \(percentile(0.5)), p99 \(percentile(0.99))
        summary calls=\(calls) concurrency=\(concurrency) health_rps=\(String(format: "%.0f", healthRate)) created_rps=\(String(format: "%.0f", createdRate)) established_rps=\(String(format: "%.0f", establishedRate)) ratio=\(String(format: "%.4f", establishedRate / healthRate)) p50_ms=\(milliseconds(0.5)) p99_ms=\(milliseconds(0.99)) failures=\(failures) throttled=\(throttled.value) timed_out=\(!finished)
        """)
    }

    /// The id of the call a notification says is established, if it says so. The receiver
    /// stands in for a bot but must not be what the bench measures: it looks for the two
    /// properties it needs in the bytes (Switchboard writes them always alike) instead of
    /// decoding every notification.
    static func establishedCallId(in body: ByteBuffer) -> String? {
        let bytes = body.readableBytesView
        guard bytes.firstRange(of: Array(#""state":"established""#.utf8)) != nil,
              let url = bytes.firstRange(of: Array(#""resourceUrl":"/communications/calls/"#.utf8)) else { return nil }
        let rest = bytes[url.upperBound...]
        guard let end = rest.firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        let id = rest[..<end]
        // A call's own notification, not one of its participants or operations.
        return id.contains(UInt8(ascii: "/")) ? nil : String(decoding: id, as: UTF8.self)
    }

    /// Runs `operation` `count` times, `concurrency` at once (each finish starts the next),
    /// and returns how many answered false.
    static func closedLoop(count: Int, concurrency: Int, _ operation: @escaping @Sendable () async throws -> Bool) async throws -> Int {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            var next = 0
            var failures = 0
            func submit() {
                guard next < count else { return }
                next += 1
                group.addTask { try await operation() }
            }
            for _ in 0..<concurrency { submit() }
            while let ok = try await group.next() {
                if !ok { failures += 1 }
                submit()
            }
            return failures
        }
    }

    static func token(client: HTTPClient, base: String) async throws -> String {
        var request = HTTPClientRequest(url: "\(base)/\(World.contosoTenantId)/oauth2/v2.0/token")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: "grant_type=client_credentials&client_id=\(World.callingBotAppId)&client_secret=\(World.callingBotSecret)&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"))
        let response = try await client.execute(request, timeout: .seconds(10))
        let data = try await response.body.collect(upTo: 1 << 20)
        guard let token = try JSONDecoder().decode([String: JSONValue].self, from: Data(buffer: data))["access_token"]?.stringValue else {
            throw ValidationError("The server gave no token: \(String(buffer: data))")
        }
        return token
    }

    /// Starts a server for `router` (with `services` beside it) on a free loopback port in
    /// `group`, and returns the port.
    static func start<Context: RequestContext>(
        _ router: Router<Context>, services: [any Service], logger: Logger,
        in group: inout ThrowingTaskGroup<Void, any Error>, running: inout [ServiceGroup]
    ) async throws -> Int where Context.Source == ApplicationRequestContextSource {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let serviceGroup = ServiceGroup(configuration: .init(services: [app] + services, logger: logger))
        running.append(serviceGroup)
        group.addTask { try await serviceGroup.run() }
        for await port in ports { return port }
        throw CancellationError()
    }
}

/// The one property of a created call the bench reads.
struct CreatedCall: Decodable {
    var id: String
}

/// A count several tasks add to.
final class Counter: Sendable {
    private let count = Mutex(0)
    func add() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

/// When each call's `established` notification arrived.
final class EstablishedRecorder: Sendable {
    private let times = Mutex<[String: ContinuousClock.Instant]>([:])

    func established(_ id: String, at instant: ContinuousClock.Instant) {
        times.withLock { $0[id] = $0[id] ?? instant }
    }

    func snapshot() -> [String: ContinuousClock.Instant] { times.withLock { $0 } }

    /// Waits (polling every 10 ms; this is a benchmark, not a test) for `count` calls.
    func wait(for count: Int, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if times.withLock({ $0.count }) >= count { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}
