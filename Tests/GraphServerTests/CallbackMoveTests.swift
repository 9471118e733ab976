import Foundation
import GraphModel
import Hummingbird
import HummingbirdTesting
import SwitchboardTesting
import Testing
import Webhooks

/// A bot answers a notification with `302 Found` and a `Location`: the call moves there
/// (reference §5.8), this notification and every later one.
@Suite(.timeLimit(.minutes(1))) struct CallbackMoveTests {
    static let east = "https://bot.contoso.com/callback"
    static let west = "https://west.bot.contoso.com/callback"

    @Test func aBotsRedirectMovesTheCallAndEveryLaterNotification() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            harness.webhooks.respond { url in url == Self.east ? WebhookResponse(status: 302, location: Self.west) : nil }
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(1)
                harness.clock.advance(by: .seconds(1))  // John answers.
                await harness.webhooks.waitForAccepted(2)
                #expect(harness.webhooks.accepted.map(\.url) == [Self.west, Self.west])
                #expect(harness.webhooks.accepted.map { $0.call?.state } == [.establishing, .established])
                #expect(try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token).json["callbackUri"] == .string(Self.west))
                // The journal tells the story: a 302, then the same notification delivered there.
                let first = try await client.send(.get, "/_switchboard/calls/\(id)/notifications").json["value"]?[index: 0]
                #expect(first?["url"] == .string(Self.west))
                #expect(first?["attempts"]?[index: 0]?["status"] == .number(302))
                #expect(first?["attempts"]?[index: 0]?["error"] == .string("HTTP 302: moved to \(Self.west)"))
                #expect(first?["attempts"]?[index: 1]?["status"] == .number(202))
                // Later notifications go straight there.
                #expect(try await client.send(.delete, "/v1.0/communications/calls/\(id)", token: token).status == .noContent)
                await harness.webhooks.waitForAccepted(4)
                #expect(harness.webhooks.accepted.allSatisfy { $0.url == Self.west })
            }
        }
    }

    @Test func aRedirectToAnAddressCallbacksMayNotReachIsAFailure() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            harness.webhooks.respond { url in url == Self.east ? WebhookResponse(status: 302, location: "https://169.254.169.254/latest") : nil }
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).json["id"]?.stringValue)
                await harness.webhooks.waitForAttempts(1)
                var tries: JSONValue?
                while (tries?.arrayCount ?? 0) == 0, !Task.isCancelled {
                    tries = try await client.send(.get, "/_switchboard/calls/\(id)/notifications").json["value"]?[index: 0]?["attempts"]
                }
                #expect(tries?[index: 0]?["error"]?.stringValue?.hasPrefix("HTTP 302: Location refused") == true)
                #expect(try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token).json["callbackUri"] == .string(Self.east))
                #expect(harness.webhooks.accepted.isEmpty)
            }
        }
    }
}
