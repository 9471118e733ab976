import Foundation
import GraphModel
import GraphServer
import HTTPTypes
import Hummingbird
import Synchronization
import HummingbirdTesting
import SwitchboardTesting
import Testing

/// Past its limits Switchboard pushes back as Graph does (429 with `Retry-After`), and takes
/// work again once the backlog has drained.
@Suite(.timeLimit(.minutes(1))) struct OverloadTests {
    @Test func pastTheBacklogLimitChangesGet429UntilItDrains() async throws {
        // Far ends that ring for an hour: moving the clock through the retries makes no new notification.
        try await TestHarness.run(world: .builtIn(defaultRingTime: .seconds(3600)), overload: OverloadLimits(maxBacklog: 2)) { harness in
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
                // Their retries come a second later (no jitter in the harness); nothing else is due then.
                harness.clock.advance(by: .seconds(1))
                await harness.webhooks.waitForAccepted(2)
                while harness.stack.dispatcher.pending.current > 0, !Task.isCancelled { await Task.yield() }
                let again = try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody)
                #expect(again.status == .created, "\(String(buffer: again.body))")
            }
        }
    }

    @Test func pastTheRequestRateGraphRequestsGet429() async throws {
        // One every four seconds, one saved up: the second request within four seconds is
        // refused (the bucket runs on real time; four seconds leave room for a loaded machine).
        try await TestHarness.run(overload: OverloadLimits(maxBacklog: nil, maxRequestRate: 0.25)) { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                var statuses: [HTTPResponse.Status] = []
                for _ in 0..<2 { statuses.append(try await client.send(.get, "/v1.0/communications/calls/none", token: token).status) }
                #expect(statuses == [.notFound, .tooManyRequests])
                #expect(try await client.send(.get, "/_switchboard/health").status == .ok)
            }
        }
    }

    @Test func writesWaitWhileNotificationsFallBehindAndGoOnWhenTheyCatchUp() async throws {
        try await withPacedCreate { harness, paced, answered in
            // Waiting for delivery to catch up: not handled yet.
            #expect(!answered())
            #expect(try await harness.stack.runtime.activeCallCount() == 5)

            harness.webhooks.release()
            let status = try await paced.value
            #expect(status == .created)
            #expect(try await harness.stack.runtime.activeCallCount() == 6)
        }
    }

    @Test func aPacedWriteIsHandledAnywayOnceItHasWaitedLongEnough() async throws {
        try await withPacedCreate { harness, paced, _ in
            // The receiver stays stuck; a second on the clock later the request goes through.
            harness.clock.advance(by: .seconds(1))
            let status = try await paced.value
            #expect(status == .created)
            #expect(harness.stack.dispatcher.due.current >= 1)
            harness.webhooks.release()
        }
    }

    /// A receiver whose last try failed (it is down) holds back only its own notifications:
    /// with its tries in flight and more of its calls parked behind them, writes are not
    /// paced for it.
    @Test func aReceiverThatIsDownDoesNotPaceWrites() async throws {
        try await TestHarness.run(overload: OverloadLimits(paceBacklog: 0, maxPaceWait: .seconds(1))) { harness in
            let token = try await harness.token()
            let dispatcher = harness.stack.dispatcher
            harness.webhooks.respond(with: 503)
            let failed = Mutex(false)
            await dispatcher.onReport { report in
                if case .retried = report.outcome { failed.withLock { $0 = true } }
            }
            try await Application(router: harness.stack.router()).test(.router) { client async throws -> Void in
                #expect(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).status == .created)
                while !failed.withLock({ $0 }), !Task.isCancelled { await Task.yield() }
                // Its next tries hang, then fail: four in flight (the most one receiver gets), one parked.
                harness.webhooks.hold()
                for _ in 0..<5 {
                    #expect(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).status == .created)
                }
                await harness.webhooks.waitForAttempts(5)
                let answered = Mutex(false)
                let write = Task {
                    let status = try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).status
                    answered.withLock { $0 = true }
                    return status
                }
                while !answered.withLock({ $0 }), dispatcher.due.waiting == 0, !Task.isCancelled { await Task.yield() }
                #expect(dispatcher.due.waiting == 0, "the write waits for a receiver that is down")
                // (Were it paced, a second on the clock lets it through.)
                harness.clock.advance(by: .seconds(1))
                #expect(try await write.value == .created)
                harness.webhooks.release()
            }
        }
    }

    /// A receiver that has stopped answering, four tries in flight at it (the most one
    /// receiver gets of the harness's eight) and a fifth notification due, with no notification
    /// allowed to wait (`paceBacklog` 0): a create sent now is paced. `body` gets the harness, that create, and whether it was answered yet.
    private func withPacedCreate(
        _ body: @escaping @Sendable (TestHarness, Task<HTTPResponse.Status, any Error>, @escaping @Sendable () -> Bool) async throws -> Void
    ) async throws {
        try await TestHarness.run(overload: OverloadLimits(paceBacklog: 0, maxPaceWait: .seconds(1))) { harness in
            let token = try await harness.token()
            let dispatcher = harness.stack.dispatcher
            harness.webhooks.hold()
            try await Application(router: harness.stack.router()).test(.router) { client in
                for _ in 0..<5 {
                    #expect(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).status == .created)
                }
                while dispatcher.due.current < 1, !Task.isCancelled { await Task.yield() }
                let answered = Mutex(false)
                let paced = Task {
                    let status = try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).status
                    answered.withLock { $0 = true }
                    return status
                }
                while dispatcher.due.waiting < 1, !Task.isCancelled { await Task.yield() }
                try await body(harness, paced) { answered.withLock { $0 } }
            }
        }
    }
}
