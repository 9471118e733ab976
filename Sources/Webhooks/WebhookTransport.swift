import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization

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

    /// Sent with async-http-client's delegate API rather than its async one: the async one
    /// starts a task per request for cancellation (a trip through the scheduler per
    /// notification), and a bot's answer needs no more than its status line and `Location`.
    public func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async throws -> WebhookResponse {
        var fields = HTTPHeaders()
        for (name, value) in headers { fields.add(name: name, value: value) }
        let request = try HTTPClient.Request(url: url, method: .POST, headers: fields, body: .byteBuffer(ByteBuffer(bytes: body)))
        return try await client.execute(request: request, delegate: AnswerReader(), deadline: .now() + .milliseconds(timeout.milliseconds)).get()
    }
}

/// Keeps a response's status and `Location`, and reads past its body (the connection is
/// reused; a body that never ends runs into the request's deadline).
private final class AnswerReader: HTTPClientResponseDelegate {
    private let head = Mutex<HTTPResponseHead?>(nil)

    func didReceiveHead(task: HTTPClient.Task<WebhookResponse>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        self.head.withLock { $0 = head }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<WebhookResponse>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<WebhookResponse>) throws -> WebhookResponse {
        guard let head = head.withLock({ $0 }) else { throw HTTPClientError.remoteConnectionClosed }
        return WebhookResponse(status: Int(head.status.code), location: head.headers.first(name: "Location"))
    }
}
