import ArgumentParser
import Foundation
import CallRuntime
import GraphModel
import GraphServer
import Hummingbird
import Logging
import NetworkPolicy
import Webhooks
import World

/// `switchboard serve`: runs the server.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the Switchboard server (the default).")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port).")
    var port = 8080

    @Option(help: "Where calls and undelivered notifications are kept: sqlite:PATH, memory, or postgres://USER@HOST:PORT/DB (password in the URL or PGPASSWORD; several nodes may share one database).", transform: StoreOption.parse)
    var store = StoreOption.sqlite(path: "./switchboard.sqlite")

    @Option(help: "A world file (YAML or JSON; `switchboard world print` shows the built-in one). Default: the built-in world.")
    var world: String?

    @Option(help: "Seconds a simulated user rings before answering (default: the world's ringTimeMs, 1 s in the built-in world).")
    var ringTime: Double?

    @Option(help: "Base URL clients use to reach this server, for Location headers (default: from each request's Host).")
    var publicBaseURL: String?

    @Option(help: "real: timers run in real time. manual: time moves only when POST /_switchboard/clock/advance says.")
    var clock = ClockMode.real

    enum ClockMode: String, ExpressibleByArgument {
        case real, manual
    }

    @Option(help: "Require this bearer token on the control API (/_switchboard/); set it whenever others can reach the server.")
    var controlToken: String?

    @Option(name: .customLong("callback-allow"), help: ArgumentHelp(
        "A network (CIDR, e.g. 10.0.0.0/8, or one address) callbacks may reach besides public addresses over https and loopback over http; repeat for more.",
        valueName: "cidr"))
    var callbackAllow: [String] = []

    @Option(help: "Hours between rotations of the key that signs callback tokens (the old key stays published for an hour); 0: only when POST /_switchboard/callback-keys/rotate says.")
    var callbackKeyRotation: Double = 24

    @Option(help: "Notifications waiting for delivery beyond which Graph POST, PUT and PATCH get 429 with Retry-After; 0: no limit.")
    var maxBacklog = 20_000

    @Option(help: "Graph requests per second taken before 429 with Retry-After; 0: no limit.")
    var maxRequestRate: Double = 0

    // Unconditional: the value is taken as given, so `--pace-backlog -1` is the number, not an option.
    @Option(parsing: .unconditional, help: "Notifications due and unsent beyond which Graph POST, PUT and PATCH wait (up to --max-pace-wait seconds) for delivery to catch up; -1: never wait.")
    var paceBacklog = OverloadLimits().paceBacklog ?? -1

    @Option(help: "Seconds a request waits for delivery to catch up before it is handled anyway.")
    var maxPaceWait: Double = 1

    @OptionGroup(title: "Notification delivery")
    var delivery: DeliveryOptions

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    enum LogFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(help: "Log lines on standard error: text (for people) or json (one object per line, the IDs in fields).")
    var logFormat: LogFormat = .text

    func validate() throws {
        guard callbackKeyRotation >= 0 else { throw ValidationError("--callback-key-rotation must not be negative.") }
        guard maxBacklog >= 0, maxRequestRate >= 0 else { throw ValidationError("--max-backlog and --max-request-rate must not be negative.") }
        guard paceBacklog >= -1, maxPaceWait >= 0 else { throw ValidationError("--pace-backlog must be -1 or more, --max-pace-wait not negative.") }
        for network in callbackAllow where IPNetwork(network) == nil {
            throw ValidationError("--callback-allow \(network) is not a network: give an address or CIDR block such as 10.0.0.0/8 or fd00::/8.")
        }
    }

    func run() async throws {
        if logFormat == .json {
            LoggingSystem.bootstrap({ label, provider in JSONLogHandler.standardError(label: label, metadataProvider: provider) }, metadataProvider: nil)
        }
        var logger = Logger(label: "switchboard")
        logger.logLevel = logLevel
        let clock: any WallClock = self.clock == .manual ? ManualClock(start: SystemWallClock().now()) : SystemWallClock()
        var world: World
        if let file = self.world {
            do {
                world = try WorldFile.load(path: file)
            } catch {
                FileHandle.standardError.write(Data("\(file) is not a usable world file (switchboard world check \(file)):\n".utf8))
                WorldCommand.report(error, in: file)
                throw ExitCode(1)
            }
        } else {
            world = .builtIn()
        }
        if let ringTime { world.defaultRingTime = .milliseconds(Int64(ringTime * 1000)) }
        let callStore = try await store.open()
        let webhookConfiguration = delivery.configuration
        let webhookClient = HTTPClientWebhookTransport.makeClient(
            connectionsPerHost: webhookConfiguration.maxConcurrentDeliveries, connectTimeout: webhookConfiguration.requestTimeout
        )
        let callbackPolicy = CallbackAddressPolicy(allowedNetworks: callbackAllow.compactMap(IPNetwork.init))
        let stack = try await SwitchboardStack.make(
            store: callStore, transport: GuardedWebhookTransport(HTTPClientWebhookTransport(client: webhookClient), policy: callbackPolicy),
            clock: clock,
            world: world, webhookConfiguration: webhookConfiguration,
            publicBaseURL: publicBaseURL,
            fetchMedia: { [fetcher = MediaFetcher(client: webhookClient)] in await fetcher.fetch($0) },
            timerMode: self.clock == .manual ? .driven : .automatic,
            controlToken: controlToken,
            callbackPolicy: callbackPolicy,
            callbackKeyRotation: callbackKeyRotation == 0 ? nil : .milliseconds(Int64(callbackKeyRotation * 3_600_000)),
            overload: OverloadLimits(
                maxBacklog: maxBacklog == 0 ? nil : maxBacklog, maxRequestRate: maxRequestRate == 0 ? nil : maxRequestRate,
                paceBacklog: paceBacklog < 0 ? nil : paceBacklog, maxPaceWait: .milliseconds(Int64(maxPaceWait * 1000))
            ),
            logger: logger
        )
        if controlToken == nil, !["127.0.0.1", "localhost", "::1"].contains(host) {
            logger.warning("Listening on \(host) with the control API open: anyone who reaches this address can place calls, move the clock and reset. Start with --control-token SECRET.")
        }
        let storeDescription = store.description
        let worldDescription = self.world ?? "built-in (switchboard world print)"
        let clockDescription = self.clock == .manual ? "manual (POST /_switchboard/clock/advance moves it)" : "real"
        var app = Application(
            router: stack.router(),
            server: stack.httpServer(),
            configuration: .init(address: .hostname(host, port: port), serverName: "Switchboard"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                let base = "http://\(host):\(port)"
                // Written straight to the file descriptor: when standard output is a pipe (CI
                // logs, a process manager) a buffered print would sit unseen until exit.
                FileHandle.standardOutput.write(Data("""
                Switchboard listening on \(base)
                  store: \(storeDescription)
                  world: \(worldDescription)
                  clock: \(clockDescription)
                  Graph: \(base)/v1.0/communications/calls
                  token: curl -s \(base)/\(World.contosoTenantId)/oauth2/v2.0/token \\
                           -d grant_type=client_credentials -d client_id=\(World.callingBotAppId) \\
                           -d client_secret=\(World.callingBotSecret) -d scope=https://graph.microsoft.com/.default
                  callback keys: \(base)/v1/.well-known/OpenIdConfiguration
                  inspector: \(base)/_switchboard/
                  metrics: \(base)/metrics

                """.utf8))
            },
            logger: logger
        )
        app.addServices(stack.backgroundServices)
        try await app.runService()
        try await webhookClient.shutdown()
        try await callStore.close()
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
