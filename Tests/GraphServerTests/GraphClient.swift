import Foundation
import GraphModel
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SwitchboardTesting
import Testing

/// The seed's first request (v1.0 *Create call*, peer-to-peer VoIP, service-hosted media).
let seedCreateCallBody = """
{
"@odata.type": "#microsoft.graph.call",
"callbackUri": "https://bot.contoso.com/callback",
"targets": [
{
"@odata.type": "#microsoft.graph.invitationParticipantInfo",
"identity": {
"@odata.type": "#microsoft.graph.identitySet",
"user": {
"@odata.type": "#microsoft.graph.identity",
"displayName": "John",
"id": "112f7296-5fa4-42ca-bae8-6a692b15d4b8"
}
}
}
],
"requestedModalities": [
"audio"
],
"callOptions": {
"@odata.type": "#microsoft.graph.outgoingCallOptions",
"isContentSharingNotificationEnabled": true,
"isDeltaRosterEnabled": true
},
"mediaConfig": {
"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"
}
}
"""

/// Every property of `call` in the v1.0 metadata.
let v1CallProperties: Set<String> = [
    "id", "callbackUri", "callChainId", "callOptions", "callRoutes", "chatInfo", "direction", "incomingContext",
    "mediaConfig", "mediaState", "meetingInfo", "myParticipantId", "requestedModalities", "resultInfo", "source",
    "state", "subject", "targets", "tenantId", "toneInfo", "transcription", "@odata.type", "@odata.context",
]

extension TestClientProtocol {
    func send(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, body: String? = nil, contentType: String? = "application/json") async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil, let contentType { headers[.contentType] = contentType }
        // As an HTTP client says of a POST without a body (Graph answers 411 otherwise).
        if body == nil, [.post, .put, .patch].contains(method) { headers[.contentLength] = "0" }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    var json: JSONValue {
        get throws { try JSONDecoder().decode(JSONValue.self, from: Data(buffer: body)) }
    }

    /// Asserts a Graph error body with `Content-Type: application/json`; returns its code.
    @discardableResult
    func expectGraphError(_ status: HTTPResponse.Status, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        #expect(self.status == status, sourceLocation: sourceLocation)
        #expect(headers[.contentType] == "application/json", sourceLocation: sourceLocation)
        let error = try JSONDecoder().decode(GraphErrorBody.self, from: Data(buffer: body))
        #expect(!error.error.code.isEmpty, sourceLocation: sourceLocation)
        #expect(!error.error.message.isEmpty, sourceLocation: sourceLocation)
        #expect(error.error.innerError?.requestId.isEmpty == false, sourceLocation: sourceLocation)
        return error.error.code
    }
}

extension TestHarness {
    /// A call placed to John (who answers after 1 s) is established, its `established`
    /// notification failing once with `status` and delivered on its retry 1 s later.
    func establishAfterOneFailedTry(status: Int) async {
        webhooks.respond(with: status)
        clock.advance(by: .seconds(1))
        await webhooks.waitForAttempts(2)
        webhooks.respond(with: 202)
        clock.advance(by: .seconds(1))
        await webhooks.waitForAccepted(2)
    }
}
