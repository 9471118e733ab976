import CallRuntime
import Foundation
import GraphModel
import GraphServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SwitchboardTesting
import Synchronization
import Testing

/// `/metrics` in Prometheus' text format, and `--log-format json`.
@Suite(.timeLimit(.minutes(1))) struct MetricsTests {
    /// The value of the sample `name{labels}` (or `name` alone), if the text has it.
    func sample(_ text: String, _ series: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }

    @Test func requestsCallsNotificationsAndBacklogsAreCounted() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(1)
                _ = try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token)
                _ = try await client.send(.get, "/v1.0/communications/calls/\(id)/participants/p1", token: token)
                _ = try await client.send(.get, "/v1.0/communications/calls/not-a-call", token: token)
                _ = try await client.send(.post, "/v1.0/communications/calls/\(id)/sing", token: token, body: "{}")
                _ = try await client.send(.get, "/no/such/path/\(UUID())")
                await harness.establishAfterOneFailedTry(status: 503)

                // A delivery counts once the store has its outcome, a moment after the
                // receiver has it: read until the second is counted (the suite's time limit
                // fails a count that never comes).
                var response = try await client.send(.get, "/metrics")
                while sample(String(buffer: response.body), "switchboard_notifications_delivered_total") ?? 0 < 2, !Task.isCancelled {
                    await Task.yield()
                    response = try await client.send(.get, "/metrics")
                }
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
                let text = String(buffer: response.body)
                let requests = "switchboard_http_requests_total"
                #expect(sample(text, #"\#(requests){route="/v1.0/communications/calls",method="POST",status="201"}"#) == 1)
                #expect(sample(text, #"\#(requests){route="/v1.0/communications/calls/{id}",method="GET",status="200"}"#) == 1)
                #expect(sample(text, #"\#(requests){route="/v1.0/communications/calls/{id}",method="GET",status="404"}"#) == 1)
                #expect(sample(text, #"\#(requests){route="/v1.0/communications/calls/{id}/participants/{participantId}",method="GET",status="404"}"#) == 1)
                #expect(sample(text, #"\#(requests){route="/v1.0/communications/calls/{id}/{action}",method="POST",status="400"}"#) == 1)
                #expect(sample(text, #"\#(requests){route="(unmatched)",method="GET",status="404"}"#) == 1)
                #expect(!text.contains(id), "no id in a label")
                #expect(sample(text, #"switchboard_calls{state="established"}"#) == 1)
                #expect(sample(text, #"switchboard_calls{state="establishing"}"#) == 0)
                #expect(sample(text, "switchboard_notifications_delivered_total") == 2)
                #expect(sample(text, "switchboard_notifications_retried_total") == 1)
                #expect(sample(text, "switchboard_notifications_dead_lettered_total") == 0)
                #expect(sample(text, "switchboard_notification_delivery_seconds_count") == 2)
                // The first went at once; the second waited for its retry (1 s on the clock).
                #expect(sample(text, #"switchboard_notification_delivery_seconds_bucket{le="0.001"}"#) == 1)
                #expect(sample(text, #"switchboard_notification_delivery_seconds_bucket{le="1.0"}"#) == 2)
                #expect(sample(text, "switchboard_outbox_backlog") == 0)
                #expect(sample(text, "switchboard_timers_armed") != nil)
                #expect(sample(text, "switchboard_timers_overdue") == 0)
            }
        }
    }

    @Test func jsonLogsAreOneObjectPerLineWithTheIdsAsFields() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "switchboard") { label in JSONLogHandler(label: label) { line in lines.withLock { $0.append(line) } } }
        logger[metadataKey: "node"] = "a"
        logger.info("Notification dead-lettered", metadata: ["delivery.id": "42", "call.id": "c-1", "error": "HTTP \"500\"\nagain"])
        logger.debug("Not at info")
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["level"] as? String == "info")
        #expect(object["label"] as? String == "switchboard")
        #expect(object["message"] as? String == "Notification dead-lettered")
        #expect(object["delivery.id"] as? String == "42")
        #expect(object["call.id"] as? String == "c-1")
        #expect(object["error"] as? String == "HTTP \"500\"\nagain")
        #expect(object["node"] as? String == "a")
        #expect((object["time"] as? String).flatMap { Timestamp(iso8601: $0) } != nil)
        // Fixed fields first, then the metadata in name order.
        let keys = ["\"time\"", "\"level\"", "\"label\"", "\"message\"", "\"call.id\"", "\"delivery.id\"", "\"error\"", "\"node\"", "\"source\""]
        let positions = keys.map { line.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
    }
}
