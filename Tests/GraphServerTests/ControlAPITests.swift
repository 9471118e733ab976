import CallRuntime
import Foundation
import GraphModel
import GraphServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardTesting
import Testing
import World

/// `POST /_switchboard/calls/{id}/far-end`: the person at the other end acts.
@Suite(.timeLimit(.minutes(1))) struct ControlAPITests {
    func farEnd(_ client: some TestClientProtocol, _ id: String, _ body: String) async throws -> TestResponse {
        try await client.send(.post, "/_switchboard/calls/\(id)/far-end", body: body)
    }

    @Test func thePeerPressesKeysThenHangsUp() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).json["id"]?.stringValue)
                // Not before the call is established.
                try await farEnd(client, id, #"{"action": "hangUp"}"#).expectGraphError(.badRequest)
                harness.clock.advance(by: .seconds(1))
                await harness.webhooks.waitForAccepted(2)
                #expect(try await client.send(.post, "/v1.0/communications/calls/\(id)/subscribeToTone", token: token, body: "{}").status == .ok)
                #expect(try await farEnd(client, id, #"{"action": "pressKeys", "tones": "12#"}"#).status == .noContent)
                await harness.webhooks.waitForAccepted(5)
                #expect(harness.webhooks.accepted.dropFirst(2).map { $0.call?.toneInfo?.tone } == [.tone1, .tone2, .pound])
                #expect(try await farEnd(client, id, #"{"action": "hangUp"}"#).status == .noContent)
                await harness.webhooks.waitForAccepted(6)
                #expect(harness.webhooks.accepted[5].call?.resultInfo == ResultInfo(code: 200, subcode: 4521, message: "The other participant ended the call."))
                try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token).expectGraphError(.notFound)
            }
        }
    }

    @Test func aMeetingAttendeeUnmutesAndSharesAgain() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: InCallActionTests.joinMeetingBody).json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(4)
                let john = #""participant": "112f7296-5fa4-42ca-bae8-6a692b15d4b8""#
                #expect(try await farEnd(client, id, #"{"action": "unmute", \#(john)}"#).status == .noContent)
                await harness.webhooks.waitForAccepted(5)
                #expect(try harness.webhooks.accepted[4].notifications.value.first?.resourceUrl == "/communications/calls/\(id)/participants")
                // John shares from the start: starting again is refused; stopping and starting is not.
                try await farEnd(client, id, #"{"action": "startSharing", \#(john)}"#).expectGraphError(.badRequest)
                #expect(try await farEnd(client, id, #"{"action": "stopSharing", \#(john)}"#).status == .noContent)
                #expect(try await farEnd(client, id, #"{"action": "startSharing", \#(john)}"#).status == .noContent)
                await harness.webhooks.waitForAccepted(7)
                #expect(try harness.webhooks.accepted[5...6].map { try $0.notifications.value.first?.changeType } == [.deleted, .created])
                try await farEnd(client, id, #"{"action": "mute", "participant": "nobody"}"#).expectGraphError(.notFound)
            }
        }
    }

    @Test func theJournalShowsEveryNotificationAndItsAttempts() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                // The receiver is down for the first try.
                harness.webhooks.respond(with: 503)
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).json["id"]?.stringValue)
                await harness.webhooks.waitForAttempts(1)
                harness.webhooks.respond(with: 202)
                harness.clock.advance(by: .seconds(1))
                await harness.webhooks.waitForAccepted(2)
                #expect(try await client.send(.delete, "/v1.0/communications/calls/\(id)", token: token).status == .noContent)
                await harness.webhooks.waitForAccepted(4)
                // The call is gone; its notifications are still there to see.
                let journal = try await client.send(.get, "/_switchboard/calls/\(id)/notifications").json["value"]
                #expect(journal?.arrayCount == 4)
                // One at a time per call: the fourth was tried only once the third was recorded.
                #expect((0..<3).map { journal?[index: $0]?["state"] } == Array(repeating: .string("delivered"), count: 3))
                let states = (0..<4).map { journal?[index: $0]?["body"]?["value"]?[index: 0]?["resourceData"]?["state"]?.stringValue }
                #expect(states == ["establishing", "established", "terminating", "terminated"])
                let first = journal?[index: 0]?["attempts"]
                #expect(first?.arrayCount == 2)
                #expect(first?[index: 0]?["status"] == .number(503))
                #expect(first?[index: 0]?["error"] == .string("HTTP 503"))
                #expect(first?[index: 1]?["status"] == .number(202))
                // Each try names the notification and counts: the bot can drop repeats.
                guard case .number(let number)? = journal?[index: 0]?["sequence"] else { Issue.record("no sequence"); return }
                let sequence = String(Int(number))
                #expect(harness.webhooks.accepted[0].headers["Switchboard-Delivery-Id"] == sequence)
                #expect(harness.webhooks.accepted[0].headers["Switchboard-Delivery-Attempt"] == "2")
                #expect(harness.webhooks.accepted[1].headers["Switchboard-Delivery-Attempt"] == "1")
                // And says when its change was committed, on the server's clock.
                #expect(harness.webhooks.accepted[0].headers["Switchboard-Committed-At"] == journal?[index: 0]?["committedAt"]?.stringValue)
                #expect(harness.webhooks.accepted[0].headers["Switchboard-Committed-At"]?.hasSuffix("Z") == true)
                #expect(journal?[index: 0]?["state"] == .string("delivered"))
                #expect(journal?[index: 0]?["url"] == .string("https://bot.contoso.com/callback"))
                try await client.send(.get, "/_switchboard/calls/never-was/notifications").expectGraphError(.notFound)
            }
        }
    }

    @Test func statsCountLiveCallsAndWaitingNotifications() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            harness.webhooks.respond(with: 503)
            try await Application(router: harness.stack.router()).test(.router) { client in
                #expect(try await client.send(.get, "/_switchboard/stats").json["calls"] == .number(0))
                #expect(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).status == .created)
                await harness.webhooks.waitForAttempts(1)
                while harness.stack.dispatcher.pending.current < 1, !Task.isCancelled { await Task.yield() }
                let stats = try await client.send(.get, "/_switchboard/stats").json
                #expect(stats["calls"] == .number(1))
                // The establishing notification, refused and waiting for its retry.
                #expect(stats["notificationsPending"] == .number(1))
                #expect(stats["notificationsDue"] == .number(0))
                #if os(Linux)
                guard case .number(let resident)? = stats["residentBytes"] else { Issue.record("no residentBytes"); return }
                #expect(resident > 1_000_000)
                #endif
            }
        }
    }

    @Test func resetForgetsEveryCallAndNotification() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                harness.webhooks.respond(with: 503)
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).json["id"]?.stringValue)
                await harness.webhooks.waitForAttempts(1)
                #expect(try await client.send(.post, "/_switchboard/reset").status == .noContent)
                #expect(try await harness.stack.runtime.activeCallCount() == 0)
                try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token).expectGraphError(.notFound)
                try await client.send(.get, "/_switchboard/calls/\(id)/notifications").expectGraphError(.notFound)
                #expect(try await harness.stack.store.pendingDeliveries(after: 0, limit: 10).isEmpty)
                // The failed notification is not retried, John does not answer: nothing is left.
                let tried = harness.webhooks.attempts
                harness.webhooks.respond(with: 202)
                harness.clock.advance(by: .seconds(120))
                // The same token still works (the signing key is kept), and a new call goes through.
                let again = try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody)
                #expect(again.status == .created)
                await harness.webhooks.waitForAccepted(1)
                #expect(harness.webhooks.attempts == tried + 1)
                #expect(try harness.webhooks.accepted[0].notifications.value.first?.resourceUrl == "/communications/calls/\(try again.json["id"]?.stringValue ?? "")")
            }
        }
    }

    @Test func meetingsAreListedWithTheCallsInThem() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: InCallActionTests.joinMeetingBody).json["id"]?.stringValue)
                let meetings = try await client.send(.get, "/_switchboard/meetings").json["value"]
                #expect(meetings?.arrayCount == 3)
                let seeded = meetings?[index: 0]
                #expect(seeded?["id"] == .string("seed-meeting"))
                #expect(seeded?["threadId"] == .string("19:meeting_Win6Ydo4wsMijFjZS00ZGVjLTk5MGUtOTRjNWY2NmNkYTFm@thread.v2"))
                #expect(seeded?["joinMeetingId"] == .string("1234567"))
                #expect(seeded?["organizer"]?["user"]?["displayName"] == .string("Bob"))
                #expect(seeded?["attendees"]?[index: 0]?["user"]?["displayName"] == .string("John"))
                #expect(seeded?["calls"] == .array([.string(id)]))
                #expect(meetings?[index: 1]?["calls"] == .array([]))
            }
        }
    }

    @Test func badControlRequestsGetGraphErrors() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).json["id"]?.stringValue)
                harness.clock.advance(by: .seconds(1))
                await harness.webhooks.waitForAccepted(2)
                try await farEnd(client, "no-such-call", #"{"action": "hangUp"}"#).expectGraphError(.notFound)
                try await farEnd(client, id, #"{"action": "dance"}"#).expectGraphError(.badRequest)
                try await farEnd(client, id, "not json").expectGraphError(.badRequest)
                try await farEnd(client, id, #"{"action": "pressKeys"}"#).expectGraphError(.badRequest)
                try await farEnd(client, id, #"{"action": "pressKeys", "tones": "1x"}"#).expectGraphError(.badRequest)
                #expect(try await farEnd(client, id, #"{"action": "answer"}"#).expectGraphError(.conflict) == "notRinging")
                #expect(try await harness.stack.runtime.activeCallCount() == 1)
            }
        }
    }
}

