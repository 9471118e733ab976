import CallRuntime
import GraphModel
import JWTKit
import Synchronization
import Webhooks
import World

/// Issues and checks the bearer tokens bots call Graph with, as Microsoft's identity
/// platform does for the client-credentials grant: a signed JWT naming the app (`appid`),
/// its tenant (`tid`) and its application permissions (`roles`), audience Graph.
public struct AccessTokenIssuer: Sendable {
    public static let audience = "https://graph.microsoft.com"
    public static let lifetimeSeconds: Int64 = 3599

    let signer: CallbackTokenSigner
    let world: World
    /// Tokens already verified, with their caller and expiry: a bot sends the same token
    /// for an hour, and one signature check is enough.
    private let verified = VerifiedTokenCache()

    public init(signer: CallbackTokenSigner, world: World) {
        self.signer = signer
        self.world = world
    }

    /// The issuer Microsoft's v1 access tokens carry for `tenantId`.
    public static func issuer(tenantId: String) -> String { "https://sts.windows.net/\(tenantId)/" }

    /// Checks client credentials and returns a token, or the reason they were refused.
    public func issue(tenantPath: String, clientId: String?, clientSecret: String?, grantType: String?, now: Timestamp) async throws -> Result<String, TokenRefusal> {
        guard grantType == "client_credentials" else {
            return .failure(.init(error: "unsupported_grant_type", code: "AADSTS70003", description: "The app requested an unsupported grant type. Switchboard supports client_credentials."))
        }
        guard let clientId, let app = world.application(id: clientId) else {
            return .failure(.init(error: "unauthorized_client", code: "AADSTS700016", description: "Application with identifier '\(clientId ?? "")' was not found in the directory."))
        }
        guard clientSecret == app.clientSecret else {
            return .failure(.init(error: "invalid_client", code: "AADSTS7000215", description: "Invalid client secret provided."))
        }
        let tenantId = world.tenant(id: tenantPath)?.id ?? (["common", "organizations"].contains(tenantPath.lowercased()) ? app.tenantId : nil)
        guard let tenantId else {
            return .failure(.init(error: "invalid_request", code: "AADSTS90002", description: "Tenant '\(tenantPath)' not found."))
        }
        guard app.isConsented(in: tenantId) else {
            // The identity platform's answer when an admin of that tenant never consented.
            return .failure(.init(error: "invalid_client", code: "AADSTS7000229", description: "The client application \(app.id) is missing service principal in the tenant \(tenantId)."))
        }
        let seconds = now.millisecondsSinceEpoch / 1000
        let claims = AccessTokenClaims(
            aud: AudienceClaim(value: [Self.audience]),
            iss: IssuerClaim(value: Self.issuer(tenantId: tenantId)),
            iat: IssuedAtClaim(value: .init(timeIntervalSince1970: Double(seconds))),
            nbf: NotBeforeClaim(value: .init(timeIntervalSince1970: Double(seconds - 300))),
            exp: ExpirationClaim(value: .init(timeIntervalSince1970: Double(seconds + Self.lifetimeSeconds))),
            appid: app.id, tid: tenantId, roles: app.permissions, idtyp: "app", sub: app.id, oid: app.id
        )
        return .success(try await signer.sign(claims))
    }

    /// The caller a bearer token stands for, or the Graph error for a bad token.
    public func caller(authorization: String?, now: Timestamp) async -> Result<CallerApp, GraphError> {
        guard let authorization, let token = Self.bearerToken(authorization) else {
            return .failure(.unauthenticated)
        }
        let nowSeconds = Double(now.millisecondsSinceEpoch) / 1000
        if let (caller, expiry) = verified.lookup(token), nowSeconds < expiry { return .success(caller) }
        let claims: AccessTokenClaims
        do {
            claims = try await signer.verify(token, as: AccessTokenClaims.self)
        } catch {
            return .failure(.invalidToken("The token is not one Switchboard issued, or is malformed."))
        }
        guard claims.exp.value.timeIntervalSince1970 > nowSeconds else {
            return .failure(.invalidToken("Lifetime validation failed, the token is expired."))
        }
        guard claims.nbf.value.timeIntervalSince1970 <= nowSeconds else {
            return .failure(.invalidToken("Lifetime validation failed, the token is not yet valid (nbf)."))
        }
        guard claims.aud.value.contains(Self.audience) else {
            return .failure(.invalidToken("Invalid audience."))
        }
        guard let tenant = world.tenant(id: claims.tid), claims.iss.value == Self.issuer(tenantId: tenant.id) else {
            return .failure(.invalidToken("Invalid issuer or tenant."))
        }
        guard let app = world.application(id: claims.appid), app.isConsented(in: tenant.id) else {
            return .failure(.invalidToken("The application is not known in the tenant."))
        }
        let caller = CallerApp(appId: app.id, tenantId: claims.tid, displayName: app.displayName, permissions: claims.roles)
        verified.store(token, caller: caller, expiry: claims.exp.value.timeIntervalSince1970)
        return .success(caller)
    }
}

/// Verified access tokens (bounded: emptied when it reaches its limit).
final class VerifiedTokenCache: Sendable {
    private let entries = Mutex<[String: (CallerApp, Double)]>([:])
    private let limit = 10_000

    func lookup(_ token: String) -> (CallerApp, Double)? {
        entries.withLock { $0[token] }
    }

    func store(_ token: String, caller: CallerApp, expiry: Double) {
        entries.withLock { entries in
            if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
            entries[token] = (caller, expiry)
        }
    }
}

/// Why the token endpoint refused a request (the identity platform's OAuth error shape).
public struct TokenRefusal: Error, Sendable, Hashable {
    public var error: String
    public var code: String
    public var description: String
}

/// The claims of an access token.
struct AccessTokenClaims: JWTPayload {
    var aud: AudienceClaim
    var iss: IssuerClaim
    var iat: IssuedAtClaim
    var nbf: NotBeforeClaim
    var exp: ExpirationClaim
    var appid: String
    var tid: String
    var roles: [String]
    var idtyp: String
    var sub: String
    var oid: String

    // Expiry is checked against the injected clock by the issuer, not the system clock.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

extension AccessTokenIssuer {
    /// The token of an `Authorization: Bearer …` header (scheme in any case, spaces around the
    /// token ignored), or `nil`. On the UTF-8 bytes: it runs for every Graph request, and a
    /// character-by-character trim of a 700-byte token cost a seventh of the server's time.
    static func bearerToken(_ header: String) -> String? {
        let bytes = header.utf8
        guard bytes.count > 7, zip(bytes.prefix(7), "bearer ".utf8).allSatisfy({ $0 | 0x20 == $1 }) else { return nil }
        var start = bytes.index(bytes.startIndex, offsetBy: 7)
        var end = bytes.endIndex
        while start < end, bytes[start] == UInt8(ascii: " ") { bytes.formIndex(after: &start) }
        while end > start, bytes[bytes.index(before: end)] == UInt8(ascii: " ") { bytes.formIndex(before: &end) }
        guard start < end else { return nil }
        return String(header[start..<end])
    }
}
