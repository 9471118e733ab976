import ArgumentParser
import AsyncHTTPClient
import CallRuntime
import CallStore
import Foundation
import GraphModel
import GraphServer
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import Webhooks
import World

/// `switchboard bench`: measures a server in one of three modes, with a loopback webhook
/// receiver standing in for the bot, and ends with one machine-readable summary line.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure call throughput, latency and memory per call.",
        discussion: """
        Closed loop (default): --calls creates, --concurrency at a time, between two rounds of \
        /_switchboard/health with the same client and concurrency; prints the rates and the ratio \
        of the call rate to the mean /health rate.
        Open loop (--rate N): N creates a second for --duration seconds whatever the answers; latency \
        counts from when each create was due, so a slow server cannot hide its delays.
        Soak (--soak N): N calls established and held (--hold seconds); the server's resident memory \
        per call, from /_switchboard/stats.
        Latencies: create to the call's established notification, and every notification's commit to \
        its arrival (Switchboard-Committed-At), in HdrHistograms; a notification arrives when the \
        receiver's event loop reads it, before the bench's own tasks get to it. The last line is `summary key=value ...`.
        """
    )

    @Option(help: "Closed loop: calls to create.")
    var calls = 2000

    @Option(help: "Create requests in flight at once (closed loop and soak), and the /health client's.")
    var concurrency = 32

    @Option(help: "Open loop: calls created per second, for --duration seconds.")
    var rate: Double?

    @Option(help: "Open loop: seconds to create calls for.")
    var duration: Double = 10

    @Option(help: "Soak: calls to establish and hold; prints resident memory per call.")
    var soak: Int?

    @Option(help: "Soak: seconds to hold the calls before memory is read again.")
    var hold: Double = 0

    @Option(help: "Base URL of a running server (started with --ring-time 0); default: one started in this process (then the memory figures include the bench's own). Repeat it for several nodes on one database: requests go to each in turn.")
    var server: [String] = []

    @Option(help: "Store of the in-process server: sqlite:PATH or memory.", transform: StoreOption.parse)
    var store = StoreOption.memory

    @Option(help: "The server's --control-token, if it has one (for /_switchboard/stats).")
    var controlToken: String?

    @Option(help: "Seconds to wait for the last established notification.")
    var timeout: Double = 120

    func validate() throws {
        guard calls > 0, concurrency > 0 else { throw ValidationError("--calls and --concurrency must be positive.") }
        if let rate { guard rate > 0, duration > 0 else { throw ValidationError("--rate and --duration must be positive.") } }
        if let soak { guard soak > 0, hold >= 0 else { throw ValidationError("--soak must be positive, --hold not negative.") } }
        guard rate == nil || soak == nil else { throw ValidationError("Choose one of --rate and --soak.") }
    }

    func run() async throws {
        var logger = Logger(label: "switchboard.bench")
        logger.logLevel = .warning
        let recorder = BenchRecorder()
        let receiverRouter = Router()
        receiverRouter.post("/callback") { request, _ -> HTTPResponse.Status in
            let committedAt = request.headers[HTTPField.Name(WebhookDispatcher.committedAtHeader)!]
            let arrived = ArrivalStamp.arrival(request.headers[ArrivalStamp.header])
            let body = try await request.body.collect(upTo: 1 << 20)
            recorder.received(body: body, committedAt: committedAt, at: arrived?.instant ?? .now, wallNow: arrived?.wall ?? Date())
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

    private func runBench(webhookClient: HTTPClient, recorder: BenchRecorder, receiverRouter: Router<BasicRequestContext>, logger: Logger) async throws {
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

    private func runServers(webhookClient: HTTPClient, recorder: BenchRecorder, receiverRouter: Router<BasicRequestContext>, logger: Logger, opened: inout (any CallStore)?) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running: [ServiceGroup] = []
            let receiverPort = try await Self.start(
                receiverRouter, server: .http1(additionalChannelHandlers: [ArrivalStamp()]), services: [], logger: logger, in: &group, running: &running
            )
            let bases: [String]
            if !server.isEmpty {
                bases = server
            } else {
                let callStore = try await store.open()
                opened = callStore
                let stack = try await SwitchboardStack.make(
                    store: callStore, transport: HTTPClientWebhookTransport(client: webhookClient), clock: SystemWallClock(),
                    world: .builtIn(defaultRingTime: .zero), logger: logger
                )
                bases = ["http://127.0.0.1:\(try await Self.start(stack.router(), services: stack.backgroundServices, logger: logger, in: &group, running: &running))"]
            }
            do {
                try await Self.withClient(connectionsPerHost: max(concurrency, 256)) { client in
                    let session = try await BenchSession(
                        client: client, bases: bases, callback: "http://127.0.0.1:\(receiverPort)/callback", recorder: recorder,
                        controlToken: controlToken, timeout: .milliseconds(Int64(timeout * 1000))
                    )
                    if let rate {
                        try await session.openLoop(rate: rate, duration: duration, concurrency: concurrency)
                    } else if let soak {
                        try await session.soak(calls: soak, concurrency: concurrency, hold: hold)
                    } else {
                        try await session.closedLoop(calls: calls, concurrency: concurrency)
                    }
                }
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
        _ router: Router<Context>, server: HTTPServerBuilder = .http1(), services: [any Service], logger: Logger,
        in group: inout ThrowingTaskGroup<Void, any Error>, running: inout [ServiceGroup]
    ) async throws -> Int where Context.Source == ApplicationRequestContextSource {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var app = Application(
            router: router,
            server: server,
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
    /// Adds `amount` (1 by default; negative to take away) and returns the new count.
    @discardableResult
    func add(_ amount: Int = 1) -> Int {
        count.withLock { count in
            count += amount
            return count
        }
    }

    var value: Int { count.withLock { $0 } }
}
