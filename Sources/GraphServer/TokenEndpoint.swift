import CallRuntime
import Foundation
import GraphModel
import Hummingbird
import Webhooks

/// `POST /{tenant}/oauth2/v2.0/token`: the client-credentials grant, answered as
/// Microsoft's identity platform answers it.
struct TokenEndpoint {
    let issuer: AccessTokenIssuer
    let clock: any WallClock

    struct Form: Decodable {
        var grant_type: String?
        var client_id: String?
        var client_secret: String?
        var scope: String?
    }

    func register(on router: Router<SwitchboardRequestContext>) {
        for path in ["/:tenant/oauth2/v2.0/token", "/:tenant/oauth2/token"] {
            router.post(RouterPath(path)) { request, context in
                try await token(request, context: context)
            }
        }
    }

    private func token(_ request: Request, context: SwitchboardRequestContext) async throws -> Response {
        let tenant = context.parameters.get("tenant") ?? ""
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        let text = String(buffer: buffer)
        let form = (try? URLEncodedFormDecoder().decode(Form.self, from: text)) ?? Form()
        let now = clock.now()
        switch try await issuer.issue(tenantPath: tenant, clientId: form.client_id, clientSecret: form.client_secret, grantType: form.grant_type, now: now) {
        case .success(let token):
            let body: [String: JSONValue] = [
                "token_type": .string("Bearer"),
                "expires_in": .number(Double(AccessTokenIssuer.lifetimeSeconds)),
                "ext_expires_in": .number(Double(AccessTokenIssuer.lifetimeSeconds)),
                "access_token": .string(token),
            ]
            return jsonResponse(.ok, try GraphJSON.encoder(.v1).encode(body), headers: [.cacheControl: "no-store"])
        case .failure(let refusal):
            let body: [String: JSONValue] = [
                "error": .string(refusal.error),
                "error_description": .string("\(refusal.code): \(refusal.description)"),
                "error_codes": .array([.number(Double(refusal.code.dropFirst(6)) ?? 0)]),
                "timestamp": .string(now.iso8601),
                "trace_id": .string(UUID.random().lowercasedString),
                "correlation_id": .string(UUID.random().lowercasedString),
            ]
            return jsonResponse(refusal.error == "invalid_client" ? .unauthorized : .badRequest, try GraphJSON.encoder(.v1).encode(body))
        }
    }
}

/// The OpenID configuration and JWKS a bot uses to validate Switchboard's callbacks
/// (Graph's live at `https://api.aps.skype.com/v1/.well-known/OpenIdConfiguration`; the
/// same path is served here).
struct DiscoveryEndpoints {
    let services: SwitchboardServices

    func register(on router: Router<SwitchboardRequestContext>) {
        for path in ["/v1/.well-known/OpenIdConfiguration", "/.well-known/openid-configuration"] {
            router.get(RouterPath(path)) { request, _ in
                let base = SwitchboardServer.baseURL(services, request)
                let body: [String: JSONValue] = [
                    "issuer": .string(CallbackTokenSigner.issuer),
                    "jwks_uri": .string("\(base)/v1/.well-known/keys"),
                    "id_token_signing_alg_values_supported": .array([.string("ES256")]),
                    "token_endpoint_auth_methods_supported": .array([.string("client_secret_post")]),
                ]
                return jsonResponse(.ok, try GraphJSON.encoder(.v1).encode(body))
            }
        }
        router.get("/v1/.well-known/keys") { _, _ in
            // Another node may have rotated: publish what the store holds.
            try await services.callbackKeys.reload()
            return jsonResponse(.ok, try GraphJSON.encoder(.v1).encode(await services.callbackKeys.signer.jwks))
        }
    }
}
