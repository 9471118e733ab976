import Foundation
import GraphModel
import GraphServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardTesting
import Testing
import World

/// Every create-call request of the seed documents, sent as printed (the placeholder
/// `tenantId-value` aside) by the application its `source` names, with a token of the tenant
/// it names: 201, and the body the seed's response shows, but for what the server assigns.
@Suite(.timeLimit(.minutes(1))) struct SeedRequestTests {
    /// Each create request and the seed response that follows it.
    static let createRequests: [(request: String, response: String?)] = [
        ("seed000-01-request.json", "seed000-02-response.json"),
        ("seed000-05-request.json", nil),
        ("seed000-06-request.json", nil),
        ("seed000-07-request.json", nil),
        ("seed000-08-request.json", nil),
        ("seed000-09-request.json", nil),
        ("seed002-01-request.json", "seed002-02-response.json"),
        ("seed002-08-request.json", "seed002-09-response.json"),
        ("seed002-10-request.json", "seed002-11-response.json"),
        ("seed002-12-request.json", "seed002-13-response.json"),
        ("seed002-14-request.json", "seed002-15-response.json"),
        ("seed002-20-request.json", "seed002-21-response.json"),
        ("seed002-22-request.json", "seed002-23-response.json"),
        ("seed002-24-request.json", "seed002-25-response.json"),
        ("seed002-26-request.json", "seed002-27-response.json"),
        ("seed002-28-request.json", "seed002-29-response.json"),
        ("seed003-11-request.json", nil),
    ]

    /// Properties the server assigns (or that name the documentation's host) and so differ.
    static let assigned: Set<String> = ["id", "callChainId", "myParticipantId", "@odata.context", "@odata.etag", "@odata.id"]
    /// Properties only `/beta` writes.
    static let betaOnly: Set<String> = [
        "activeModalities", "answeredBy", "meetingCapability", "ringingTimeoutInSeconds", "routingPolicies", "terminationReason",
        "allowConversationWithoutHost", "removeFromDefaultAudioGroup", "platformId", "replacesContext",
    ]

    /// The request's path; the 2019 pages print `/app/calls` without a version root (beta).
    static func path(of fixture: SeedFixtures.Fixture) -> String {
        let url = fixture.http.split(separator: " ")[1]
        let path = String(url.replacingOccurrences(of: "https://graph.microsoft.com", with: ""))
        return path.hasPrefix("/v1.0/") || path.hasPrefix("/beta/") ? path : "/beta" + path
    }

    @Test(arguments: createRequests.map(\.request))
    func theSeedRequestIsServed(_ name: String) async throws {
        let fixture = try #require(SeedFixtures.named(name))
        let response = Self.createRequests.first { $0.request == name }?.response.flatMap(SeedFixtures.named)
        try await TestHarness.run { harness in
            let body = try JSONDecoder().decode(JSONValue.self, from: Data(fixture.json.utf8))
            let tenant = body["tenantId"]?.stringValue.flatMap { harness.stack.services.world.tenant(id: $0)?.id } ?? World.contosoTenantId
            let appId = body["source"]?["identity"]?["application"]?["id"]?.stringValue
                .flatMap { harness.stack.services.world.application(id: $0)?.id } ?? World.callingBotAppId
            let token = try await harness.token(appId: appId, tenant: tenant)
            let text = fixture.text.replacingOccurrences(of: "\"tenantId-value\"", with: "\"\(tenant)\"")
            try await Application(router: harness.stack.router()).test(.router) { client in
                let created = try await client.send(.post, Self.path(of: fixture), token: token, body: text)
                #expect(created.status == .created, "\(name): \(String(decoding: created.body.readableBytesView, as: UTF8.self))")
                guard created.status == .created else { return }
                let call = try created.json
                #expect(call["state"] == .string("establishing"))
                if let response {
                    let expected = try JSONDecoder().decode(JSONValue.self, from: Data(response.json.utf8))
                    let beta = Self.path(of: fixture).lowercased().hasPrefix("/beta")
                    var differences: [String] = []
                    Self.compare(expected, call, request: body, at: "", beta: beta, into: &differences)
                    #expect(differences.isEmpty, "\(name) vs \(response.name): \(differences)")
                }
            }
        }
    }

    /// Records where `actual` lacks or differs from a non-null value of `expected`, at the
    /// paths the request gave (the seeds' responses echo their requests, with typos of their
    /// own: where the two disagree, the request is what a server can be held to), plus the
    /// call's state and direction.
    static func compare(_ expected: JSONValue, _ actual: JSONValue?, request: JSONValue?, at path: String, beta: Bool, into differences: inout [String]) {
        switch expected {
        case .null:
            return
        case .object(let members):
            for (key, value) in members where !assigned.contains(key) && (beta || !betaOnly.contains(key)) {
                if case .null = value { continue }
                let serverState = path.isEmpty && (key == "state" || key == "direction")
                guard serverState || (request?[key] != nil && request?[key] != .null) else { continue }
                // Sets with phone or instance identities are communicationsIdentitySet (docs/differences-from-graph.md).
                if key == "@odata.type", value == .string("#microsoft.graph.identitySet"),
                   actual?[key] == .string("#microsoft.graph.communicationsIdentitySet") { continue }
                // Open properties of identities are written on /beta only.
                if !beta, path.hasSuffix(".user") || path.hasSuffix(".application"), key == "tenantId" || key == "identityProvider" { continue }
                compare(value, actual?[key], request: request?[key], at: "\(path).\(key)", beta: beta, into: &differences)
            }
        case .array(let items):
            guard case .array(let got)? = actual, got.count == items.count else {
                differences.append("\(path): expected \(items.count) items, got \(String(describing: actual))")
                return
            }
            let requested: [JSONValue?] = if case .array(let r)? = request { r.map { $0 } } else { [] }
            for (index, item) in items.enumerated() {
                compare(item, got[index], request: index < requested.count ? requested[index] : nil, at: "\(path)[\(index)]", beta: beta, into: &differences)
            }
        default:
            // Documentation placeholders, and echoes the page got wrong: the request decides.
            if case .string(let text) = expected, text.hasSuffix("-value") { return }
            if let request, request != .null, request != expected {
                if actual != request { differences.append("\(path): expected the request's \(request), got \(String(describing: actual))") }
                return
            }
            if actual != expected { differences.append("\(path): expected \(expected), got \(String(describing: actual))") }
        }
    }
}

