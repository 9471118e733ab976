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

/// The inspector's page and what it reads: the calls, a call's timeline, the world.
@Suite(.timeLimit(.minutes(1))) struct InspectorTests {
    @Test func aCallsTimelineShowsTheBotsRequestsStateChangesAndEveryNotificationsTries() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).json["id"]?.stringValue)
                // The first try at `established` fails: the timeline shows both tries.
                await harness.webhooks.waitForAccepted(1)
                await harness.establishAfterOneFailedTry(status: 500)

                let listing = try await client.send(.get, "/_switchboard/calls").json["value"]
                let call = try #require(listing?[index: 0])
                #expect(call["id"]?.stringValue == id)
                #expect(call["state"]?.stringValue == "established")
                #expect(call["kind"]?.stringValue == "peerToPeer")
                #expect(call["direction"]?.stringValue == "outgoing")
                #expect(call["app"]?.stringValue == "Calling Bot")
                #expect(call["participants"] == .array([.string("John")]))

                let timeline = try await client.send(.get, "/_switchboard/calls/\(id)/timeline").json
                let events = try #require(timeline["events"]?.arrayValue)
                #expect(events.map { $0["kind"]?.stringValue } == ["request", "state", "notification", "state", "notification"])
                let create = events[0]
                #expect(create["from"]?.stringValue == "bot")
                #expect(create["method"]?.stringValue == "POST")
                #expect(create["path"]?.stringValue == "/v1.0/communications/calls")
                #expect(create["status"] == .number(201))
                #expect(create["request"]?["targets"] != nil, "the request's body, as sent")
                #expect(create["response"]?["id"]?.stringValue == id, "the answer's body")
                #expect(events[1]["state"]?.stringValue == "establishing")
                #expect(events[3]["state"]?.stringValue == "established")
                let established = events[4]
                #expect(established["delivery"]?.stringValue == "delivered")
                #expect(established["summary"]?.stringValue == "updated call established")
                #expect(established["attempts"]?.arrayValue?.map { $0["status"] } == [.number(500), .number(202)])
                #expect(established["body"]?["value"] != nil, "the notification as POSTed")

                // The far end hangs up: the control API's request, the call's end; the call
                // stays listed after the store has forgotten it.
                #expect(try await client.send(.post, "/_switchboard/calls/\(id)/far-end", body: #"{"action": "hangUp"}"#).status == .noContent)
                await harness.webhooks.waitForAccepted(3)
                let after = try #require(try await client.send(.get, "/_switchboard/calls/\(id)/timeline").json["events"]?.arrayValue)
                #expect(after.map { $0["kind"]?.stringValue }.suffix(3) == ["request", "state", "notification"])
                #expect(after.suffix(3).first?["from"]?.stringValue == "control")
                #expect(after.suffix(2).first?["state"]?.stringValue == "terminated")
                #expect(try await client.send(.get, "/_switchboard/calls").json["value"]?[index: 0]?["state"]?.stringValue == "terminated")
                // A reset forgets it, and a snapshot restored brings back exactly its calls.
                #expect(try await client.send(.post, "/_switchboard/reset").status == .noContent)
                #expect(try await client.send(.get, "/_switchboard/calls").json["value"] == .array([]))
                let kept = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).json["id"])
                let snapshot = String(buffer: try await client.send(.get, "/_switchboard/snapshot").body)
                #expect(try await client.send(.post, "/_switchboard/reset").status == .noContent)
                _ = try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody)
                #expect(try await client.send(.put, "/_switchboard/snapshot", body: snapshot).status == .noContent)
                #expect(try await client.send(.get, "/_switchboard/calls").json["value"]?.arrayValue?.map { $0["id"] } == [kept])
            }
        }
    }

    /// A call made through the control API is found by the `Location` its answer gives (the
    /// call's Graph resource, in the version asked for), and its answer is sent whole.
    @Test(arguments: ["v1.0", "beta"]) func anIncomingCallsTimelineStartsWithTheControlRequestThatPlacedIt(version: String) async throws {
        try await TestHarness.run { harness in
            try await Application(router: harness.stack.router()).test(.router) { client in
                let placed = try await client.send(.post, "/_switchboard/incoming-calls", body: IncomingCallTests.johnCallsTheBot(apiVersion: version))
                #expect(placed.status == .created)
                let id = try #require(placed.json["id"]?.stringValue)
                #expect(placed.headers[.location]?.hasSuffix("/\(version)/communications/calls/\(id)") == true)
                #expect(placed.headers[.contentLength] == String(placed.body.readableBytes))
                let events = try #require(try await client.send(.get, "/_switchboard/calls/\(id)/timeline").json["events"]?.arrayValue)
                let request = try #require(events.first)
                #expect(request["kind"]?.stringValue == "request")
                #expect(request["from"]?.stringValue == "control")
                #expect(request["path"]?.stringValue == "/_switchboard/incoming-calls")
                #expect(request["status"] == .number(201))
                #expect(request["response"]?["id"]?.stringValue == id)
            }
        }
    }

    @Test func rostersAndOperationsAreReadOutOfTheNotifications() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: InCallActionTests.joinMeetingBody).json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(4)
                let prompts = ##"{"prompts": [{"@odata.type": "#microsoft.graph.mediaPrompt", "mediaInfo": {"uri": "https://cdn.contoso.com/hello.wav"}}]}"##
                #expect(try await client.send(.post, "/v1.0/communications/calls/\(id)/playPrompt", token: token, body: prompts).status == .ok)
                harness.clock.advance(by: .seconds(6))
                await harness.webhooks.waitForAccepted(5)
                let events = try #require(try await client.send(.get, "/_switchboard/calls/\(id)/timeline").json["events"]?.arrayValue)
                let roster = try #require(events.first { $0["kind"]?.stringValue == "roster" })
                #expect(roster["participants"]?.arrayValue?.isEmpty == false)
                let operation = try #require(events.last { $0["kind"]?.stringValue == "operation" })
                #expect(operation["operation"]?.stringValue == "playPromptOperation")
                #expect(operation["summary"]?.stringValue == "playPromptOperation completed")
                #expect(events.last?["kind"]?.stringValue == "notification", "each derived event comes before its notification")
            }
        }
    }

    @Test func aCallNobodyHasSeenIsNotFound() async throws {
        try await TestHarness.run { harness in
            try await Application(router: harness.stack.router()).test(.router) { client in
                try await client.send(.get, "/_switchboard/calls/no-such-call/timeline").expectGraphError(.notFound)
            }
        }
    }

    @Test func thePageNeedsNoTokenButWhatItReadsDoes() async throws {
        try await TestHarness.run(controlToken: "s3cret") { harness in
            try await Application(router: harness.stack.router()).test(.router) { client in
                let page = try await client.send(.get, "/_switchboard/")
                #expect(page.status == .ok)
                #expect(page.headers[.contentType] == "text/html; charset=utf-8")
                #expect(String(buffer: page.body).contains("<title>Switchboard inspector</title>"))
                for path in ["/_switchboard/calls", "/_switchboard/world", "/_switchboard/events"] {
                    try await client.send(.get, path).expectGraphError(.unauthorized)
                }
                let world = try await client.execute(uri: "/_switchboard/world", method: .get, headers: [.authorization: "Bearer s3cret"])
                #expect(world.status == .ok)
                let json = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: world.body))
                #expect(json["applications"]?[index: 0]?["displayName"]?.stringValue == "Calling Bot")
                #expect(json["magicNumbers"]?.arrayValue?.count == World.magicNumbers.count)
                #expect(!String(buffer: world.body).contains(World.callingBotSecret), "never a client secret")
            }
        }
    }

    @Test func theLiveStreamIsToldOfEveryChange() async throws {
        try await TestHarness.run { harness in
            let log = try #require(harness.stack.services.inspector)
            let (events, control) = log.events(tick: .seconds(3600))
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                _ = try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody)
            }
            var iterator = events.makeAsyncIterator()
            guard case .changed(let version)? = await iterator.next() else {
                Issue.record("no change announced")
                return
            }
            #expect(version >= 1)
            control.finish()
        }
    }
}
