import Foundation
import GraphModel
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardTesting
import Testing
import Webhooks

/// Faults on purpose (`PUT /_switchboard/faults`, the world file's `faults`): what Graph does
/// in the wild, on demand, and visible in the call's journal.
@Suite(.timeLimit(.minutes(1))) struct FaultTests {
    func withFaults(_ plan: String, _ body: @Sendable (TestHarness, any TestClientProtocol, String) async throws -> Void) async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let set = try await client.send(.put, "/_switchboard/faults", body: plan)
                #expect(set.status == .ok, "\(String(buffer: set.body))")
                try await body(harness, client, token)
            }
        }
    }

    func createCall(_ client: some TestClientProtocol, _ token: String) async throws -> String {
        try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).json["id"]?.stringValue)
    }

    /// The first try journaled for the call's first notification, once there is one.
    func firstTry(_ client: some TestClientProtocol, _ id: String) async throws -> JSONValue? {
        var first: JSONValue?
        while first == nil, !Task.isCancelled {
            first = try await client.send(.get, "/_switchboard/calls/\(id)/notifications").json["value"]?[index: 0]?["attempts"]?[index: 0]
        }
        return first
    }

    func states(_ harness: TestHarness) -> [CallState?] {
        harness.webhooks.accepted.map { $0.call?.state }
    }

    @Test func aDroppedNotificationArrivesOnItsRetry() async throws {
        try await withFaults(#"{"notifications": [{"kind": "drop", "count": 1}]}"#) { harness, client, token in
            let id = try await createCall(client, token)
            // Nothing reached the bot; the retry (after 1 s) does, and John answers then too.
            _ = try await firstTry(client, id)
            #expect(harness.webhooks.attempts == 0)
            harness.clock.advance(by: .seconds(1))
            await harness.webhooks.waitForAccepted(2)
            #expect(states(harness) == [.establishing, .established])
            #expect(harness.webhooks.accepted[0].headers["Switchboard-Delivery-Attempt"] == "2")
            let journal = try await client.send(.get, "/_switchboard/calls/\(id)/notifications").json
            #expect(journal["value"]?[index: 0]?["attempts"]?[index: 0]?["error"] == .string("fault: dropped (not sent)"))
            #expect(journal["faults"]?.arrayCount == 1)
            #expect(journal["faults"]?[index: 0]?["kind"] == .string("drop"))
        }
    }

    @Test func aDuplicatedNotificationArrivesTwiceWithOneDeliveryId() async throws {
        try await withFaults(#"{"notifications": [{"kind": "duplicate", "count": 1}]}"#) { harness, client, token in
            _ = try await createCall(client, token)
            await harness.webhooks.waitForAccepted(2)
            #expect(states(harness) == [.establishing, .establishing])
            #expect(harness.webhooks.accepted[0].headers["Switchboard-Delivery-Id"] == harness.webhooks.accepted[1].headers["Switchboard-Delivery-Id"])
        }
    }

    @Test func establishedCanOvertakeEstablishing() async throws {
        try await withFaults(#"{"notifications": [{"kind": "reorder", "count": 1, "delayMs": 5000}]}"#) { harness, client, token in
            let id = try await createCall(client, token)
            // Establishing is held back for the next one; John answers after 1 s.
            while harness.clock.nextDeadline == nil, !Task.isCancelled { await Task.yield() }
            harness.clock.advance(by: .seconds(1))
            await harness.webhooks.waitForAccepted(2)
            #expect(states(harness) == [.established, .establishing])
            let journal = try await client.send(.get, "/_switchboard/calls/\(id)/notifications").json
            #expect(journal["value"]?[index: 0]?["attempts"]?[index: 0]?["error"]?.stringValue?.hasPrefix("fault: held back") == true)
        }
    }

    @Test func aDelayedNotificationWaitsItsDelay() async throws {
        try await withFaults(#"{"notifications": [{"kind": "delay", "delayMs": 3000, "count": 1}]}"#) { harness, client, token in
            let id = try await createCall(client, token)
            let held = try await firstTry(client, id)
            #expect(held?["error"] == .string("fault: held back 3000 ms"))
            harness.clock.advance(by: .seconds(2))
            #expect(harness.webhooks.attempts == 0)
            harness.clock.advance(by: .seconds(1))
            await harness.webhooks.waitForAccepted(2)
            #expect(states(harness) == [.establishing, .established])
        }
    }

    @Test func graphRequestsCanBeThrottledOrUnavailable() async throws {
        let plan = #"{"api": [{"kind": "throttle", "path": "/v1.0/communications/calls", "method": "POST", "count": 1, "retryAfterSeconds": 2}, {"kind": "unavailable", "path": "/v1.0/communications/calls/", "method": "GET", "count": 1}]}"#
        try await withFaults(plan) { _, client, token in
            let throttled = try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody)
            #expect(try throttled.expectGraphError(.tooManyRequests) == "TooManyRequests")
            #expect(throttled.headers[HTTPField.Name("Retry-After")!] == "2")
            let id = try await createCall(client, token)
            let unavailable = try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token)
            #expect(try unavailable.expectGraphError(.serviceUnavailable) == "ServiceUnavailable")
            #expect(try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token).status == .ok)
            // Both in the fault log; the one on the call also in its journal.
            #expect(try await client.send(.get, "/_switchboard/faults").json["injected"]?.arrayCount == 2)
            let faults = try await client.send(.get, "/_switchboard/calls/\(id)/notifications").json["faults"]
            #expect(faults?[index: 0]?["kind"] == .string("unavailable"))
            #expect(faults?[index: 0]?["request"] == .string("GET /v1.0/communications/calls/\(id)"))
            // The control API is never struck.
            #expect(try await client.send(.delete, "/_switchboard/faults").status == .noContent)
        }
    }

    @Test func addedLatencyStillAnswers() async throws {
        try await withFaults(#"{"api": [{"kind": "latency", "latencyMs": 20, "count": 1}]}"#) { _, client, token in
            _ = try await createCall(client, token)
            #expect(try await client.send(.get, "/_switchboard/faults").json["injected"]?[index: 0]?["kind"] == .string("latency"))
        }
    }

    @Test func theFirstIncomingNotificationComesInTheLegacyFormatUntilTheBotSays204() async throws {
        try await withFaults(#"{"legacyIncomingNotification": true}"#) { harness, client, _ in
            harness.webhooks.respond(with: 204)
            let response = try await client.send(.post, "/_switchboard/incoming-calls", body: IncomingCallTests.johnCallsTheBot())
            let id = try #require(try response.json["id"]?.stringValue)
            await harness.webhooks.waitForAccepted(2)
            let legacy = try JSONDecoder().decode(JSONValue.self, from: Data(harness.webhooks.accepted[0].body))
            #expect(legacy["callState"] == .string("incoming"))
            #expect(legacy["value"] == nil)
            #expect(harness.webhooks.accepted[1].call?.state == .incoming)
            let tries = try await client.send(.get, "/_switchboard/calls/\(id)/notifications").json["value"]?[index: 0]?["attempts"]
            #expect(tries?[index: 0]?["error"] == .string("fault: legacy format; answered 204, sent again in Graph's format"))
        }
    }

    @Test func aBotThatTakesTheLegacyFormatWith202NeverSeesGraphs() async throws {
        try await withFaults(#"{"legacyIncomingNotification": true}"#) { harness, client, _ in
            let response = try await client.send(.post, "/_switchboard/incoming-calls", body: IncomingCallTests.johnCallsTheBot())
            let id = try #require(try response.json["id"]?.stringValue)
            await harness.webhooks.waitForAccepted(1)
            var journal: JSONValue?
            while journal?["value"]?[index: 0]?["state"] != .string("delivered"), !Task.isCancelled {
                journal = try await client.send(.get, "/_switchboard/calls/\(id)/notifications").json
            }
            #expect(harness.webhooks.accepted.count == 1)
            #expect(journal?["value"]?[index: 0]?["attempts"]?[index: 0]?["error"]?.stringValue?.contains("not 204") == true)
        }
    }

    @Test func aPlanThatCannotWorkIsRefusedAndResetRestoresTheWorlds() async throws {
        try await withFaults(#"{"notifications": [{"kind": "drop", "rate": 0.25}], "seed": 7}"#) { _, client, _ in
            try await client.send(.put, "/_switchboard/faults", body: #"{"notifications": [{"kind": "drop", "rate": 2}]}"#).expectGraphError(.badRequest)
            try await client.send(.put, "/_switchboard/faults", body: #"{"notifications": [{"kind": "explode"}]}"#).expectGraphError(.badRequest)
            #expect(try await client.send(.get, "/_switchboard/faults").json["plan"]?["seed"] == .number(7))
            #expect(try await client.send(.post, "/_switchboard/reset").status == .noContent)
            #expect(try await client.send(.get, "/_switchboard/faults").json["plan"]?["notifications"]?.arrayCount == 0)
        }
    }
}
