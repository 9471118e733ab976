import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization

/// How a notification leaves the building: one HTTP POST.
public protocol WebhookTransport: Sendable {
    /// POSTs `body` to `url` and returns what the receiver answered; throws when no response came.
    func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async throws -> WebhookResponse

    /// Starts the same POST without waiting for it, and calls `completion` once with what
    /// ``post(url:headers:body:timeout:)`` would have returned or thrown: on whatever thread
    /// the answer came in on, possibly before returning. Returns `false`, having started
    /// nothing and calling nothing, when the POST cannot start without waiting (a host name
    /// to resolve first, a receiver held): the caller then uses `post` from a task.
    ///
    /// The dispatcher starts most tries this way, straight from its loop: a try then costs
    /// no task of its own and no resumption of one when the answer comes.
    func start(
        url: String, headers: [(String, String)], body: [UInt8], timeout: Duration,
        completion: @escaping @Sendable (Result<WebhookResponse, any Error>) -> Void
    ) -> Bool
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
    private let templates = RequestTemplates()

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
        // A connection refused fails the try at once: the dispatcher's retry policy and its
        // probes decide when to try again. The client's own retry kept tries waiting, in
        // flight, until their deadline, so a bot that was down looked slow and paced writers.
        configuration.connectionPool.retryConnectionEstablishment = false
        // Receivers do not send us elsewhere by themselves: a 302 is the dispatcher's to handle.
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Sent with async-http-client's delegate API rather than its async one: the async one
    /// starts a task per request for cancellation (a trip through the scheduler per
    /// notification), and a bot's answer needs no more than its status line and `Location`.
    public func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async throws -> WebhookResponse {
        try await execute(url: url, headers: headers, body: body, timeout: timeout).get()
    }

    /// Always starts: the client connects, and resolves names, on its event loop.
    public func start(
        url: String, headers: [(String, String)], body: [UInt8], timeout: Duration,
        completion: @escaping @Sendable (Result<WebhookResponse, any Error>) -> Void
    ) -> Bool {
        do {
            try execute(url: url, headers: headers, body: body, timeout: timeout).whenComplete(completion)
        } catch {
            completion(.failure(error))
        }
        return true
    }

    private func execute(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) throws -> EventLoopFuture<WebhookResponse> {
        var fields = HTTPHeaders()
        for (name, value) in headers { fields.add(name: name, value: value) }
        var request = try templates.request(for: url)
        request.headers = fields
        request.body = .byteBuffer(ByteBuffer(bytes: body))
        return client.execute(request: request, delegate: AnswerReader(), deadline: .now() + .milliseconds(timeout.milliseconds)).futureResult
    }
}

/// A POST to each callback URL with nothing in it yet, so a URL is parsed once rather than
/// once per notification (a bot keeps its callback for the life of its calls).
private final class RequestTemplates: Sendable {
    /// Past this many URLs the templates are forgotten and made again as they are used.
    static let limit = 1024
    private let templates = Mutex<[String: HTTPClient.Request]>([:])

    func request(for url: String) throws -> HTTPClient.Request {
        if let template = templates.withLock({ $0[url] }) { return template }
        let template = try HTTPClient.Request(url: url, method: .POST)
        templates.withLock { templates in
            if templates.count >= Self.limit { templates.removeAll(keepingCapacity: true) }
            templates[url] = template
        }
        return template
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
