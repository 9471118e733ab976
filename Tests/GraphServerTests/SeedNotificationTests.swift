import Foundation
import GraphModel
import GraphServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardTesting
import Testing
import World

/// The notifications that follow the seeds' requests, against the seeds' own examples, in
/// order: everything a seed notification says is in ours (ids, `@odata.id`/`etag` and the
/// seed's participant `sourceId`s aside; the 2019 `resource` is our `resourceUrl`).
@Suite(.timeLimit(.minutes(1))) struct SeedNotificationTests {
    /// Sends the seed request `name` and returns the notifications up to `count`.
    func notifications(after name: String, count: Int, replacing: [String: String] = [:], advance: Duration = .seconds(1)) async throws -> [JSONValue] {
        let fixture = try #require(SeedFixtures.named(name))
        return try await TestHarness.run { harness in
            let body = try JSONDecoder().decode(JSONValue.self, from: Data(fixture.json.utf8))
            let tenant = body["tenantId"]?.stringValue.flatMap { harness.stack.services.world.tenant(id: $0)?.id } ?? World.contosoTenantId
            let appId = body["source"]?["identity"]?["application"]?["id"]?.stringValue
                .flatMap { harness.stack.services.world.application(id: $0)?.id } ?? World.callingBotAppId
            let token = try await harness.token(appId: appId, tenant: tenant)
            let text = replacing.reduce(fixture.text) { $0.replacingOccurrences(of: $1.key, with: $1.value) }
            try await Application(router: harness.stack.router()).test(.router) { client in
                let created = try await client.send(.post, SeedRequestTests.path(of: fixture), token: token, body: text)
                #expect(created.status == .created)
                harness.clock.advance(by: advance)
                await harness.webhooks.waitForAccepted(count)
            }
            return try harness.webhooks.accepted.prefix(count).map { try JSONDecoder().decode(JSONValue.self, from: Data($0.body)) }
        }
    }

    /// `v1`: the call was made on /v1.0, whose notifications leave beta-only properties out
    /// (docs/differences-from-graph.md), though the v1.0 page's examples show some.
    func expect(_ received: [JSONValue], match seeds: [String], v1: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(received.count >= seeds.count, sourceLocation: sourceLocation)
        for (notification, seed) in zip(received, seeds) {
            let fixture = try #require(SeedFixtures.named(seed))
            let expected = try JSONDecoder().decode(JSONValue.self, from: Data(fixture.json.utf8))
            var differences: [String] = []
            Self.contains(expected, notification, at: "", skipping: v1 ? SeedRequestTests.betaOnly : [], into: &differences)
            #expect(differences.isEmpty, "\(seed): \(differences)", sourceLocation: sourceLocation)
        }
    }

    @Test func aMeetingJoinIsAnnouncedAsSeed002Shows() async throws {
        // Example 5 of Create call: join a scheduled meeting, service-hosted media; then the
        // establishing, established and (full) roster notifications of that section.
        let received = try await notifications(after: "seed002-14-request.json", count: 3)
        try expect(received, match: ["seed002-16-notification.json", "seed002-17-notification.json", "seed002-18-notification.json"])
    }

    @Test func aDeltaRosterIsAnnouncedAsSeed002Shows() async throws {
        let received = try await notifications(after: "seed002-14-request.json", count: 3, replacing: [
            #""tenantId":"86dc81db"#: ##""callOptions": {"@odata.type": "#microsoft.graph.outgoingCallOptions", "isDeltaRosterEnabled": true}, "tenantId":"86dc81db"##,
        ])
        guard case .array(let items)? = received.last?["value"]?[index: 0]?["resourceData"], case .object? = items.first else {
            Issue.record("no roster")
            return
        }
        #expect(items.first?["@odata.type"] == .string("#microsoft.graph.deltaParticipants"))
        #expect(items.first?["sequenceNumber"] != nil)
        #expect(items.first?["participants"]?[index: 0]?["rosterSequenceNumber"] != nil)
    }

    @Test func the2019PeerToPeerCallIsAnnouncedAsSeed000Shows() async throws {
        let received = try await notifications(after: "seed000-01-request.json", count: 2,
                                               replacing: ["\"tenantId-value\"": "\"\(World.contosoTenantId)\""])
        try expect(received, match: ["seed000-03-notification.json", "seed000-04-notification.json"], v1: false)
    }

    @Test func aJoinWithoutMediaIsAnnouncedAsSeed003Shows() async throws {
        let received = try await notifications(after: "seed003-11-request.json", count: 2)
        try expect(received, match: ["seed003-12-notification.json", "seed003-13-notification.json"], v1: false)
    }

    @Test func aPeerToPeerCallIsAnnouncedAsSeed002Shows() async throws {
        let received = try await notifications(after: "seed002-01-request.json", count: 2)
        try expect(received, match: ["seed002-03-notification.json", "seed002-04-notification.json"])
    }

    @Test func contentSharingIsAnnouncedAsSeed002Shows() async throws {
        // The built-in meeting: John shares when the bot joins, moves on after a minute and
        // stops after two; the bot asked for content-sharing notifications.
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: InCallActionTests.joinMeetingBody).json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(4)
                harness.clock.advance(by: .seconds(60))
                await harness.webhooks.waitForAccepted(5)
                harness.clock.advance(by: .seconds(60))
                await harness.webhooks.waitForAccepted(6)
                let sharing = try harness.webhooks.accepted.map { try JSONDecoder().decode(JSONValue.self, from: Data($0.body)) }
                    .filter { $0["value"]?[index: 0]?["resourceUrl"]?.stringValue?.hasSuffix("/contentsharingsessions") == true }
                try expect(sharing, match: ["seed002-05-notification.json", "seed002-06-notification.json", "seed002-07-notification.json"])
                let sessionIds = Set(sharing.compactMap { $0["value"]?[index: 0]?["resourceData"]?[index: 0]?["id"]?.stringValue })
                #expect(sessionIds.count == 1)
                #expect(try await client.send(.get, "/v1.0/communications/calls/\(id)/contentSharingSessions", token: token).json["value"]?.arrayCount == 0)
            }
        }
    }

    /// Keys whose values the server assigns, or that only name the documentation's objects.
    static let assigned: Set<String> = ["id", "@odata.id", "@odata.etag", "sourceId", "callbackUri"]

    /// Records where `actual` lacks something `expected` says.
    static func contains(_ expected: JSONValue, _ actual: JSONValue?, at path: String, skipping: Set<String>, into differences: inout [String]) {
        switch expected {
        case .null:
            return
        case .object(let members):
            for (key, value) in members where !assigned.contains(key) && !skipping.contains(key) {
                // seed003-06 types a call's target as participantInfo; targets hold
                // invitationParticipantInfo (docs/differences-from-graph.md).
                if key == "@odata.type", value == .string("#microsoft.graph.participantInfo"), path.contains(".targets["),
                   actual?[key] == .string("#microsoft.graph.invitationParticipantInfo") { continue }
                if key == "resource", case .string(let legacy) = value {
                    // The 2019 pages' legacy address: ours is the same path under /communications.
                    let suffix = legacy.replacingOccurrences(of: "/app/", with: "/communications/")
                    let mine = actual?["resourceUrl"]?.stringValue ?? ""
                    if mine.split(separator: "/").count != suffix.split(separator: "/").count {
                        differences.append("\(path).resource: expected the shape of \(legacy), got \(mine)")
                    }
                    continue
                }
                contains(value, actual?[key], at: "\(path).\(key)", skipping: skipping, into: &differences)
            }
        case .array(let items):
            guard case .array(let got)? = actual, got.count == items.count else {
                differences.append("\(path): expected \(items.count) items, got \(String(describing: actual))")
                return
            }
            // Participants may come in another order: match each by its identity.
            var remaining = got
            for item in items {
                let key = identityKey(item)
                let index = remaining.firstIndex { identityKey($0) == key } ?? 0
                contains(item, remaining[index], at: "\(path)[\(key ?? "")]", skipping: skipping, into: &differences)
                remaining.remove(at: index)
            }
        case .string(let text) where text.hasPrefix("/communications/calls/") || text.hasPrefix("/app/calls/"):
            // A resource path: the ids differ, the shape does not.
            let mine = actual?.stringValue ?? ""
            if mine.split(separator: "/").count != text.split(separator: "/").count {
                differences.append("\(path): expected the shape of \(text), got \(mine)")
            }
        default:
            if actual != expected { differences.append("\(path): expected \(expected), got \(String(describing: actual))") }
        }
    }

    private static func identityKey(_ value: JSONValue) -> String? {
        let identity = value["info"]?["identity"]
        return (identity?["user"]?["id"] ?? identity?["application"]?["id"])?.stringValue?.lowercased()
    }
}
