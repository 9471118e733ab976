/// Which callback URIs Switchboard will POST to, checked twice: the URI when a bot gives
/// it (``check(_:)``), and the addresses its host resolves to when a notification is sent
/// (``refusal(of:scheme:)``), so a host name cannot smuggle a private address past the first.
///
/// By default: HTTPS to public addresses (as Graph requires), and plain HTTP only to this
/// machine's loopback, so bots can be tested locally without certificates. Link-local
/// (cloud metadata lives there), private, shared, reserved and IPv4-mapped forms are refused.
/// ``allowedNetworks`` opens blocks (for either scheme) for bots on a private network.
public struct CallbackAddressPolicy: Sendable, Hashable {
    /// Blocks callbacks may reach whatever the rules above say (`serve --callback-allow`).
    public var allowedNetworks: [IPNetwork]

    public init(allowedNetworks: [IPNetwork] = []) {
        self.allowedNetworks = allowedNetworks
    }

    /// Why a callback URI is not taken, for the 400 a bot gets.
    public struct Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// Checks a callback URI as given: its form, its scheme, and its host when that is an
    /// address. A host name passes here and is checked on what it resolves to at delivery.
    public func check(_ uri: String) throws(Refusal) {
        guard !uri.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F || $0 == "\\" }) else {
            throw Refusal(message: "callbackUri must not contain spaces, control characters or backslashes.")
        }
        guard let (scheme, host) = Self.schemeAndHost(of: uri), !host.isEmpty, uri.count <= 2048 else {
            throw Refusal(message: "callbackUri must be an absolute https URL.")
        }
        if let address = IPAddress(host) {
            if let refusal = refusal(of: address, scheme: scheme) { throw Refusal(message: "callbackUri's host \(host): \(refusal)") }
            return
        }
        if host.allSatisfy({ $0.isNumber || $0 == "." || $0 == "x" }) {
            // 2130706433, 0x7f.1, 127.1: other spellings of addresses, refused rather than guessed.
            throw Refusal(message: "callbackUri's host \(host) is not a valid host name or dotted IPv4 address.")
        }
        if scheme == "http" && host != "localhost" && allowedNetworks.isEmpty {
            throw Refusal(message: "callbackUri must use https (plain http is allowed only to loopback addresses).")
        }
    }

    /// Why a notification may not go to `address` over `scheme`, or `nil` when it may.
    public func refusal(of address: IPAddress, scheme: String) -> String? {
        if allowedNetworks.contains(where: { $0.contains(address) }) { return nil }
        if scheme == "http" {
            return address.isLoopback ? nil : "plain http reaches only loopback addresses (and networks allowed with --callback-allow)."
        }
        return address.isPublic ? nil
            : "\(address) is not a public address (private, link-local, loopback, metadata and IPv4-mapped addresses are refused for https; --callback-allow opens a network)."
    }

    /// Whether `uri` is an http(s) URL on this machine's loopback.
    public static func isLoopbackURL(_ uri: String) -> Bool {
        guard let (_, host) = schemeAndHost(of: uri) else { return false }
        return host == "localhost" || (IPAddress(host)?.isLoopback ?? false)
    }

    /// The lower-cased scheme (`http` or `https`) and host (IPv6 without brackets) of an
    /// absolute URL; `nil` for any other scheme.
    public static func schemeAndHost(of uri: String) -> (scheme: String, host: String)? {
        guard let (scheme, hostPort) = schemeAndHostPort(of: uri) else { return nil }
        if hostPort.hasPrefix("[") {
            return (scheme, String(hostPort.prefix { $0 != "]" }.dropFirst()))
        }
        return (scheme, String(hostPort.prefix { $0 != ":" }))
    }

    /// Scheme, host and port of a URL, lower-cased (`https://bot.example.com:8443`): the
    /// unit a receiver is up or down in. Any other scheme: the URL itself.
    public static func origin(of uri: String) -> String {
        guard let (scheme, hostPort) = schemeAndHostPort(of: uri) else { return uri }
        return scheme + "://" + hostPort
    }

    /// The lower-cased scheme (`http` or `https`) and authority without user info. Read in
    /// the bytes in one pass: every create checks its callback URI and every notification
    /// names its receiver.
    private static func schemeAndHostPort(of uri: String) -> (scheme: String, hostPort: String)? {
        let bytes = uri.utf8
        let scheme: String
        if startsCaseInsensitively(bytes, with: "https://") {
            scheme = "https"
        } else if startsCaseInsensitively(bytes, with: "http://") {
            scheme = "http"
        } else {
            return nil
        }
        let rest = bytes.dropFirst(scheme.utf8.count + 3)
        let end = rest.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? rest.endIndex
        let authority = rest[..<end]
        let start = authority.lastIndex(of: UInt8(ascii: "@")).map { authority.index(after: $0) } ?? authority.startIndex
        return (scheme, String(decoding: authority[start...], as: UTF8.self).lowercased())
    }

    /// Whether `bytes` start with `prefix` (lower-case ASCII), its letters in any case.
    private static func startsCaseInsensitively(_ bytes: String.UTF8View, with prefix: StaticString) -> Bool {
        var index = bytes.startIndex
        for expected in UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount) {
            guard index < bytes.endIndex else { return false }
            let byte = bytes[index]
            let isLetter = expected >= UInt8(ascii: "a") && expected <= UInt8(ascii: "z")
            guard byte == expected || (isLetter && byte | 0x20 == expected) else { return false }
            index = bytes.index(after: index)
        }
        return true
    }
}
