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

/// The far end's behaviours: the magic numbers every world has, manual far ends the
/// control API answers, and the incoming PSTN scenarios of the *Create call* seed.
@Suite(.timeLimit(.minutes(1))) struct FarEndBehaviourTests {
    typealias Phone = PhoneScenarioTests

    /// Places a call from the bot's application instance to `number`; returns its id.
    func call(_ number: String, _ client: some TestClientProtocol, _ token: String) async throws -> String {
        let created = try await client.send(.post, "/v1.0/communications/calls", token: token, body: Phone.p2p(to: Phone.identity(phone: number)))
        #expect(created.status == .created)
        return try #require(try created.json["id"]?.stringValue)
    }

    @Test(arguments: [
        ("+12065550102", ResultCodes.busy, Duration.zero),
        ("+12065550103", ResultCodes.noAnswer, Duration.seconds(60)),
        ("+12065550104", ResultCodes.declined, Duration.seconds(1)),
        ("+12065550105", ResultCodes.unreachable, Duration.zero),
    ])
    func aMagicNumberEndsTheCallAsItSays(_ number: String, _ result: ResultInfo, _ after: Duration) async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try await call(number, client, token)
                await harness.webhooks.waitForAccepted(1)
                if after > .zero {
                    harness.clock.advance(by: after - .milliseconds(1))
                    #expect(try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token).status == .ok)
                    harness.clock.advance(by: .milliseconds(1))
                }
                await harness.webhooks.waitForAccepted(2)
                let ended = try #require(harness.webhooks.accepted.last?.call)
                #expect(ended.state == .terminated)
                #expect(ended.resultInfo == result)
            }
        }
    }

    @Test func magicNumbersThatAnswerHangUpOrPressKeys() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                // +12065550101 answers at once and stays.
                let stays = try await call("+12065550101", client, token)
                await harness.webhooks.waitForAccepted(2)
                #expect(harness.webhooks.accepted[1].call?.state == .established)

                // +12065550107 answers, presses 1234# two seconds later, stays.
                let presses = try await call("+12065550107", client, token)
                await harness.webhooks.waitForAccepted(4)
                #expect(try await client.send(.post, "/v1.0/communications/calls/\(presses)/subscribeToTone", token: token, body: "{}").status == .ok)
                harness.clock.advance(by: .seconds(2))
                await harness.webhooks.waitForAccepted(9)
                let tones = harness.webhooks.accepted[4...8].compactMap { $0.call?.toneInfo?.tone }
                #expect(tones == [.tone1, .tone2, .tone3, .tone4, .pound])

                // +12065550106 answers and hangs up ten seconds later.
                let hangs = try await call("+12065550106", client, token)
                await harness.webhooks.waitForAccepted(11)
                harness.clock.advance(by: .seconds(10))
                await harness.webhooks.waitForAccepted(12)
                #expect(harness.webhooks.accepted[11].call?.id == hangs)
                #expect(harness.webhooks.accepted[11].call?.resultInfo == ResultCodes.peerEndedCall)
                for id in [stays, presses] {
                    #expect(try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token).json["state"] == .string("established"))
                }
            }
        }
    }

    /// A world whose Heidi answers only when the control API says so.
    static var manualWorld: World {
        var world = World.builtIn()
        let heidi = try! #require(world.users.firstIndex { $0.id == "550fae72-d251-43ec-868c-373732c2704f" })
        world.users[heidi].behaviour = .manual(then: [FarEndEvent(after: .seconds(5), .hangUp)])
        return world
    }

    static let callHeidi = seedCreateCallBody.replacingOccurrences(of: "112f7296-5fa4-42ca-bae8-6a692b15d4b8", with: "550fae72-d251-43ec-868c-373732c2704f")

    @Test func aManualFarEndRingsUntilTheControlAPIAnswers() async throws {
        try await TestHarness.run(world: Self.manualWorld) { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: Self.callHeidi).json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(1)
                harness.clock.advance(by: .seconds(30))
                #expect(try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token).json["state"] == .string("establishing"))
                // Someone else is not ringing here.
                try await client.send(.post, "/_switchboard/calls/\(id)/far-end", body: #"{"action": "answer", "participant": "112f7296-5fa4-42ca-bae8-6a692b15d4b8"}"#).expectGraphError(.notFound)
                #expect(try await client.send(.post, "/_switchboard/calls/\(id)/far-end", body: #"{"action": "answer"}"#).status == .noContent)
                await harness.webhooks.waitForAccepted(2)
                #expect(harness.webhooks.accepted[1].call?.state == .established)
                // Answered: nothing rings any more.
                try await client.send(.post, "/_switchboard/calls/\(id)/far-end", body: #"{"action": "busy"}"#).expectGraphError(.conflict)
                // Her timeline runs from the answer: she hangs up five seconds later.
                harness.clock.advance(by: .seconds(5))
                await harness.webhooks.waitForAccepted(3)
                #expect(harness.webhooks.accepted[2].call?.resultInfo == ResultCodes.peerEndedCall)
            }
        }
    }

    @Test(arguments: [("decline", ResultCodes.declined), ("busy", ResultCodes.busy)])
    func aManualFarEndRefuses(_ action: String, _ result: ResultInfo) async throws {
        try await TestHarness.run(world: Self.manualWorld) { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: Self.callHeidi).json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(1)
                #expect(try await client.send(.post, "/_switchboard/calls/\(id)/far-end", body: #"{"action": "\#(action)", "participant": "550fae72-d251-43ec-868c-373732c2704f"}"#).status == .noContent)
                await harness.webhooks.waitForAccepted(2)
                #expect(harness.webhooks.accepted[1].call?.resultInfo == result)
            }
        }
    }

    @Test func aManualInviteeDeclinesAndTheInvitationFails() async throws {
        try await TestHarness.run(world: Self.manualWorld) { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: InCallActionTests.joinMeetingBody).json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(4)
                let invite = try await client.send(.post, "/v1.0/communications/calls/\(id)/participants/invite", token: token,
                                                   body: Phone.invite(Phone.identity(user: "550fae72-d251-43ec-868c-373732c2704f")))
                #expect(invite.status == .ok)
                #expect(try await client.send(.post, "/_switchboard/calls/\(id)/far-end", body: #"{"action": "decline"}"#).status == .noContent)
                await harness.webhooks.waitForAccepted(5)
                let operation = try #require(try harness.webhooks.accepted[4].notifications.value.first)
                guard case .single(.operation(let failed))? = operation.resourceData else {
                    Issue.record("expected the invite operation, got \(operation)")
                    return
                }
                #expect(failed.status == .failed)
                #expect(failed.resultInfo == ResultCodes.declined)
            }
        }
    }

    @Test func aMeetingAttendeeJoinsAndLeavesOnTheirTimeline() async throws {
        let heidi = "550fae72-d251-43ec-868c-373732c2704f"
        var world = World.builtIn()
        world.meetings[0].attendees.append(heidi)
        world.meetings[0].joinsAfter[heidi] = .seconds(30)
        world.meetings[0].timelines[heidi] = [FarEndEvent(after: .seconds(90), .hangUp)]
        try await TestHarness.run(world: world) { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: InCallActionTests.joinMeetingBody).json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(4)
                func heidiIsIn() async throws -> Bool {
                    let value = try await client.send(.get, "/v1.0/communications/calls/\(id)/participants", token: token).json["value"]
                    return (0..<(value?.arrayCount ?? 0)).contains { value?[index: $0]?["info"]?["identity"]?["user"]?["id"] == .string(heidi) }
                }
                #expect(try await heidiIsIn() == false)
                // Not ringing: she comes when her timeline says.
                try await client.send(.post, "/_switchboard/calls/\(id)/far-end", body: #"{"action": "answer"}"#).expectGraphError(.conflict)
                harness.clock.advance(by: .seconds(30))
                await harness.webhooks.waitForAccepted(5)
                #expect(try harness.webhooks.accepted[4].notifications.value.first?.resourceUrl == "/communications/calls/\(id)/participants")
                #expect(try await heidiIsIn())
                harness.clock.advance(by: .seconds(60))
                await harness.webhooks.waitForAccepted(7)
                #expect(try await heidiIsIn() == false)
            }
        }
    }

    // MARK: Incoming PSTN scenarios of the Create call page

    static func pstnCallsTheBot(to: String) -> String {
        #"{"from": {"phone": {"id": "+15550100"}}, "to": \#(to), "callbackUri": "https://bot.contoso.com/api/calls"}"#
    }

    /// The bot's number, and its instance: both reach the built-in bot's application instance.
    static let toTheBot = [#"{"phone": {"id": "+14255550100"}}"#, #"{"applicationInstance": {"id": "\#(Phone.instance)"}}"#]

    func answeredPSTNCall(_ to: String, _ client: some TestClientProtocol, _ harness: TestHarness, _ token: String) async throws -> String {
        let response = try await client.send(.post, "/_switchboard/incoming-calls", body: Self.pstnCallsTheBot(to: to))
        #expect(response.status == .created)
        let id = try #require(try response.json["id"]?.stringValue)
        await harness.webhooks.waitForAccepted(1)
        let announced = try #require(harness.webhooks.accepted[0].call)
        #expect(announced.source?.identity?.phone?.id == "+15550100")
        #expect(announced.targets?.first?.identity?.applicationInstance?.id == Phone.instance)
        #expect(announced.targets?.first?.identity?.phone?.id == "+14255550100")
        #expect(try await client.send(.post, "/v1.0/communications/calls/\(id)/answer", token: token, body: IncomingCallTests.answerBody).status == .accepted)
        await harness.webhooks.waitForAccepted(3)
        return id
    }

    /// The Create call page's "scheduled meeting calls the bot's instance, the bot invites a
    /// number": the invitation carries the meeting; once answered the bot is in it.
    @Test func aMeetingInvitesTheBotsInstanceWhichInvitesANumber() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let placed = try await client.send(.post, "/_switchboard/incoming-calls", body: #"{"meeting": "seed-meeting", "to": {"applicationInstance": {"id": "\#(Phone.instance)"}}, "callbackUri": "https://bot.contoso.com/api/calls"}"#)
                #expect(placed.status == .created, "\(String(buffer: placed.body))")
                let id = try #require(try placed.json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(1)
                let invitation = try #require(harness.webhooks.accepted[0].call)
                #expect(invitation.state == .incoming)
                #expect(invitation.chatInfo?.threadId == "19:meeting_Win6Ydo4wsMijFjZS00ZGVjLTk5MGUtOTRjNWY2NmNkYTFm@thread.v2")
                #expect(invitation.meetingInfo?.organizer?.user?.id == "5810cede-f3cc-42eb-b2c1-e9bd5d53ec96")
                #expect(invitation.source?.identity?.user?.displayName == "Bob")

                #expect(try await client.send(.post, "/v1.0/communications/calls/\(id)/answer", token: token, body: IncomingCallTests.answerBody).status == .accepted)
                await harness.webhooks.waitForAccepted(4)
                #expect(try harness.webhooks.accepted[3].notifications.value.first?.resourceUrl == "/communications/calls/\(id)/participants")
                let roster = try await client.send(.get, "/v1.0/communications/calls/\(id)/participants", token: token).json["value"]
                #expect(roster?.arrayCount == 2)
                let meetings = try await client.send(.get, "/_switchboard/meetings").json["value"]?[index: 0]?["calls"]
                #expect(meetings == .array([.string(id)]))

                #expect(try await client.send(.post, "/v1.0/communications/calls/\(id)/participants/invite", token: token, body: Phone.invite(Phone.identity(phone: "+12065550101"))).status == .ok)
                await harness.webhooks.waitForAccepted(6)
                #expect(try await client.send(.get, "/v1.0/communications/calls/\(id)/participants", token: token).json["value"]?.arrayCount == 3)

                // A bot that joins the meeting now finds this one there, with the number.
                let joined = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: InCallActionTests.joinMeetingBody).json["id"]?.stringValue)
                let seen = try await client.send(.get, "/v1.0/communications/calls/\(joined)/participants", token: token).json["value"]
                #expect(seen?.arrayCount == 4)
            }
        }
    }

    @Test(arguments: toTheBot)
    func anIncomingPSTNCallInvitesAnotherNumber(_ to: String) async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try await answeredPSTNCall(to, client, harness, token)
                #expect(try await client.send(.post, "/v1.0/communications/calls/\(id)/participants/invite", token: token, body: Phone.invite(Phone.identity(phone: "+12065550101"))).status == .ok)
                await harness.webhooks.waitForAccepted(5)
                #expect(try await client.send(.get, "/v1.0/communications/calls/\(id)/participants", token: token).json["value"]?.arrayCount == 3)
            }
        }
    }

    @Test(arguments: toTheBot)
    func anIncomingPSTNCallIsTransferredToAnotherNumber(_ to: String) async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try await answeredPSTNCall(to, client, harness, token)
                let transfer = ##"{"transferTarget": {"@odata.type": "#microsoft.graph.invitationParticipantInfo", "identity": \##(Phone.identity(phone: "+12065550101"))}}"##
                #expect(try await client.send(.post, "/v1.0/communications/calls/\(id)/transfer", token: token, body: transfer).status == .accepted)
                await harness.webhooks.waitForAccepted(6)
                #expect(harness.webhooks.accepted[3...5].map { $0.call?.state } == [.transferring, .transferAccepted, .terminated])
                #expect(harness.webhooks.accepted[5].call?.resultInfo == ResultCodes.transferCompleted)
            }
        }
    }

    @Test(arguments: toTheBot)
    func anIncomingPSTNCallIsRedirectedToAnotherNumber(_ to: String) async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/_switchboard/incoming-calls", body: Self.pstnCallsTheBot(to: to)).json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(1)
                // The busy number refuses: the redirect fails and the call ends with its code.
                let busy = try await client.send(.post, "/v1.0/communications/calls/\(id)/redirect", token: token, body: #"{"targets": [{"identity": \#(Phone.identity(phone: "+12065550102"))}]}"#)
                #expect(busy.status == .accepted)
                await harness.webhooks.waitForAccepted(2)
                #expect(harness.webhooks.accepted[1].call?.resultInfo == ResultCodes.busy)

                let second = try #require(try await client.send(.post, "/_switchboard/incoming-calls", body: Self.pstnCallsTheBot(to: to)).json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(3)
                let targets = ["+12065550102", "+12065550101"].map { #"{"identity": \#(Phone.identity(phone: $0))}"# }.joined(separator: ",")
                #expect(try await client.send(.post, "/v1.0/communications/calls/\(second)/redirect", token: token, body: #"{"targets": [\#(targets)]}"#).status == .accepted)
                await harness.webhooks.waitForAccepted(4)
                let ended = try #require(harness.webhooks.accepted[3].call)
                #expect(ended.state == .terminated)
                #expect(ended.resultInfo == nil)
            }
        }
    }
}
