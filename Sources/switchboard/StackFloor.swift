import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import Webhooks

/// `switchboard stack-floor`: the least a create can cost on this stack, to measure
/// Switchboard's own cost against.
///
/// A create is one inbound request and, before the bot has its calls established, two
/// outbound webhook POSTs. This server does that I/O and nothing else — no JSON, no
/// engine, no store, no signing: each `POST /calls` reads its body, POSTs a notification
/// of Switchboard's size (with a header block of a signed notification's size) to the
/// receiver twice, one after the other as a call's notifications go, and answers 201 with
/// a body of a create's size. Same HTTP server (Hummingbird, HTTP/1.1), same webhook client
/// (async-http-client through ``HTTPClientWebhookTransport``), same health route. wrk
/// against its `/calls` and its `/_switchboard/health` gives the ceiling of a create's rate
/// as a share of /health on this machine (`scripts/bench` does it).
struct StackFloor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stack-floor",
        abstract: "A server that does a create's I/O and nothing else (one request in, two webhooks out): the stack's ceiling, for the benchmark.")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8090

    @Option(help: "Where the two notifications of each create are POSTed.")
    var receiver: String

    @Option(help: "Bytes in each notification's body (Switchboard's establishing/established: about 400).")
    var notificationBytes = 400

    @Option(help: "Bytes of headers added to each notification (a signed notification's Authorization and client-state: about 600).")
    var headerBytes = 600

    @Option(help: "Bytes in the 201's body (a created call: about 1,000).")
    var responseBytes = 1024

    @Option(help: "Concurrent connections to the receiver.")
    var connections = 64

    func run() async throws {
        let client = HTTPClientWebhookTransport.makeClient(connectionsPerHost: connections)
        let transport = HTTPClientWebhookTransport(client: client)
        let notification = [UInt8](repeating: UInt8(ascii: "n"), count: notificationBytes)
        let headers = [("Content-Type", "application/json"), ("Authorization", "Bearer " + String(repeating: "t", count: max(0, headerBytes - 60)))]
        let created = ByteBuffer(bytes: [UInt8](repeating: UInt8(ascii: "c"), count: responseBytes))
        let router = Router()
        router.get("/_switchboard/health") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        router.post("/calls") { request, _ in
            _ = try await request.body.collect(upTo: 1 << 20)
            for _ in 0 ..< 2 {
                _ = try await transport.post(url: receiver, headers: headers, body: notification, timeout: .seconds(10))
            }
            return Response(status: .created, headers: [.contentType: "application/json"], body: .init(byteBuffer: created))
        }
        var logger = Logger(label: "stack-floor")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "Switchboard"), logger: logger)
        try await app.runService()
        try await client.shutdown()
    }
}
