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

/// A bot joins the seeds' meeting and uses the in-call actions over the router, with the
/// manual clock: responses, `Location` headers, operations and the notifications that follow.
@Suite(.timeLimit(.minutes(1))) struct InCallActionTests {
    static let joinMeetingBody = """
    {"@odata.type": "#microsoft.graph.call", "callbackUri": "https://bot.contoso.com/callback",
     "requestedModalities": ["audio"],
     "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"},
     "callOptions": {"@odata.type": "#microsoft.graph.outgoingCallOptions", "isContentSharingNotificationEnabled": true},
     "chatInfo": {"@odata.type": "#microsoft.graph.chatInfo", "threadId": "19:meeting_Win6Ydo4wsMijFjZS00ZGVjLTk5MGUtOTRjNWY2NmNkYTFm@thread.v2", "messageId": "0"},
     "meetingInfo": {"@odata.type": "#microsoft.graph.organizerMeetingInfo",
       "organizer": {"@odata.type": "#microsoft.graph.identitySet", "user": {"@odata.type": "#microsoft.graph.identity", "id": "5810cede-f3cc-42eb-b2c1-e9bd5d53ec96", "displayName": "Bob"}}}}
    """

    static let john = "112f7296-5fa4-42ca-bae8-6a692b15d4b8"

    /// Decoded notifications from `index` on.
    func notifications(_ harness: TestHarness, from index: Int) throws -> [CommsNotification] {
        try harness.webhooks.accepted.dropFirst(index).flatMap { try $0.notifications.value }
    }

    @Test func joiningAMeetingBringsItsRosterAndContentSharing() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let created = try await client.send(.post, "/v1.0/communications/calls", token: token, body: Self.joinMeetingBody)
                #expect(created.status == .created)
                let id = try #require(try created.json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(4)
                let sent = try notifications(harness, from: 0)
                #expect(sent.map(\.resourceUrl) == [
                    "/communications/calls/\(id)", "/communications/calls/\(id)",
                    "/communications/calls/\(id)/participants", "/communications/calls/\(id)/contentsharingsessions",
                ])
                guard case .single(.call(let established))? = sent[1].resourceData else { Issue.record("no call"); return }
                #expect(established.state == .established)
                #expect(established.chatInfo?.threadId?.hasPrefix("19:meeting_Win6") == true)
                #expect(established.meetingInfo?.kind == .organizerMeetingInfo)
                guard case .collection(let roster)? = sent[2].resourceData else { Issue.record("no roster"); return }
                #expect(roster.count == 2)
                #expect(sent[3].changeType == .created)

                let participants = try await client.send(.get, "/v1.0/communications/calls/\(id)/participants", token: token).json["value"]
                #expect(participants?.arrayCount == 2)
                let sessions = try await client.send(.get, "/v1.0/communications/calls/\(id)/contentSharingSessions", token: token)
                #expect(sessions.status == .ok)
                let sessionId = try #require(try sessions.json["value"]?[index: 0]?["id"]?.stringValue)
                let session = try await client.send(.get, "/v1.0/communications/calls/\(id)/contentSharingSessions/\(sessionId)", token: token)
                #expect(try session.json["@odata.type"] == .string("#microsoft.graph.contentSharingSession"))
                #expect(try session.json["presenterParticipantId"] == nil)
            }
        }
    }

    @Test func promptsRecordingsAndTonesRunAsOperations() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: Self.joinMeetingBody).json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(4)
                let calls = "/v1.0/communications/calls/\(id)"

                // playPrompt: 200, Location, running; completes when its prompts have played.
                let prompts = ##"{"clientContext": "ctx-1", "prompts": [{"@odata.type": "#microsoft.graph.mediaPrompt", "mediaInfo": {"uri": "https://cdn.contoso.com/hello.wav"}}, {"@odata.type": "#microsoft.graph.mediaPrompt", "mediaInfo": {"uri": "https://cdn.contoso.com/bye.wav"}}]}"##
                let played = try await client.send(.post, "\(calls)/playPrompt", token: token, body: prompts)
                #expect(played.status == .ok)
                let operation = try played.json
                let operationId = try #require(operation["id"]?.stringValue)
                #expect(operation["@odata.type"] == .string("#microsoft.graph.playPromptOperation"))
                #expect(operation["status"] == .string("running"))
                #expect(operation["clientContext"] == .string("ctx-1"))
                #expect(played.headers[.location]?.hasSuffix("\(calls)/operations/\(operationId)") == true)
                #expect(try await client.send(.get, "\(calls)/operations/\(operationId)", token: token).json["status"] == .string("running"))
                harness.clock.advance(by: .seconds(6))
                await harness.webhooks.waitForAccepted(5)
                let completion = try #require(try notifications(harness, from: 4).first)
                #expect(completion.changeType == .deleted)
                #expect(completion.resourceUrl == "/communications/calls/\(id)/operations/\(operationId)")
                guard case .single(.operation(let done))? = completion.resourceData else { Issue.record("no operation"); return }
                #expect(done.status == .completed)
                #expect(done.resultInfo == ResultInfo(code: 200, subcode: 0, message: "Action completed successfully."))
                #expect(try await client.send(.get, "\(calls)/operations/\(operationId)", token: token).json["status"] == .string("completed"))

                // recordResponse: a recording of the asked length, served back with its token.
                let record = ##"{"maxRecordDurationInSeconds": 2, "playBeep": false, "stopTones": ["#", "1"]}"##
                let recording = try await client.send(.post, "\(calls)/recordResponse", token: token, body: record)
                #expect(recording.status == .ok)
                #expect(try recording.json["@odata.type"] == .string("#microsoft.graph.recordOperation"))
                harness.clock.advance(by: .seconds(2))
                await harness.webhooks.waitForAccepted(6)
                guard case .single(.operation(let recorded))? = try notifications(harness, from: 5).first?.resourceData else { Issue.record("no operation"); return }
                #expect(recorded.resultInfo?.subcode == 8515)
                let location = try #require(recorded.recordingLocation)
                let path = try #require(location.range(of: "/_switchboard/").map { String(location[$0.lowerBound...]) })
                let wav = try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer \(recorded.recordingAccessToken ?? "")"])
                #expect(wav.status == .ok)
                #expect(wav.headers[.contentType] == "application/octet-stream")
                #expect(wav.body.readableBytes == 44 + 2 * 16_000 * 2)
                let refused = try await client.execute(uri: path, method: .get, headers: [.authorization: "Bearer nope"])
                try refused.expectGraphError(.notFound)

                // subscribeToTone completes at once; sendDtmfTones runs, then completes.
                let subscribed = try await client.send(.post, "\(calls)/subscribeToTone", token: token, body: "{}")
                #expect(try subscribed.json["status"] == .string("completed"))
                let dtmf = try await client.send(.post, "\(calls)/sendDtmfTones", token: token, body: #"{"tones": ["tone1", "pound"], "delayBetweenTonesMs": 300}"#)
                #expect(try dtmf.json["status"] == .string("running"))
                harness.clock.advance(by: .milliseconds(500))
                await harness.webhooks.waitForAccepted(7)
                guard case .single(.operation(let sentTones))? = try notifications(harness, from: 6).first?.resourceData else { Issue.record("no operation"); return }
                #expect(sentTones.completionReason == "completedSuccessfully")

                // cancelMediaProcessing: the running prompt fails with 400/8508.
                let queued = try await client.send(.post, "\(calls)/playPrompt", token: token, body: prompts)
                let queuedId = try #require(try queued.json["id"]?.stringValue)
                let cancel = try await client.send(.post, "\(calls)/cancelMediaProcessing", token: token, body: #"{"clientContext": "c"}"#)
                #expect(cancel.status == .ok)
                #expect(try cancel.json["status"] == .string("completed"))
                await harness.webhooks.waitForAccepted(8)
                guard case .single(.operation(let cancelled))? = try notifications(harness, from: 7).first?.resourceData else { Issue.record("no operation"); return }
                #expect(cancelled.id == queuedId)
                #expect(cancelled.status == .failed)
                #expect(cancelled.resultInfo == ResultInfo(code: 400, subcode: 8508, message: "Action failed, the operation was cancelled."))
            }
        }
    }

    @Test func participantsAreInvitedMutedHeldAndRemoved() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: Self.joinMeetingBody).json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(4)
                let calls = "/v1.0/communications/calls/\(id)"

                // mute (self): completed at once; everyone sees the bot muted.
                let muted = try await client.send(.post, "\(calls)/mute", token: token, body: #"{"clientContext": "m"}"#)
                #expect(muted.status == .ok)
                #expect(try muted.json["@odata.type"] == .string("#microsoft.graph.muteParticipantOperation"))
                #expect(try muted.json["status"] == .string("completed"))
                await harness.webhooks.waitForAccepted(5)

                // invite: running until user2 answers a second later.
                let invite = ##"{"participants": [{"@odata.type": "#microsoft.graph.invitationParticipantInfo", "identity": {"@odata.type": "#microsoft.graph.identitySet", "user": {"@odata.type": "#microsoft.graph.identity", "id": "bf5aae9a-d11d-47a8-93b1-782504c95555"}}}], "clientContext": "inv"}"##
                let invited = try await client.send(.post, "\(calls)/participants/invite", token: token, body: invite)
                #expect(invited.status == .ok)
                #expect(try invited.json["@odata.type"] == .string("#microsoft.graph.inviteParticipantsOperation"))
                #expect(try invited.json["participants"]?.arrayCount == 1)
                harness.clock.advance(by: .seconds(1))
                await harness.webhooks.waitForAccepted(7)
                let after = try notifications(harness, from: 5)
                #expect(after.map { $0.resourceUrl?.hasSuffix("/participants") } == [true, false])
                let roster = try await client.send(.get, "\(calls)/participants", token: token).json["value"]
                #expect(roster?.arrayCount == 3)

                // Participant mute and hold music (one participant at a time).
                let johnId = try #require(participantId(roster, user: Self.john))
                let user2Id = try #require(participantId(roster, user: "bf5aae9a-d11d-47a8-93b1-782504c95555"))
                #expect(try await client.send(.post, "\(calls)/participants/\(johnId)/mute", token: token, body: "{}").status == .ok)
                let held = try await client.send(.post, "\(calls)/participants/\(johnId)/startHoldMusic", token: token, body: "{}")
                #expect(held.status == .accepted)
                #expect(try held.json["status"] == .string("running"))
                try await client.send(.post, "\(calls)/participants/\(user2Id)/startHoldMusic", token: token, body: "{}").expectGraphError(.badRequest)
                #expect(try await client.send(.post, "\(calls)/participants/\(johnId)/stopHoldMusic", token: token, body: "{}").status == .accepted)

                // Audio routing groups.
                let group = #"{"id": "oneToOne", "routingMode": "oneToOne", "sources": ["\#(johnId)"], "receivers": ["\#(user2Id)"]}"#
                let createdGroup = try await client.send(.post, "\(calls)/audioRoutingGroups", token: token, body: group)
                #expect(createdGroup.status == .ok)
                #expect(try createdGroup.json["@odata.type"] == .string("#microsoft.graph.audioRoutingGroup"))
                #expect(try await client.send(.get, "\(calls)/audioRoutingGroups", token: token).json["value"]?.arrayCount == 1)
                let patched = try await client.send(.patch, "\(calls)/audioRoutingGroups/oneToOne", token: token, body: #"{"routingMode": "multicast", "receivers": ["\#(user2Id)", "\#(johnId)"]}"#)
                #expect(patched.status == .ok)
                #expect(try patched.json["receivers"]?.arrayCount == 2)
                #expect(try await client.send(.delete, "\(calls)/audioRoutingGroups/oneToOne", token: token).status == .noContent)
                try await client.send(.get, "\(calls)/audioRoutingGroups/oneToOne", token: token).expectGraphError(.notFound)

                // Remove a participant: 204, and the roster loses them.
                #expect(try await client.send(.delete, "\(calls)/participants/\(user2Id)", token: token).status == .noContent)
                #expect(try await client.send(.get, "\(calls)/participants", token: token).json["value"]?.arrayCount == 2)
                try await client.send(.get, "\(calls)/participants/\(user2Id)", token: token).expectGraphError(.notFound)
            }
        }
    }

    @Test func aGroupCallTakesFiveUsersAndNoMore() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            let users = harness.stack.services.world.users.map(\.id)
            @Sendable func body(_ count: Int) -> String {
                let targets = users.prefix(count).map { user in
                    ##"{"@odata.type": "#microsoft.graph.invitationParticipantInfo", "identity": {"@odata.type": "#microsoft.graph.identitySet", "user": {"@odata.type": "#microsoft.graph.identity", "id": "\##(user)"}}}"##
                }
                return ##"{"callbackUri": "https://bot.contoso.com/callback", "requestedModalities": ["audio"], "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"}, "targets": [\##(targets.joined(separator: ","))]}"##
            }
            try await Application(router: harness.stack.router()).test(.router) { client in
                try await client.send(.post, "/v1.0/communications/calls", token: token, body: body(6)).expectGraphError(.badRequest)
                #expect(try await harness.stack.runtime.activeCallCount() == 0)
                let created = try await client.send(.post, "/v1.0/communications/calls", token: token, body: body(5))
                #expect(created.status == .created)
                let id = try #require(try created.json["id"]?.stringValue)
                // Recording is not available in ad-hoc group calls.
                try await client.send(.post, "/v1.0/communications/calls/\(id)/updateRecordingStatus", token: token, body: #"{"status": "recording"}"#)
                    .expectGraphError(.badRequest)
            }
        }
    }

    @Test func meetingsAreFoundByEachKindOfCoordinates() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            @Sendable func body(_ meetingInfo: String) -> String {
                ##"{"callbackUri": "https://bot.contoso.com/callback", "requestedModalities": ["audio"], "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"}, "meetingInfo": \##(meetingInfo)}"##
            }
            try await Application(router: harness.stack.router()).test(.router) { client in
                let byId = try await client.send(.post, "/v1.0/communications/calls", token: token,
                                                 body: body(##"{"@odata.type": "#microsoft.graph.joinMeetingIdMeetingInfo", "joinMeetingId": "1234567", "passcode": "psw123"}"##))
                #expect(byId.status == .created)
                #expect(try byId.json["chatInfo"]?["threadId"]?.stringValue?.hasPrefix("19:meeting_Win6") == true)
                let byToken = try await client.send(.post, "/v1.0/communications/calls", token: token,
                                                    body: body(##"{"@odata.type": "#microsoft.graph.tokenMeetingInfo", "token": "switchboard-meeting-token-1"}"##))
                #expect(byToken.status == .created)
                try await client.send(.post, "/v1.0/communications/calls", token: token,
                                      body: body(##"{"@odata.type": "#microsoft.graph.joinMeetingIdMeetingInfo", "joinMeetingId": "1234567", "passcode": "wrong"}"##))
                    .expectGraphError(.forbidden)
                try await client.send(.post, "/v1.0/communications/calls", token: token,
                                      body: body(##"{"@odata.type": "#microsoft.graph.joinMeetingIdMeetingInfo", "joinMeetingId": "999"}"##))
                    .expectGraphError(.notFound)
                try await client.send(.post, "/v1.0/communications/calls", token: token,
                                      body: body(##"{"@odata.type": "#microsoft.graph.tokenMeetingInfo", "token": "forged"}"##))
                    .expectGraphError(.notFound)
                #expect(try await harness.stack.runtime.activeCallCount() == 2)
            }
        }
    }

    @Test func theSameResponseIsByteIdenticalEachTime() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: Self.joinMeetingBody).json["id"]?.stringValue)
                var bodies: Set<String> = []
                for _ in 0..<5 {
                    let response = try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token)
                    bodies.insert(String(decoding: response.body.readableBytesView, as: UTF8.self))
                }
                #expect(bodies.count == 1)
                let body = try #require(bodies.first)
                #expect(body.hasPrefix(#"{"@odata.context":"#))
                #expect(body.contains(##""@odata.type":"#microsoft.graph.call","id":"##))
            }
        }
    }

    @Test func invitingWithReplacesCallIdMovesThePeerAndEndsTheOtherCall() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                // A: a peer-to-peer call with Heidi. B: a group call with user1 and user2.
                let heidi = "550fae72-d251-43ec-868c-373732c2704f"
                let p2p = seedCreateCallBody.replacingOccurrences(of: Self.john, with: heidi)
                let a = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: p2p).json["id"]?.stringValue)
                let group = ##"{"callbackUri": "https://bot.contoso.com/group", "requestedModalities": ["audio"], "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"}, "targets": [{"identity": {"user": {"id": "98da8a1a-1b87-452c-a713-65d3f10b5555"}}}, {"identity": {"user": {"id": "bf5aae9a-d11d-47a8-93b1-782504c95555"}}}]}"##
                let b = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: group).json["id"]?.stringValue)
                harness.clock.advance(by: .seconds(1))
                await harness.webhooks.waitForAccepted(7)
                let before = harness.webhooks.accepted.count

                // Graph's pages give replacesCallId as a bare id and as the call's path.
                let invite = ##"{"participants": [{"@odata.type": "#microsoft.graph.invitationParticipantInfo", "replacesCallId": "/communications/calls/\##(a)", "identity": {"user": {"id": "\##(heidi)"}}}], "clientContext": "move"}"##
                let invited = try await client.send(.post, "/v1.0/communications/calls/\(b)/participants/invite", token: token, body: invite)
                #expect(invited.status == .ok)
                // B: roster and the completed operation; A: updated terminated, then deleted.
                await harness.webhooks.waitForAccepted(before + 4)
                let sent = harness.webhooks.accepted.dropFirst(before)
                let forA = sent.filter { $0.url == "https://bot.contoso.com/callback" }
                #expect(forA.map { $0.call?.state } == [.terminated, .terminated])
                #expect(try forA.map { try $0.notifications.value.first?.changeType } == [.updated, .deleted])
                #expect(forA.last?.call?.resultInfo?.subcode == 7000)
                try await client.send(.get, "/v1.0/communications/calls/\(a)", token: token).expectGraphError(.notFound)
                #expect(try await client.send(.get, "/v1.0/communications/calls/\(b)/participants", token: token).json["value"]?.arrayCount == 4)

                // A call that does not exist, or this call itself, cannot be replaced.
                let missing = invite.replacingOccurrences(of: a, with: "no-such-call")
                try await client.send(.post, "/v1.0/communications/calls/\(b)/participants/invite", token: token, body: missing).expectGraphError(.notFound)
                let itself = invite.replacingOccurrences(of: a, with: b)
                try await client.send(.post, "/v1.0/communications/calls/\(b)/participants/invite", token: token, body: itself).expectGraphError(.badRequest)
            }
        }
    }

    @Test func twoBotsInTheSameMeetingSeeEachOther() async throws {
        try await TestHarness.run { harness in
            let first = try await harness.token()
            let second = try await harness.token(appId: "dd3885da-f9ab-486b-bfae-85de3d445555")
            try await Application(router: harness.stack.router()).test(.router) { client in
                let a = try #require(try await client.send(.post, "/v1.0/communications/calls", token: first, body: Self.joinMeetingBody).json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(4)
                let secondBody = Self.joinMeetingBody.replacingOccurrences(of: "https://bot.contoso.com/callback", with: "https://bot.contoso.com/second")
                let b = try #require(try await client.send(.post, "/v1.0/communications/calls", token: second, body: secondBody).json["id"]?.stringValue)
                // B: establishing, established, roster, content sharing; A: a roster update with B's bot.
                await harness.webhooks.waitForAccepted(9)
                let rosterA = try await client.send(.get, "/v1.0/communications/calls/\(a)/participants", token: first).json["value"]
                let rosterB = try await client.send(.get, "/v1.0/communications/calls/\(b)/participants", token: second).json["value"]
                #expect(rosterA?.arrayCount == 3)
                #expect(rosterB?.arrayCount == 3)
                // The same participants, with the same ids, in both calls.
                func ids(_ roster: JSONValue?) -> Set<String> {
                    guard case .array(let items)? = roster else { return [] }
                    return Set(items.compactMap { $0["id"]?.stringValue })
                }
                #expect(ids(rosterA) == ids(rosterB))
                let updateForA = harness.webhooks.accepted.dropFirst(4).filter { (try? $0.notifications.value.first?.resourceUrl) == "/communications/calls/\(a)/participants" }
                #expect(updateForA.count == 1)

                // B leaves: A's roster loses B's bot.
                #expect(try await client.send(.delete, "/v1.0/communications/calls/\(b)", token: second).status == .noContent)
                await harness.webhooks.waitForAccepted(12)
                #expect(try await client.send(.get, "/v1.0/communications/calls/\(a)/participants", token: first).json["value"]?.arrayCount == 2)
            }
        }
    }

    @Test func keysTheFarEndPressesArriveAsToneNotifications() async throws {
        var world = World.builtIn()
        let john = try #require(world.users.firstIndex { $0.id == Self.john })
        world.users[john].behaviour = .answer(ringFor: .seconds(1), then: [FarEndEvent(after: .seconds(2), .pressKeys([.tone1, .tone2, .pound]))])
        try await TestHarness.run(world: world) { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: seedCreateCallBody).json["id"]?.stringValue)
                harness.clock.advance(by: .seconds(1))
                await harness.webhooks.waitForAccepted(2)
                #expect(try await client.send(.post, "/v1.0/communications/calls/\(id)/subscribeToTone", token: token, body: "{}").status == .ok)
                harness.clock.advance(by: .seconds(2))
                await harness.webhooks.waitForAccepted(5)
                let tones = harness.webhooks.accepted.dropFirst(2).map { $0.call?.toneInfo }
                #expect(tones == [ToneInfo(sequenceId: 1, tone: .tone1), ToneInfo(sequenceId: 2, tone: .tone2), ToneInfo(sequenceId: 3, tone: .pound)])
                #expect(try await client.send(.get, "/v1.0/communications/calls/\(id)", token: token).json["toneInfo"]?["tone"] == .string("pound"))
            }
        }
    }

    private func participantId(_ roster: JSONValue?, user: String) -> String? {
        guard case .array(let items)? = roster else { return nil }
        return items.first { $0["info"]?["identity"]?["user"]?["id"]?.stringValue?.lowercased() == user.lowercased() }?["id"]?.stringValue
    }
}

