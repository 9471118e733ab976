import AsyncHTTPClient
import NIOCore

/// Fetches prompt media so its length can be read. Only ever called for loopback URLs
/// (the runtime checks): a bot under test can serve its prompts locally.
public struct MediaFetcher: Sendable {
    /// The most a prompt may weigh (about 8 minutes of 16 kHz 16-bit mono).
    public static let sizeLimit = 16 << 20
    let client: HTTPClient

    public init(client: HTTPClient) { self.client = client }

    /// The body of `url`, or nil when it cannot be fetched within two seconds.
    public func fetch(_ url: String) async -> [UInt8]? {
        do {
            let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(2))
            guard response.status == .ok else { return nil }
            let body = try await response.body.collect(upTo: Self.sizeLimit)
            return Array(body.readableBytesView)
        } catch {
            return nil
        }
    }
}
