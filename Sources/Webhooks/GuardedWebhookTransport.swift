import NetworkPolicy

/// A transport that checks, before each POST, every address the callback's host resolves
/// to against the callback policy: a host name that points at a private, link-local or
/// metadata address is refused as the address itself would have been at creation.
///
/// The HTTP client resolves the name again when it connects; a name that changes its
/// answer between the two (DNS rebinding) is a residual risk, stated in the threat model.
public struct GuardedWebhookTransport: WebhookTransport {
    private let base: any WebhookTransport
    private let policy: CallbackAddressPolicy
    private let resolver: any HostResolver

    public init(_ base: any WebhookTransport, policy: CallbackAddressPolicy, resolver: any HostResolver = SystemHostResolver()) {
        self.base = base
        self.policy = policy
        self.resolver = resolver
    }

    /// The callback's address is not one Switchboard sends to.
    public struct Refused: Error, CustomStringConvertible {
        public var description: String
    }

    public func post(url: String, headers: [(String, String)], body: [UInt8], timeout: Duration) async throws -> WebhookResponse {
        try await check(url)
        return try await base.post(url: url, headers: headers, body: body, timeout: timeout)
    }

    /// Checks an IP literal's callback at once and starts the POST; a host name has to be
    /// resolved first, which waits, so its POST is not started here.
    public func start(
        url: String, headers: [(String, String)], body: [UInt8], timeout: Duration,
        completion: @escaping @Sendable (Result<WebhookResponse, any Error>) -> Void
    ) -> Bool {
        guard let (scheme, host) = CallbackAddressPolicy.schemeAndHost(of: url), let literal = IPAddress(host) else { return false }
        do {
            try check([literal], host: host, scheme: scheme)
        } catch {
            completion(.failure(error))
            return true
        }
        return base.start(url: url, headers: headers, body: body, timeout: timeout, completion: completion)
    }

    /// Throws ``Refused`` unless every address `url`'s host stands for may be reached.
    public func check(_ url: String) async throws {
        guard let (scheme, host) = CallbackAddressPolicy.schemeAndHost(of: url) else {
            throw Refused(description: "callback refused: \(url) is not an http(s) URL")
        }
        let addresses: [IPAddress]
        if let literal = IPAddress(host) { addresses = [literal] } else { addresses = try await resolver.addresses(of: host) }
        try check(addresses, host: host, scheme: scheme)
    }

    private func check(_ addresses: [IPAddress], host: String, scheme: String) throws {
        guard !addresses.isEmpty else { throw Refused(description: "callback refused: \(host) resolves to no address") }
        for address in addresses {
            if let reason = policy.refusal(of: address, scheme: scheme) {
                throw Refused(description: "callback refused: \(host) resolves to \(address): \(reason)")
            }
        }
    }
}