/// `POST` and `DELETE /_switchboard/meetings/{id}/attendees`: people join and leave meetings.
@Suite(.timeLimit(.minutes(1))) struct MeetingAttendeeTests {
    static let heidi = "550fae72-d251-43ec-868c-373732c2704f"

    /// The participants of the last roster notification to `callId`.
    func lastRoster(_ harness: TestHarness, _ callId: String) throws -> [Participant] {
        let rosters = try harness.webhooks.accepted.compactMap { received -> [Participant]? in
            guard let notification = try received.notifications.value.first,
                  notification.resourceUrl == "/communications/calls/\(callId)/participants",
                  case .collection(let items)? = notification.resourceData else { return nil }
            return items.compactMap { item -> Participant? in
                if case .participant(let participant) = item { return participant }
                return nil
            }
        }
        return rosters.last ?? []
    }

    @Test func anAttendeeJoinsAndLeavesEveryBotsCallInTheMeeting() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let first = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: InCallActionTests.joinMeetingBody).json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(4)
                let second = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: InCallActionTests.joinMeetingBody).json["id"]?.stringValue)
                // Its own four, and the first call's roster update.
                await harness.webhooks.waitForAccepted(9)
                let count = 9

                let added = try await client.send(.post, "/_switchboard/meetings/seed-meeting/attendees", body: #"{"user": {"id": "\#(Self.heidi)"}}"#)
                #expect(added.status == .created)
                let participantId = try #require(try added.json["participantId"]?.stringValue)
                #expect(try added.json["identity"]?["user"]?["displayName"] == .string("Heidi Steen"))
                for call in [first, second] {
                    let participants = try await client.send(.get, "/v1.0/communications/calls/\(call)/participants", token: token).json["value"]
                    let ids = (0..<(participants?.arrayCount ?? 0)).map { participants?[index: $0]?["id"]?.stringValue ?? "" }
                    #expect(ids.contains(participantId), "\(call == first ? "first" : "second") \(ids)")
                }
                await harness.webhooks.waitForAccepted(count + 2)
                for call in [first, second] {
                    let roster = try lastRoster(harness, call)
                    #expect(roster.contains { $0.id == participantId && $0.info?.identity?.user?.id == Self.heidi }, "\(call == first ? "first" : "second"): \(roster.compactMap(\.id))")
                }
                let listed = try await client.send(.get, "/_switchboard/meetings").json["value"]?[index: 0]?["attendees"]
                #expect(listed?.arrayCount == 2)
                // Twice is a conflict; nobody of the world, or no such meeting, is refused.
                try await client.send(.post, "/_switchboard/meetings/seed-meeting/attendees", body: #"{"user": {"id": "\#(Self.heidi)"}}"#).expectGraphError(.conflict)
                try await client.send(.post, "/_switchboard/meetings/seed-meeting/attendees", body: #"{"user": {"id": "nobody"}}"#).expectGraphError(.badRequest)
                try await client.send(.post, "/_switchboard/meetings/seed-meeting/attendees", body: #"{"phone": {"id": "+15550100"}}"#).expectGraphError(.badRequest)
                try await client.send(.post, "/_switchboard/meetings/no-meeting/attendees", body: #"{"user": {"id": "\#(Self.heidi)"}}"#).expectGraphError(.notFound)

                #expect(try await client.send(.delete, "/_switchboard/meetings/seed-meeting/attendees/\(Self.heidi)").status == .noContent)
                await harness.webhooks.waitForAccepted(count + 4)
                for call in [first, second] {
                    let participants = try #require(try await client.send(.get, "/v1.0/communications/calls/\(call)/participants", token: token).json["value"])
                    #expect(!(0..<(participants.arrayCount ?? 0)).contains { participants[index: $0]?["id"] == .string(participantId) })
                }
                try await client.send(.delete, "/_switchboard/meetings/seed-meeting/attendees/\(Self.heidi)").expectGraphError(.notFound)
            }
        }
    }

    @Test func anAttendeeAddedBeforeAnyBotIsThereWhenOneJoinsUntilAReset() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let added = try await client.send(.post, "/_switchboard/meetings/seed-meeting/attendees", body: #"{"user": {"id": "\#(Self.heidi)"}}"#)
                #expect(added.status == .created)
                #expect(try added.json["participantId"] == nil)
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: InCallActionTests.joinMeetingBody).json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(4)
                #expect(try lastRoster(harness, id).contains { $0.info?.identity?.user?.id == Self.heidi })

                #expect(try await client.send(.post, "/_switchboard/reset").status == .noContent)
                let listed = try await client.send(.get, "/_switchboard/meetings").json["value"]?[index: 0]?["attendees"]
                #expect(listed?.arrayCount == 1)
            }
        }
    }
}

