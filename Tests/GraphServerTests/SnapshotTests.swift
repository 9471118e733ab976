import CallEngine
import Foundation
import GraphModel
import GraphServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardTesting
import Testing
import World

/// `GET` and `PUT /_switchboard/snapshot`: all state out, and back exactly.
@Suite(.timeLimit(.minutes(1))) struct SnapshotTests {
    @Test func aSnapshotPutBackIsTheSameStateAndRunsOn() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                // A call ringing (John answers after 1 s), a meeting with an extra attendee,
                // an incoming call waiting, and a notification the receiver refused once.
                let ringing = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(1)
                _ = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: InCallActionTests.joinMeetingBody).json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(5)
                #expect(try await client.send(.post, "/_switchboard/meetings/seed-meeting/attendees", body: #"{"user": {"id": "550fae72-d251-43ec-868c-373732c2704f"}}"#).status == .created)
                await harness.webhooks.waitForAccepted(6)
                harness.webhooks.respond(with: 503)
                let incoming = try #require(try await client.send(.post, "/_switchboard/incoming-calls", body: IncomingCallTests.johnCallsTheBot()).json["id"]?.stringValue)
                await harness.webhooks.waitForAttempts(7)

                let taken = try await client.send(.get, "/_switchboard/snapshot")
                #expect(taken.status == .ok)
                let document = try taken.json
                #expect(document["calls"]?.arrayCount == 3)
                #expect(document["meetings"]?[index: 0]?["attendees"]?.arrayCount == 2)
                let notifications = try #require(document["notifications"])
                let refused = (0..<(notifications.arrayCount ?? 0)).compactMap { notifications[index: $0] }.filter { $0["callId"] == .string(incoming) }
                #expect(refused.first?["status"] == .string("pending"))
                #expect(refused.first?["tries"]?[index: 0]?["status"] == .number(503))

                // Everything moves on, or is forgotten; then the snapshot is put back.
                #expect(try await client.send(.post, "/_switchboard/reset").status == .noContent)
                harness.clock.advance(by: .seconds(5))
                try await client.send(.get, "/v1.0/communications/calls/\(ringing)", token: token).expectGraphError(.notFound)
                harness.webhooks.respond(with: 202)
                let restored = try await client.send(.put, "/_switchboard/snapshot", body: String(buffer: taken.body))
                #expect(restored.status == .noContent, "\(String(buffer: restored.body))")
                // Exactly as taken (the manual clock is back at the snapshot's time too).
                let again = try await client.send(.get, "/_switchboard/snapshot")
                #expect(String(buffer: again.body) == String(buffer: taken.body))

                // And it runs on: the refused announcement goes out, John answers.
                #expect(try await client.send(.get, "/v1.0/communications/calls/\(ringing)", token: token).json["state"] == .string("establishing"))
                harness.clock.advance(by: .seconds(1))
                try await waitUntil(harness) { received in received.contains { $0.call?.id == ringing && $0.call?.state == .established } }
                try await waitUntil(harness) { received in received.contains { $0.call?.id == incoming && $0.call?.state == .incoming } }
                #expect(try await client.send(.get, "/v1.0/communications/calls/\(incoming)", token: token).json["state"] == .string("incoming"))
            }
        }
    }

    @Test func aSnapshotThatDoesNotReadChangesNothing() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                _ = try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody)
                await harness.webhooks.waitForAccepted(1)
                let before = try await client.send(.get, "/_switchboard/snapshot")
                let document = String(buffer: before.body)
                for bad in [
                    "{",
                    #"{"switchboardSnapshot": 2, "takenAt": "2026-11-23T00:00:00.000Z", "meetings": [], "calls": [], "notifications": [], "signals": []}"#,
                    document.replacingOccurrences(of: #""takenAt":""#, with: #""takenAt":"yesterday"#),
                    document.replacingOccurrences(of: #""phase":"[a-zA-Z]+""#, with: #""phase":"flying""#, options: .regularExpression),
                    document.replacingOccurrences(of: #""id":"seed-meeting""#, with: #""id":"no-such-meeting""#),
                    document.replacingOccurrences(of: #""status":"(pending|delivered)""#, with: #""status":"lost""#, options: .regularExpression),
                ] {
                    #expect(bad != document || bad == "{")
                    try await client.send(.put, "/_switchboard/snapshot", body: bad).expectGraphError(.badRequest)
                }
                #expect(String(buffer: try await client.send(.get, "/_switchboard/snapshot").body) == document)
            }
        }
    }

    /// Waits for each next accepted delivery until `condition` holds of them all.
    func waitUntil(_ harness: TestHarness, _ condition: ([RecordingWebhookTransport.Received]) -> Bool) async throws {
        var count = harness.webhooks.accepted.count
        while !condition(harness.webhooks.accepted) {
            count += 1
            await harness.webhooks.waitForAccepted(count)
        }
    }
}
