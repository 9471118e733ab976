import CallStore
import Foundation
import GraphModel
import JWTKit
import Logging
import ServiceLifecycle
import Synchronization

/// The keys that sign callback tokens: one signs, the ones it replaced stay published until
/// every token they signed has expired, so a bot verifying a notification in flight during
/// a rotation still finds its key in the JWKS.
///
/// Kept in the store (setting ``setting``) so every restart, and every node on one
/// database, signs and publishes the same keys. Rotates every ``rotationInterval`` when one
/// is set (run it as a service), and whenever ``rotate()`` is called (the control API).
public actor CallbackKeyRing: Service {
    /// One key as stored.
    public struct Key: Codable, Sendable, Hashable {
        public var kid: String
        public var pem: String
        /// Milliseconds since the Unix epoch.
        public var createdAt: Int64
        /// When it stopped signing; `nil` for the signing key.
        public var retiredAt: Int64?
    }

    /// The store setting holding the keys (JSON).
    public static let setting = "callback-signing-keys"
    /// The setting of releases before rotation: its key becomes the ring's first.
    public static let legacySetting = "callback-signing-key"

    private let store: any CallStore
    private let clock: any WallClock
    public nonisolated let rotationInterval: Duration?
    private let logger: Logger
    private var stored: String
    private var keys: [Key]
    public private(set) var signer: CallbackTokenSigner
    /// Tokens by app and tenant, reused for ``tokenReuse`` of their hour so a busy bot does
    /// not cost one signature per notification; emptied by a rotation. Read without hopping
    /// onto the ring (every notification asks).
    private let tokens = Mutex<[String: (token: String, issued: Timestamp)]>([:])
    private let tokenReuse: Duration = .seconds(300)

    private init(store: any CallStore, clock: any WallClock, rotationInterval: Duration?, logger: Logger,
                 stored: String, keys: [Key], signer: CallbackTokenSigner) {
        self.store = store
        self.clock = clock
        self.rotationInterval = rotationInterval
        self.logger = logger
        self.stored = stored
        self.keys = keys
        self.signer = signer
    }

    /// The ring as stored, created with one new key (or the key of an older release) on first start.
    public static func load(
        store: any CallStore, clock: any WallClock, rotationInterval: Duration? = nil,
        logger: Logger = Logger(label: "switchboard.keys")
    ) async throws -> CallbackKeyRing {
        var stored = try await store.setting(setting)
        if stored == nil {
            let pem = try await store.initializeSetting(legacySetting, value: CallbackTokenSigner.generateKeyPEM())
            let first = [Key(kid: "switchboard-1", pem: pem, createdAt: clock.now().millisecondsSinceEpoch, retiredAt: nil)]
            stored = try await store.initializeSetting(setting, value: try encode(first))
        }
        let keys = try decode(stored!)
        return CallbackKeyRing(store: store, clock: clock, rotationInterval: rotationInterval, logger: logger,
                               stored: stored!, keys: keys, signer: try await makeSigner(keys))
    }

    /// The keys published now, oldest first (the last signs).
    public var publishedKeys: [Key] { keys }

    /// A callback token for `appId` in `tenantId`, signed with the current key.
    public nonisolated func callbackToken(appId: String, tenantId: String) async throws -> String {
        if let token = cachedCallbackToken(appId: appId, tenantId: tenantId) { return token }
        return try await signToken(appId: appId, tenantId: tenantId, key: appId + "|" + tenantId, now: clock.now())
    }

    /// The token ``callbackToken(appId:tenantId:)`` would return without signing, if one
    /// was signed recently enough to reuse; `nil` when a new one has to be signed.
    public nonisolated func cachedCallbackToken(appId: String, tenantId: String) -> String? {
        let now = clock.now()
        guard let cached = tokens.withLock({ $0[appId + "|" + tenantId] }), cached.issued <= now,
              now < cached.issued.advanced(by: tokenReuse) else { return nil }
        return cached.token
    }

    private func signToken(appId: String, tenantId: String, key: String, now: Timestamp) async throws -> String {
        let token = try await signer.callbackToken(appId: appId, tenantId: tenantId, nowSeconds: now.millisecondsSinceEpoch / 1000)
        tokens.withLock { $0[key] = (token, now) }
        return token
    }

    /// Starts signing with a new key; the old one stays published for a token's lifetime.
    /// Safe against another node rotating at the same time (the store compares and sets).
    @discardableResult
    public func rotate() async throws -> Key {
        while true {
            let now = clock.now().millisecondsSinceEpoch
            var next = keys.filter { $0.retiredAt.map { now < $0 + signer.lifetime.milliseconds } ?? true }
            for index in next.indices where next[index].retiredAt == nil { next[index].retiredAt = now }
            let number = (keys.compactMap { Int($0.kid.split(separator: "-").last ?? "") }.max() ?? 0) + 1
            let key = Key(kid: "switchboard-\(number)", pem: CallbackTokenSigner.generateKeyPEM(), createdAt: now, retiredAt: nil)
            next.append(key)
            let text = try Self.encode(next)
            if try await store.updateSetting(Self.setting, from: stored, to: text) {
                try await adopt(text, next)
                logger.info("Callback signing key rotated", metadata: ["kid": "\(key.kid)"])
                return key
            }
            // Someone else rotated (another node): start again from what they stored.
            try await reload()
        }
    }

    /// Re-reads the keys from the store (another node may have rotated).
    public func reload() async throws {
        guard let text = try await store.setting(Self.setting), text != stored else { return }
        try await adopt(text, Self.decode(text))
    }

    private func adopt(_ text: String, _ next: [Key]) async throws {
        signer = try await Self.makeSigner(next)
        keys = next
        stored = text
        tokens.withLock { $0 = [:] }
    }

    /// Rotates every ``rotationInterval`` after the signing key was made (at once, when a
    /// restart finds it overdue). Without one it waits for shutdown: a service that returns
    /// early stops every other service of its group.
    public func run() async throws {
        guard let rotationInterval else {
            try? await gracefulShutdown()
            return
        }
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let created = Timestamp(millisecondsSinceEpoch: await self.signingKeyCreatedAt)
                try await self.clock.sleep(until: created.advanced(by: rotationInterval))
                try await self.reload()
                if await self.signingKeyCreatedAt == created.millisecondsSinceEpoch { try await self.rotate() }
            }
        }
    }

    private var signingKeyCreatedAt: Int64 { keys.last?.createdAt ?? 0 }

    private static func makeSigner(_ keys: [Key]) async throws -> CallbackTokenSigner {
        var pairs: [(keyId: String, key: ES256PrivateKey)] = []
        for key in keys { pairs.append((key.kid, try CallbackTokenSigner.key(pem: key.pem))) }
        return await CallbackTokenSigner(keys: pairs)
    }

    private static func encode(_ keys: [Key]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(keys), as: UTF8.self)
    }

    private static func decode(_ text: String) throws -> [Key] {
        let keys = try JSONDecoder().decode([Key].self, from: Data(text.utf8))
        guard !keys.isEmpty, keys.last?.retiredAt == nil else { throw CallStoreError.backend("\(setting) holds no signing key") }
        return keys
    }
}
