import Foundation
import GraphModel
import GraphServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardTesting
import Testing

/// Past its limits Switchboard pushes back as Graph does (429 with `Retry-After`), and takes
/// work again once the backlog has drained.
@Suite(.timeLimit(.minutes(1))) struct OverloadTests {
    @Test func pastTheBacklogLimitChangesGet429UntilItDrains() async throws {
        try await TestHarness.run(overload: OverloadLimits(maxBacklog: 2)) { harness in
            let token = try await harness.token()
            harness.webhooks.respond(with: 503)
            try await Application(router: harness.stack.router()).test(.router) { client in
                // Two calls, two notifications the bot does not take: the backlog is full.
                let first = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).json["id"]?.stringValue)
                #expect(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).status == .created)
                let refused = try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody)
                #expect(try refused.expectGraphError(.tooManyRequests) == "TooManyRequests")
                #expect(refused.headers[HTTPField.Name("Retry-After")!] == "1")
                #expect(try refused.json["error"]?["message"]?.stringValue?.contains("2 notifications are waiting") == true)
                // Reads pass, and the control API is never refused.
                #expect(try await client.send(.get, "/v1.0/communications/calls/\(first)", token: token).status == .ok)
                #expect(try await client.send(.get, "/_switchboard/health").status == .ok)

                // The bot comes back; once everything is delivered, calls are taken again.
                harness.webhooks.respond(with: 202)
                while harness.webhooks.accepted.count < 4 || harness.stack.dispatcher.pending.current > 0, !Task.isCancelled {
                    if let next = harness.clock.nextDeadline { harness.clock.advance(to: next) }
                    await Task.yield()
                }
                #expect(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).status == .created)
            }
        }
    }

    @Test func pastTheRequestRateGraphRequestsGet429() async throws {
        // Two a second, none saved beyond that: the third request in the same instant is refused.
        try await TestHarness.run(overload: OverloadLimits(maxBacklog: nil, maxRequestRate: 2)) { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                var statuses: [HTTPResponse.Status] = []
                for _ in 0..<3 { statuses.append(try await client.send(.get, "/v1.0/communications/calls/none", token: token).status) }
                #expect(statuses == [.notFound, .notFound, .tooManyRequests])
                #expect(try await client.send(.get, "/_switchboard/health").status == .ok)
            }
        }
    }
}