/// `GET /_switchboard/dead-letters` and `POST .../redeliver`: what ran out of retries, sent again.
@Suite(.timeLimit(.minutes(1))) struct DeadLetterTests {
    @Test func aDeadLetterIsListedAndRedeliveredWhenTheBotIsBack() async throws {
        try await TestHarness.run { harness in
            try await Application(router: harness.stack.router()).test(.router) { client in
                harness.webhooks.respond(with: 503)
                let start = harness.clock.now()
                let id = try #require(try await client.send(.post, "/_switchboard/incoming-calls", body: IncomingCallTests.johnCallsTheBot()).json["id"]?.stringValue)
                var attempts = 1
                await harness.webhooks.waitForAttempts(attempts)
                var dead: JSONValue?
                while (dead?.arrayCount ?? 0) == 0 {
                    harness.clock.advance(by: .seconds(61))
                    attempts += 1
                    await harness.webhooks.waitForAttempts(attempts)
                    dead = try await client.send(.get, "/_switchboard/dead-letters").json["value"]
                }
                let letter = try #require(dead?[index: 0])
                #expect(letter["callId"] == .string(id))
                // Given up once 30 minutes old (the default maximum age), every try counted.
                #expect(letter["attempts"] == .number(Double(attempts)))
                #expect(harness.clock.now() >= start.advanced(by: .seconds(30 * 60)))
                #expect(letter["body"]?["value"]?[index: 0]?["resourceData"]?["state"] == .string("incoming"))
                guard case .number(let sequence)? = letter["sequence"] else { Issue.record("no sequence"); return }

                harness.webhooks.respond(with: 202)
                try await client.send(.post, "/_switchboard/dead-letters/redeliver", body: "[").expectGraphError(.badRequest)
                let sent = try await client.send(.post, "/_switchboard/dead-letters/redeliver", body: #"{"sequences": [\#(Int(sequence))]}"#)
                #expect(try sent.json["sequences"] == .array([.number(sequence)]))
                await harness.webhooks.waitForAccepted(1)
                #expect(harness.webhooks.accepted[0].call?.state == .incoming)
                #expect(harness.webhooks.accepted[0].headers["Switchboard-Delivery-Id"] == String(Int(sequence)))
                let remaining = try await client.send(.get, "/_switchboard/dead-letters").json["value"]
                #expect(!(0..<(remaining?.arrayCount ?? 0)).contains { remaining?[index: $0]?["sequence"] == .number(sequence) })
            }
        }
    }
}
