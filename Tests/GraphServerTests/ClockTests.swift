import CallRuntime
import CallStore
import Foundation
import GraphModel
import GraphServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardTesting
import Testing
import World

/// The virtual clock: `POST /_switchboard/clock/advance` runs everything that comes due, in
/// time order, before it answers.
@Suite(.timeLimit(.minutes(1))) struct ClockTests {
    func advance(_ client: some TestClientProtocol, _ seconds: Double) async throws -> TestResponse {
        try await client.send(.post, "/_switchboard/clock/advance", body: #"{"seconds": \#(seconds)}"#)
    }

    @Test func advancingRunsWhatComesDueBeforeAnswering() async throws {
        try await TestHarness.run(timerMode: .driven) { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).json["id"]?.stringValue)
                let start = harness.clock.now()
                // John rings for a second: the call is established when the advance answers.
                let moved = try await advance(client, 1)
                #expect(moved.status == .ok)
                #expect(try moved.json["mode"] == .string("manual"))
                #expect(try moved.json["now"] == .string(start.advanced(by: .seconds(1)).iso8601))
                #expect(try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token).json["state"] == .string("established"))

                // Two prompts of 3 s each: both done, the first first.
                for _ in 0..<2 {
                    let prompt = ##"{"prompts": [{"@odata.type": "#microsoft.graph.mediaPrompt", "mediaInfo": {"uri": "https://cdn.contoso.com/a.wav"}}]}"##
                    #expect(try await client.send(.post, "/v1.0/communications/calls/\(id)/playPrompt", token: token, body: prompt).status == .ok)
                }
                #expect(try await advance(client, 10).status == .ok)
                let operations = try await harness.stack.runtime.call(id: id, caller: ActionBadInputTests.caller).operations
                #expect(operations.map(\.status) == [.completed, .completed])

                // Forty-five minutes without keepAlive: the call is gone when the advance answers.
                #expect(try await advance(client, 45 * 60).status == .ok)
                try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token).expectGraphError(.notFound)
                await harness.webhooks.waitForAccepted(5)
                let sent = harness.webhooks.accepted
                #expect(sent.map { $0.call?.state } == [.establishing, .established, nil, nil, .terminated])
                #expect(sent.last?.call?.resultInfo?.subcode == 8537)
                let completed = try sent[2...3].map { try $0.notifications.value.first?.resourceUrl }
                #expect(completed == operations.map { "/communications/calls/\(id)/operations/\($0.id ?? "")" })
            }
        }
    }

    @Test func theClockIsShownAndBadAdvancesAreRefused() async throws {
        try await TestHarness.run(timerMode: .driven) { harness in
            try await Application(router: harness.stack.router()).test(.router) { client in
                let clock = try await client.send(.get, "/_switchboard/clock")
                #expect(clock.status == .ok)
                #expect(try clock.json["now"] == .string(harness.clock.now().iso8601))
                #expect(try clock.json["mode"] == .string("manual"))
                try await advance(client, -1).expectGraphError(.badRequest)
                try await client.send(.post, "/_switchboard/clock/advance", body: "{}").expectGraphError(.badRequest)
                try await client.send(.post, "/_switchboard/clock/advance", body: "soon").expectGraphError(.badRequest)
                #expect(try await client.send(.get, "/_switchboard/clock").json["now"] == clock.json["now"])
            }
        }
    }

    @Test func aRealClockCannotBeMoved() async throws {
        let store = InMemoryCallStore()
        let stack = try await SwitchboardStack.make(store: store, transport: RecordingWebhookTransport(), clock: SystemWallClock(), world: .builtIn())
        try await Application(router: stack.router()).test(.router) { client in
            #expect(try await client.send(.get, "/_switchboard/clock").json["mode"] == .string("real"))
            let refused = try await advance(client, 60)
            #expect(try refused.expectGraphError(.conflict) == "clockNotManual")
        }
        try await store.close()
    }
}