/// The outgoing PSTN scenarios of the v1.0 *Create call* page: from an application
/// instance to a number; P2P with a Teams user or a number, then inviting a number or a
/// Teams user; a meeting joined as the instance inviting a number.
@Suite(.timeLimit(.minutes(1))) struct PhoneScenarioTests {
    static let instance = "3d913abb-aec0-4964-8fa6-3c6850c4f278"

    static func source() -> String {
        ##""source": {"@odata.type": "#microsoft.graph.participantInfo", "identity": {"@odata.type": "#microsoft.graph.identitySet", "applicationInstance": {"@odata.type": "#microsoft.graph.identity", "id": "\##(instance)"}}}"##
    }

    static func identity(phone: String? = nil, user: String? = nil) -> String {
        if let phone { return ##"{"@odata.type": "#microsoft.graph.identitySet", "phone": {"@odata.type": "#microsoft.graph.identity", "id": "\##(phone)"}}"## }
        return ##"{"@odata.type": "#microsoft.graph.identitySet", "user": {"@odata.type": "#microsoft.graph.identity", "id": "\##(user ?? "")"}}"##
    }

    static func p2p(to target: String) -> String {
        ##"{"callbackUri": "https://bot.contoso.com/callback", "requestedModalities": ["audio"], "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"}, \##(source()), "targets": [{"@odata.type": "#microsoft.graph.invitationParticipantInfo", "identity": \##(target)}]}"##
    }

    static func invite(_ target: String) -> String {
        ##"{"participants": [{"@odata.type": "#microsoft.graph.invitationParticipantInfo", "identity": \##(target)}]}"##
    }

    @Test(arguments: [
        (identity(phone: "+12345678901"), identity(phone: "+12345678890")),
        (identity(phone: "+12345678901"), identity(user: "98da8a1a-1b87-452c-a713-65d3f10b5555")),
        (identity(user: "112f7296-5fa4-42ca-bae8-6a692b15d4b8"), identity(phone: "+12345678890")),
    ])
    func aPeerToPeerCallFromAnInstanceInvitesASecondParty(_ first: String, _ second: String) async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let created = try await client.send(.post, "/v1.0/communications/calls", token: token, body: Self.p2p(to: first))
                #expect(created.status == .created)
                #expect(try created.json["source"]?["identity"]?["@odata.type"] == .string("#microsoft.graph.communicationsIdentitySet"))
                let id = try #require(try created.json["id"]?.stringValue)
                harness.clock.advance(by: .seconds(1))
                await harness.webhooks.waitForAccepted(2)
                #expect(harness.webhooks.accepted[1].call?.state == .established)
                let invited = try await client.send(.post, "/v1.0/communications/calls/\(id)/participants/invite", token: token, body: Self.invite(second))
                #expect(invited.status == .ok)
                harness.clock.advance(by: .seconds(1))
                await harness.webhooks.waitForAccepted(4)
                #expect(try await client.send(.get, "/v1.0/communications/calls/\(id)/participants", token: token).json["value"]?.arrayCount == 3)
            }
        }
    }

    @Test func aMeetingJoinedAsTheInstanceInvitesANumber() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let join = ##"{"callbackUri": "https://bot.contoso.com/callback", "requestedModalities": ["audio"], "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"}, \##(Self.source()), "meetingInfo": {"@odata.type": "#microsoft.graph.joinMeetingIdMeetingInfo", "joinMeetingId": "1234567", "passcode": "psw123"}}"##
                let created = try await client.send(.post, "/v1.0/communications/calls", token: token, body: join)
                #expect(created.status == .created)
                let id = try #require(try created.json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(3)
                let invited = try await client.send(.post, "/v1.0/communications/calls/\(id)/participants/invite", token: token, body: Self.invite(Self.identity(phone: "+12345678901")))
                #expect(invited.status == .ok)
                harness.clock.advance(by: .seconds(1))
                await harness.webhooks.waitForAccepted(5)
                let roster = try await client.send(.get, "/v1.0/communications/calls/\(id)/participants", token: token).json["value"]
                #expect(roster?.arrayCount == 3)
            }
        }
    }

    @Test func aMeetingJoinedWithATokenCannotInviteANumber() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let join = ##"{"callbackUri": "https://bot.contoso.com/callback", "requestedModalities": ["audio"], "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"}, \##(Self.source()), "meetingInfo": {"@odata.type": "#microsoft.graph.tokenMeetingInfo", "token": "switchboard-meeting-token-1"}}"##
                let id = try #require(try await client.send(.post, "/v1.0/communications/calls", token: token, body: join).json["id"]?.stringValue)
                await harness.webhooks.waitForAccepted(3)
                try await client.send(.post, "/v1.0/communications/calls/\(id)/participants/invite", token: token, body: Self.invite(Self.identity(phone: "+12345678901")))
                    .expectGraphError(.badRequest)
            }
        }
    }

    @Test func aNumberCannotBeCalledWithoutAnInstance() async throws {
        try await TestHarness.run { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                let body = Self.p2p(to: Self.identity(phone: "+12345678901")).replacingOccurrences(of: "\(Self.source()), ", with: "")
                try await client.send(.post, "/v1.0/communications/calls", token: token, body: body).expectGraphError(.badRequest)
            }
        }
    }
}
