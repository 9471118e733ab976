import CallRuntime
import Foundation
import GraphModel
import Hummingbird
import Webhooks

/// `GET /_switchboard/callback-keys` and `POST /_switchboard/callback-keys/rotate`: which
/// keys sign and are published for callback tokens, and a rotation on demand (the control
/// API). Private keys never leave the store.
struct CallbackKeysEndpoint {
    let services: SwitchboardServices

    struct Listing: Encodable {
        struct Key: Encodable {
            var kid: String
            var createdAt: String
            var retiredAt: String?
            /// Whether new tokens are signed with it (the others only verify).
            var signing: Bool
        }

        var value: [Key]

        init(_ keys: [CallbackKeyRing.Key]) {
            value = keys.map { key in
                Key(kid: key.kid, createdAt: Timestamp(millisecondsSinceEpoch: key.createdAt).iso8601Milliseconds,
                    retiredAt: key.retiredAt.map { Timestamp(millisecondsSinceEpoch: $0).iso8601Milliseconds }, signing: key.retiredAt == nil)
            }
        }
    }

    func register(on router: Router<SwitchboardRequestContext>) {
        let keys = services.callbackKeys
        router.get("/_switchboard/callback-keys") { _, _ in
            try await keys.reload()
            return jsonResponse(.ok, try GraphJSON.encoder(.beta).encode(Listing(await keys.publishedKeys)))
        }
        router.post("/_switchboard/callback-keys/rotate") { _, _ in
            try await keys.rotate()
            return jsonResponse(.ok, try GraphJSON.encoder(.beta).encode(Listing(await keys.publishedKeys)))
        }
    }
}
