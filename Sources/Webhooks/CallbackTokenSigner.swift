import JWTKit

/// Signs the bearer tokens on Graph's callbacks, and publishes the keys bots verify them with.
///
/// A callback token names the bot's app id as `aud`, its tenant as `tid`, and Graph's
/// callback issuer as `iss`, as Microsoft's own callbacks do; the ES256 key behind it is
/// served as a JWKS through an OpenID configuration document.
public struct CallbackTokenSigner: Sendable {
    /// The issuer Graph's callback tokens carry.
    public static let issuer = "https://api.botframework.com"

    /// The key new tokens are signed with.
    public let keyId: String
    /// Every key published and accepted (the signing one last), by id.
    private let published: [(keyId: String, key: ES256PrivateKey)]
    private let keys: JWTKeyCollection
    /// How long a token is valid.
    public var lifetime: Duration = .seconds(3600)

    /// A signer over `key`, published under `keyId`.
    public init(key: ES256PrivateKey, keyId: String) async {
        await self.init(keys: [(keyId, key)])
    }

    /// A signer that signs with the last of `keys` and publishes and verifies with all of
    /// them (keys retired by a rotation stay until the tokens they signed expire).
    public init(keys: [(keyId: String, key: ES256PrivateKey)]) async {
        precondition(!keys.isEmpty, "a signer needs a key")
        published = keys
        keyId = keys[keys.count - 1].keyId
        var collection = JWTKeyCollection()
        for (id, key) in keys { collection = await collection.add(ecdsa: key, kid: JWKIdentifier(string: id)) }
        self.keys = collection
    }

    /// A new random P-256 key as PEM, for first start.
    public static func generateKeyPEM() -> String {
        ES256PrivateKey().pemRepresentation
    }

    /// The signing key from PEM.
    public static func key(pem: String) throws -> ES256PrivateKey {
        try ES256PrivateKey(pem: pem)
    }

    /// A callback token for `appId` in `tenantId`, issued at `nowSeconds` (Unix time).
    public func callbackToken(appId: String, tenantId: String, nowSeconds: Int64) async throws -> String {
        let claims = CallbackClaims(
            iss: IssuerClaim(value: Self.issuer),
            aud: AudienceClaim(value: [appId]),
            tid: tenantId,
            iat: IssuedAtClaim(value: .init(timeIntervalSince1970: Double(nowSeconds))),
            nbf: NotBeforeClaim(value: .init(timeIntervalSince1970: Double(nowSeconds - 300))),
            exp: ExpirationClaim(value: .init(timeIntervalSince1970: Double(nowSeconds + lifetime.components.seconds)))
        )
        return try await keys.sign(claims, kid: JWKIdentifier(string: keyId))
    }

    /// Signs any claims with the same key (the token endpoint's access tokens).
    public func sign(_ claims: some JWTPayload) async throws -> String {
        try await keys.sign(claims, kid: JWKIdentifier(string: keyId))
    }

    /// Verifies a token signed by this signer and returns its claims.
    public func verify<Claims: JWTPayload>(_ token: String, as type: Claims.Type = Claims.self) async throws -> Claims {
        try await keys.verify(token, as: Claims.self)
    }

    /// The public keys as a JWK Set, for bots to verify callbacks with.
    public var jwks: JWKS {
        JWKS(keys: published.map { id, key in
            let (x, y) = key.publicKey.parameters!
            return JWK.ecdsa(.es256, identifier: JWKIdentifier(string: id), x: x, y: y, curve: .p256)
        })
    }
}

/// The claims of a callback token.
public struct CallbackClaims: JWTPayload, Equatable {
    public var iss: IssuerClaim
    public var aud: AudienceClaim
    public var tid: String
    public var iat: IssuedAtClaim
    public var nbf: NotBeforeClaim
    public var exp: ExpirationClaim

    /// Only the signature is checked here; lifetime is checked by whoever verifies, against
    /// their own clock (Switchboard's may be a test's manual one).
    public func verify(using algorithm: some JWTAlgorithm) async throws {}
}
