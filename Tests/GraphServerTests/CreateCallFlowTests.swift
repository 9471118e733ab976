import Foundation
import GraphModel
import GraphServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardTesting
import Testing
import World

/// The first seed example carried through every layer, in process.
@Suite(.timeLimit(.minutes(1))) struct CreateCallFlowTests {
    @Test func aPeerToPeerCallRingsIsAnsweredAndHangsUp() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                // Create: 201, Location, the call as the seed's response shows it.
                let created = try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody)
                #expect(created.status == .created)
                let call = try created.json
                let id = try #require(call["id"]?.stringValue)
                #expect(created.headers[.location]?.hasSuffix("/v1.0/communications/calls/\(id)") == true)
                #expect(call["state"] == .string("establishing"))
                #expect(call["direction"] == .string("outgoing"))
                #expect(call["myParticipantId"]?.stringValue?.isEmpty == false)
                #expect(call["callChainId"]?.stringValue?.isEmpty == false)
                #expect(call["source"]?["identity"]?["application"]?["id"] == .string(World.callingBotAppId))
                #expect(call["source"]?["identity"]?["application"]?["displayName"] == .string("Calling Bot"))
                #expect(call["targets"]?.arrayCount == 1)
                #expect(call["@odata.context"]?.stringValue?.hasSuffix("/v1.0/$metadata#communications/calls/$entity") == true)
                guard case .object(let properties) = call else { Issue.record("not an object"); return }
                #expect(Set(properties.keys).subtracting(v1CallProperties).isEmpty, "outside v1.0: \(Set(properties.keys).subtracting(v1CallProperties))")

                // Establishing is notified at once, with a bearer token.
                await harness.webhooks.waitForAccepted(1)
                let establishing = harness.webhooks.accepted[0]
                #expect(establishing.url == "https://bot.contoso.com/callback")
                #expect(establishing.headers["Authorization"]?.hasPrefix("Bearer ey") == true)
                #expect(establishing.call?.state == .establishing)
                #expect(try establishing.notifications.value.first?.resourceUrl == "/communications/calls/\(id)")
                #expect(try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token).json["state"] == .string("establishing"))

                // The user rings for the world's default second, then answers.
                harness.clock.advance(by: .seconds(1))
                await harness.webhooks.waitForAccepted(2)
                let established = harness.webhooks.accepted[1]
                #expect(established.call?.state == .established)
                #expect(established.call?.direction == .outgoing)

                let fetched = try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token)
                #expect(fetched.status == .ok)
                #expect(try fetched.json["state"] == .string("established"))
                let participants = try await client.send(.get, "/v1.0/communications/calls/\(id)/participants", token: token)
                #expect(participants.status == .ok)
                let roster = try participants.json["value"]
                #expect(roster?.arrayCount == 2)
                #expect(roster?[index: 0]?["id"] == call["myParticipantId"])
                #expect(roster?[index: 1]?["info"]?["identity"]?["user"]?["id"] == .string("112f7296-5fa4-42ca-bae8-6a692b15d4b8"))

                // Hang up: 204, then terminating and deleted (terminated with resultInfo).
                let deleted = try await client.send(.delete, "/v1.0/communications/calls/\(id)", token: token)
                #expect(deleted.status == .noContent)
                await harness.webhooks.waitForAccepted(4)
                let terminating = harness.webhooks.accepted[2]
                #expect(try terminating.notifications.value.first?.changeType == .updated)
                #expect(terminating.call?.state == .terminating)
                let gone = harness.webhooks.accepted[3]
                #expect(try gone.notifications.value.first?.changeType == .deleted)
                #expect(gone.call?.state == .terminated)
                #expect(gone.call?.resultInfo == ResultInfo(code: 200, subcode: 5001, message: "The conversation has ended."))

                let after = try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token)
                try after.expectGraphError(.notFound)
            }
            #expect(try await harness.stack.store.pendingDeliveries(after: 0, limit: 10).isEmpty)
        }
    }

    @Test func notificationsHaveTheSeedsShape() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let created = try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody)
                let id = try #require(try created.json["id"]?.stringValue)
                harness.clock.advance(by: .seconds(1))
                await harness.webhooks.waitForAccepted(2)
                // seed002: "通知 - 確立" and "通知 - 確立済み", with the seed's ids replaced by ours.
                let seeds = [
                    ##"{"@odata.type":"#microsoft.graph.commsNotifications","value":[{"@odata.type":"#microsoft.graph.commsNotification","changeType":"updated","resourceUrl":"/communications/calls/ID","callbackUri":"https://bot.contoso.com/callback","resourceData":{"@odata.type":"#microsoft.graph.call","state":"establishing","id":"ID"}}]}"##,
                    ##"{"@odata.type":"#microsoft.graph.commsNotifications","value":[{"@odata.type":"#microsoft.graph.commsNotification","changeType":"updated","resourceUrl":"/communications/calls/ID","callbackUri":"https://bot.contoso.com/callback","resourceData":{"@odata.type":"#microsoft.graph.call","state":"established","direction":"outgoing","id":"ID"}}]}"##,
                ]
                for (received, seed) in zip(harness.webhooks.accepted, seeds) {
                    let expected = try JSONDecoder().decode(JSONValue.self, from: Data(seed.replacingOccurrences(of: "ID", with: id).utf8))
                    #expect(try JSONDecoder().decode(JSONValue.self, from: Data(received.body)) == expected)
                }
            }
        }
    }

    @Test func betaAndLegacyPathsWork() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                for path in ["/beta/communications/calls", "/beta/app/calls", "/v1.0/applications/\(World.callingBotAppId)/calls", "/V1.0/Communications/Calls"] {
                    let created = try await client.send(.post, path, token: token, body: seedCreateCallBody)
                    #expect(created.status == .created, "\(path)")
                    let id = try #require(try created.json["id"]?.stringValue)
                    for action in ["keepAlive", "microsoft.graph.keepAlive", "KEEPALIVE"] {
                        #expect(try await client.send(.post, "\(path)/\(id)/\(action)", token: token).status == .ok, "\(path) \(action)")
                    }
                    #expect(try await client.send(.get, "\(path)/\(id)", token: token).status == .ok)
                }
                #expect(try await harness.stack.runtime.activeCallCount() == 4)
            }
        }
    }

    @Test func betaResponsesKeepBetaProperties() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let body = seedCreateCallBody.replacingOccurrences(of: #""requestedModalities""#, with: ##""ringingTimeoutInSeconds": 30, "requestedModalities""##)
                let beta = try await client.send(.post, "/beta/communications/calls", token: token, body: body)
                #expect(try beta.json["ringingTimeoutInSeconds"] == .number(30))
                let v1 = try await client.send(.post, "/v1.0/communications/calls", token: token, body: body)
                #expect(try v1.json["ringingTimeoutInSeconds"] == nil)
            }
        }
    }
}

extension JSONValue {
    var arrayCount: Int? {
        if case .array(let values) = self { return values.count }
        return nil
    }

    var arrayValue: [JSONValue]? {
        if case .array(let values) = self { return values }
        return nil
    }

    subscript(index index: Int) -> JSONValue? {
        if case .array(let values) = self, index < values.count { return values[index] }
        return nil
    }
}
