import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// How a notification leaves the building: one HTTP POST.
public protocol WebhookTransport: Sendable {
    /// POSTs `body` to `url` and returns what the receiver answered; throws when no response came.
    func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async throws -> WebhookResponse
}

/// What a bot answered to a notification.
public struct WebhookResponse: Sendable, Hashable {
    public var status: Int
    /// The `Location` header (a 302 moves the call there).
    public var location: String?

    public init(status: Int, location: String? = nil) {
        self.status = status
        self.location = location
    }
}

/// The production transport, on async-http-client.
public struct HTTPClientWebhookTransport: WebhookTransport {
    private let client: HTTPClient

    /// A transport over `client`. Its connection pool limits how many deliveries to one
    /// bot run at once: see ``makeClient(connectionsPerHost:connectTimeout:)``.
    public init(client: HTTPClient) {
        self.client = client
    }

    /// A client whose pool allows `connectionsPerHost` concurrent connections to one bot
    /// (async-http-client's default of 8 would throttle the dispatcher). Shut it down after use.
    /// Connecting takes at most `connectTimeout`; each POST is bounded by its own timeout.
    public static func makeClient(connectionsPerHost: Int, connectTimeout: Duration = .seconds(10)) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connectionsPerHost)
        configuration.timeout.connect = .milliseconds(connectTimeout.milliseconds)
        // Receivers do not send us elsewhere by themselves: a 302 is the dispatcher's to handle.
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async throws -> WebhookResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .milliseconds(timeout.milliseconds))
        // Drain (bounded) so the connection can be reused.
        _ = try? await response.body.collect(upTo: 1 << 20)
        return WebhookResponse(status: Int(response.status.code), location: response.headers.first(name: "Location"))
    }
}