/// seed003's invite requests, on calls the bot placed (the page's own call is an incoming
/// one): into a peer-to-peer call (the call becomes a group call), and with
/// `replacesCallId` naming another of the bot's calls.
@Suite(.timeLimit(.minutes(1))) struct SeedInviteTests {
    @Test func theSeedInvitesAreServed() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let first = try #require(try await client.send(.post, "/beta/app/calls", token: token, body: seedCreateCallBody).json["id"]?.stringValue)
                let heidi = seedCreateCallBody.replacingOccurrences(of: "112f7296-5fa4-42ca-bae8-6a692b15d4b8", with: "bf5aae9a-d11d-47a8-93b1-782504c95555")
                let second = try #require(try await client.send(.post, "/beta/app/calls", token: token, body: heidi).json["id"]?.stringValue)
                harness.clock.advance(by: .seconds(1))
                await harness.webhooks.waitForAccepted(4)

                // The generic request, its replacesCallId placeholder naming the other call.
                let generic = try #require(SeedFixtures.named("seed003-01-request.json")).text
                    .replacingOccurrences(of: "replacesCallId-value", with: second)
                let moved = try await client.send(.post, "/beta/app/calls/\(first)/participants/invite", token: token, body: generic)
                #expect(moved.status == .ok)
                await harness.webhooks.waitForAccepted(8)

                // "Invite participants in existing P2P meeting", in a third call: 200 and a
                // running operation, as seed003-03.
                let user1 = seedCreateCallBody.replacingOccurrences(of: "112f7296-5fa4-42ca-bae8-6a692b15d4b8", with: "98da8a1a-1b87-452c-a713-65d3f10b5555")
                let third = try #require(try await client.send(.post, "/beta/app/calls", token: token, body: user1).json["id"]?.stringValue)
                harness.clock.advance(by: .seconds(1))
                await harness.webhooks.waitForAccepted(10)
                let plain = try #require(SeedFixtures.named("seed003-02-request.json"))
                let invited = try await client.send(.post, "/beta/app/calls/\(third)/participants/invite", token: token, body: plain.text)
                #expect(invited.status == .ok)
                let expected = try JSONDecoder().decode(JSONValue.self, from: Data(try #require(SeedFixtures.named("seed003-03-response.json")).json.utf8))
                #expect(try invited.json["status"] == expected["status"])
                #expect(try invited.json["clientContext"] == expected["clientContext"])
                try await client.send(.get, "/beta/app/calls/\(second)", token: token).expectGraphError(.notFound)
            }
        }
    }
}
