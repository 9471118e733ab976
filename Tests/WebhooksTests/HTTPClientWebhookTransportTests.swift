import Glibc
import Testing
import Webhooks

/// The webhook client as the dispatcher uses it, against a real socket.
@Suite struct HTTPClientWebhookTransportTests {
    /// A receiver that refuses connections fails the try at once, for the dispatcher to
    /// retry on its own schedule, rather than keeping it in flight until its deadline while
    /// the client retries the connection (a bot that is down then looked like a slow one).
    /// Each try's deadline is two minutes: a client that retried would run into the time limit.
    @Test(.timeLimit(.minutes(1)))
    func aRefusedConnectionFailsTheTryRatherThanWaitingOutItsDeadline() async throws {
        let port = try #require(Self.closedPort())
        let client = HTTPClientWebhookTransport.makeClient(connectionsPerHost: 4)
        let transport = HTTPClientWebhookTransport(client: client)
        for _ in 0..<2 {
            await #expect(throws: (any Error).self) {
                _ = try await transport.post(url: "http://127.0.0.1:\(port)/callback", headers: [], body: Array("{}".utf8), timeout: .seconds(120))
            }
        }
        try await client.shutdown()
    }

    /// The same when the dispatcher starts the try without waiting for it: the completion
    /// hears of the refusal at once.
    @Test(.timeLimit(.minutes(1)))
    func aRefusedConnectionStartedWithoutWaitingCompletesAtOnce() async throws {
        let port = try #require(Self.closedPort())
        let client = HTTPClientWebhookTransport.makeClient(connectionsPerHost: 4)
        let transport = HTTPClientWebhookTransport(client: client)
        let result = await withCheckedContinuation { continuation in
            let started = transport.start(url: "http://127.0.0.1:\(port)/callback", headers: [], body: Array("{}".utf8), timeout: .seconds(120)) {
                continuation.resume(returning: $0)
            }
            #expect(started)
        }
        #expect(throws: (any Error).self) { try result.get() }
        try await client.shutdown()
    }

    /// A local port nothing listens on: bound, read back and closed again.
    private static func closedPort() -> UInt16? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        return bound ? UInt16(bigEndian: address.sin_port) : nil
    }
}
