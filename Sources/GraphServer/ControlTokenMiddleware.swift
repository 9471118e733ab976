import Hummingbird

/// Closes the control API (`/_switchboard/…`) to callers without the `--control-token`
/// bearer token. Health stays open (for probes), and so does the inspector's page, which
/// holds no data (it asks for the token and sends it with every request); recordings have
/// their own tokens.
struct ControlTokenMiddleware: RouterMiddleware {
    typealias Context = SwitchboardRequestContext
    let token: String

    static let open = ["/_switchboard/health", "/_switchboard/"]
    static let ownTokens = "/_switchboard/recordings/"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/_switchboard/"), !Self.open.contains(path), !path.hasPrefix(Self.ownTokens) else {
            return try await next(request, context)
        }
        let given = request.headers[.authorization].map { String($0.drop { $0 != " " }.dropFirst()) } ?? ""
        let scheme = request.headers[.authorization]?.prefix(7).lowercased() ?? ""
        guard scheme == "bearer ", Self.equal(Array(given.utf8), Array(token.utf8)) else {
            throw GraphError(.unauthorized, code: "InvalidAuthenticationToken",
                             message: "The control API needs the server's --control-token as a bearer token.")
        }
        return try await next(request, context)
    }

    /// Compares in time that depends on the lengths only, not on where they differ.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}
