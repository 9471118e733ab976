import CallEngine
import GraphModel
import Testing

/// Group calls, meetings and the in-call actions, on the engine alone.
@Suite struct CallMachineActionTests {
    let start = Timestamp(millisecondsSinceEpoch: 1_000_000)

    func user(_ id: String, _ name: String = "User") -> Participant {
        Participant(id: id, info: ParticipantInfo(identity: IdentitySet(user: Identity(id: "u-\(id)", displayName: name))),
                    mediaStreams: CallMachine.mediaStreams(for: [.audio]))
    }

    func machine(
        kind: CallMachine.Kind, targets: [(String, FarEndBehaviour)] = [], attendees: [String] = [],
        delta: Bool = false, appHosted: Bool = false
    ) -> (CallMachine, [CallEffect]) {
        var call = Call()
        call.id = "call-1"
        call.callbackUri = "https://bot.contoso.com/callback"
        call.myParticipantId = "bot"
        call.requestedModalities = [.audio]
        call.mediaConfig = MediaConfig(kind: appHosted ? .appHostedMediaConfig : .serviceHostedMediaConfig)
        var options = CallOptions(kind: .outgoingCallOptions)
        options.isDeltaRosterEnabled = delta
        call.callOptions = options
        let bot = Participant(id: "bot", info: ParticipantInfo(identity: IdentitySet(application: Identity(id: "app", displayName: "Bot"))))
        let plan = OutgoingCallPlan(
            call: call, appId: "app", tenantId: "t", profile: .v1, kind: kind, bot: bot,
            targets: targets.map { PlannedParticipant(participant: user($0.0), behaviour: $0.1) },
            attendees: attendees.map { user($0) }
        )
        return CallMachine.placeOutgoing(plan, now: start)
    }

    func fire(_ machine: inout CallMachine, _ kind: CallTimer.Kind, _ subject: String = "", at seconds: Int64 = 0) throws -> [CallEffect] {
        let timer = try #require(machine.timers.first { $0.kind == kind && $0.subject == subject })
        return try machine.handle(.timerFired(timer.name, generation: timer.generation), now: start.advanced(by: .seconds(seconds)))
    }

    func ticket(_ id: String, _ context: String? = nil) -> OperationTicket { OperationTicket(id: id, clientContext: context) }

    /// The notifications among `effects`, as (changeType, resourceUrl).
    func notifications(_ effects: [CallEffect]) -> [(ChangeType?, String?)] {
        effects.compactMap { effect in
            guard case .notify(let notification) = effect else { return nil }
            return (notification.changeType, notification.resourceUrl)
        }
    }

    func operation(_ effects: [CallEffect]) -> CommsOperation? {
        for case .reply(.operation(let operation)) in effects { return operation }
        return nil
    }

    func finishedOperation(_ effects: [CallEffect]) -> CommsOperation? {
        for case .notify(let notification) in effects {
            if case .single(.operation(let operation))? = notification.resourceData, notification.changeType == .deleted { return operation }
        }
        return nil
    }

    // MARK: Group calls

    @Test func aGroupCallIsEstablishedAtOnceAndTargetsJoinAsTheyAnswer() throws {
        var (call, effects) = machine(kind: .group, targets: [("a", .answer(ringFor: .seconds(1))), ("b", .answer(ringFor: .seconds(3)))])
        let sent = notifications(effects)
        #expect(sent.map(\.1) == ["/communications/calls/call-1", "/communications/calls/call-1", "/communications/calls/call-1/participants"])
        #expect(call.state == .established)
        #expect(call.participants.map(\.id) == ["bot"])
        let first = try fire(&call, .participantAnswers, "a", at: 1)
        #expect(notifications(first).map(\.1) == ["/communications/calls/call-1/participants"])
        #expect(call.participants.map(\.id) == ["bot", "a"])
        _ = try fire(&call, .participantAnswers, "b", at: 3)
        #expect(call.participants.map(\.id) == ["bot", "a", "b"])
        #expect(!call.timers.contains { $0.kind == .participantRingingTimeout })
    }

    @Test func aGroupCallEndsWhenNobodyJoinsOrEveryoneLeaves() throws {
        var (lonely, _) = machine(kind: .group, targets: [("a", .noAnswer), ("b", .noEndpoints)])
        let ended = try fire(&lonely, .participantRingingTimeout, "a", at: 60)
        #expect(lonely.isTerminated)
        #expect(ended.contains(.remove))
        guard case .notify(let last)? = ended.dropLast().last, case .single(.call(let data))? = last.resourceData else {
            Issue.record("no deleted notification")
            return
        }
        #expect(data.resultInfo == ResultCodes.nobodyJoined)

        var (call, _) = machine(kind: .group, targets: [("a", .answer(ringFor: .zero)), ("b", .answer(ringFor: .zero))])
        _ = try fire(&call, .participantAnswers, "a")
        _ = try fire(&call, .participantAnswers, "b")
        _ = try call.handle(.command(.removeParticipant("a")), now: start)
        #expect(!call.isTerminated)
        let hungUp = try call.handle(.farEndActs(.hangUp, identityId: "b"), now: start)
        #expect(call.isTerminated)
        #expect(hungUp.contains { effect in
            if case .notify(let n) = effect, case .single(.call(let c))? = n.resourceData { return c.resultInfo == ResultCodes.allOthersLeft }
            return false
        })
    }

    @Test func invitingIntoAGroupCallCompletesTheOperationWhenTheInviteeJoins() throws {
        var (call, _) = machine(kind: .group, targets: [("a", .answer(ringFor: .zero))])
        _ = try fire(&call, .participantAnswers, "a")
        let invited = try call.handle(.command(.invite(ticket("op-1", "ctx"), invitees: [PlannedParticipant(participant: user("c"), behaviour: .answer(ringFor: .seconds(2)))])), now: start)
        let running = try #require(operation(invited))
        #expect(running.kind == .inviteParticipantsOperation)
        #expect(running.status == .running)
        #expect(running.clientContext == "ctx")
        let joined = try fire(&call, .participantAnswers, "c", at: 2)
        #expect(notifications(joined).map(\.1) == ["/communications/calls/call-1/participants", "/communications/calls/call-1/operations/op-1"])
        #expect(finishedOperation(joined)?.status == .completed)
        #expect(call.operation("op-1")?.status == .completed)
    }

    @Test func anInviteeWithNoEndpointsFailsTheOperation() throws {
        var (call, _) = machine(kind: .group, targets: [("a", .answer(ringFor: .zero))])
        _ = try fire(&call, .participantAnswers, "a")
        let effects = try call.handle(.command(.invite(ticket("op-1"), invitees: [PlannedParticipant(participant: user("x"), behaviour: .noEndpoints)])), now: start)
        #expect(finishedOperation(effects)?.status == .failed)
        #expect(finishedOperation(effects)?.resultInfo == ResultCodes.noCalleeEndpoints)
    }

    @Test func aSixthVoIPUserAndTheSameIdentityTwiceAreRefused() throws {
        var (call, _) = machine(kind: .group, targets: (1...5).map { ("p\($0)", FarEndBehaviour.answer(ringFor: .zero)) })
        let before = call
        #expect(throws: CallEngineError.rejected("A group call supports up to 5 VoIP users.")) {
            try call.handle(.command(.invite(ticket("op"), invitees: [PlannedParticipant(participant: user("p6"), behaviour: .noAnswer)])), now: start)
        }
        #expect(throws: CallEngineError.self) {
            try call.handle(.command(.invite(ticket("op"), invitees: [PlannedParticipant(participant: user("p1"), behaviour: .noAnswer)])), now: start)
        }
        #expect(call == before)
    }

    @Test func aRosterIsDeltaWhenAskedFor() throws {
        var (call, effects) = machine(kind: .meeting, attendees: ["m1"], delta: true)
        guard case .notify(let roster) = effects.first(where: { if case .notify(let n) = $0 { return n.resourceUrl?.hasSuffix("/participants") == true }; return false }),
              case .collection(let items)? = roster.resourceData, case .deltaParticipants(let delta)? = items.first else {
            Issue.record("no delta roster")
            return
        }
        #expect(delta.participants?.map(\.id) == ["bot", "m1"])
        let muted = try call.handle(.command(.muteParticipant("m1", ticket("op"))), now: start)
        #expect(operation(muted)?.status == .completed)
        guard case .notify(let update)? = muted.last, case .collection(let changed)? = update.resourceData,
              case .deltaParticipants(let second)? = changed.first else {
            Issue.record("no delta update")
            return
        }
        #expect(second.participants?.map(\.id) == ["m1"])
        #expect(second.sequenceNumber == (delta.sequenceNumber ?? 0) + 1)
    }

    @Test func anInviteeThatReplacesAnotherCallSignalsItWhenItJoins() throws {
        var (call, _) = machine(kind: .group, targets: [("a", .answer(ringFor: .zero))])
        _ = try fire(&call, .participantAnswers, "a")
        let moving = PlannedParticipant(participant: user("h"), behaviour: .answer(ringFor: .zero), replacesCallId: "p2p-call")
        _ = try call.handle(.command(.invite(ticket("op"), invitees: [moving])), now: start)
        let joined = try fire(&call, .participantAnswers, "h")
        #expect(joined.last == .signal(callId: "p2p-call", .replaced(byCallId: "call-1")))
        #expect(finishedOperation(joined)?.status == .completed)
    }

    @Test func aReplacedCallEndsAsTheInvitePageShows() throws {
        var (call, _) = machine(kind: .peerToPeer, targets: [("peer", .answer(ringFor: .zero))])
        _ = try fire(&call, .farEndAnswers)
        let effects = try call.handle(.signal(.replaced(byCallId: "group")), now: start)
        let sent: [(ChangeType?, CallState?, String?)] = effects.compactMap { effect in
            guard case .notify(let n) = effect, case .single(.call(let data))? = n.resourceData else { return nil }
            return (n.changeType, data.state, data.terminationReason)
        }
        #expect(sent.map(\.0) == [.updated, .deleted])
        #expect(sent.map(\.1) == [.terminated, .terminated])
        #expect(sent.map(\.2) == ["AppInitiated", "AppInitiated"])
        #expect(call.isTerminated)
        #expect(effects.last == .remove)
        // A signal for a call that has ended is consumed without effect.
        #expect(try call.handle(.signal(.replaced(byCallId: "group")), now: start) == [])
    }

    @Test func aConsultativeTransferEndsTheConsultationCall() throws {
        var (call, _) = machine(kind: .peerToPeer, targets: [("peer", .answer(ringFor: .zero))])
        _ = try fire(&call, .farEndAnswers)
        var plan = transferPlan(.answer(ringFor: .zero))
        plan.replacesCallId = "consultation"
        _ = try call.handle(.command(.transfer(plan)), now: start)
        let done = try fire(&call, .transferTargetAnswers)
        #expect(done.contains(.signal(callId: "consultation", .transferCompleted(inCallId: "call-1"))))
        #expect(call.isTerminated)
        #expect(call.graphCall.resultInfo == ResultCodes.transferCompleted)
        let reasons: [String?] = done.compactMap { effect in
            guard case .notify(let n) = effect, case .single(.call(let data))? = n.resourceData, n.changeType == .deleted else { return nil }
            return data.terminationReason
        }
        #expect(reasons == ["AppTransferred"])
    }

    @Test func callsInTheSameMeetingShareTheirRosterChanges() throws {
        var (call, _) = machine(kind: .meeting, attendees: ["m1"])
        let otherBot = user("bot-b", "Other bot")
        let joined = try call.handle(.signal(.meetingRoster(fromCallId: "call-b", upserted: [otherBot], left: [], ended: false)), now: start)
        #expect(notifications(joined).map(\.1) == ["/communications/calls/call-1/participants"])
        #expect(call.participants.map(\.id) == ["bot", "m1", "bot-b"])
        #expect(call.meetingPeers == ["call-b"])
        // What this call changes, the other call hears.
        let muted = try call.handle(.command(.muteParticipant("m1", ticket("op"))), now: start)
        guard case .signal(let peer, .meetingRoster(let from, let upserted, let left, let ended))? = muted.last else {
            Issue.record("no signal to the other call")
            return
        }
        #expect(peer == "call-b" && from == "call-1" && left.isEmpty && !ended)
        #expect(upserted.map(\.id) == ["m1"] && upserted.first?.isMuted == true)
        // The other call ends: its bot leaves this roster, and it hears nothing more.
        _ = try call.handle(.signal(.meetingRoster(fromCallId: "call-b", upserted: [], left: ["bot-b"], ended: true)), now: start)
        #expect(call.participants.map(\.id) == ["bot", "m1"])
        #expect(call.meetingPeers.isEmpty)
        let hungUp = try call.handle(.command(.hangUp), now: start)
        #expect(!hungUp.contains { if case .signal = $0 { return true }; return false })
    }

    @Test func aFarEndFollowsItsTimelineOnceItAnswers() throws {
        let timeline = [FarEndEvent(after: .seconds(2), .pressKeys([.tone1, .pound])), FarEndEvent(after: .seconds(10), .hangUp)]
        var (call, _) = machine(kind: .peerToPeer, targets: [("peer", .answer(ringFor: .seconds(1), then: timeline))])
        let answered = try fire(&call, .farEndAnswers, at: 1)
        #expect(answered.contains(.schedule(CallTimer(kind: .farEndEvent, subject: "peer#0", due: start.advanced(by: .seconds(3)), generation: call.timers.first { $0.subject == "peer#0" }!.generation))))
        _ = try call.handle(.command(.subscribeToTone(ticket("s"))), now: start)
        let pressed = try fire(&call, .farEndEvent, "peer#0", at: 3)
        let tones: [Tone?] = pressed.compactMap { effect in
            guard case .notify(let n) = effect, case .single(.call(let data))? = n.resourceData else { return nil }
            return data.toneInfo?.tone
        }
        #expect(tones == [.tone1, .pound])
        let hungUp = try fire(&call, .farEndEvent, "peer#1", at: 11)
        #expect(call.isTerminated)
        #expect(call.graphCall.resultInfo == ResultCodes.peerEndedCall)
        #expect(hungUp.last == .remove)
    }

    @Test func anInviteeLeavesAGroupCallWhenItsTimelineSaysSo() throws {
        var (call, _) = machine(kind: .group, targets: [("a", .answer(ringFor: .zero)), ("b", .answer(ringFor: .zero, then: [FarEndEvent(after: .seconds(5), .hangUp)]))])
        _ = try fire(&call, .participantAnswers, "a")
        _ = try fire(&call, .participantAnswers, "b")
        _ = try fire(&call, .farEndEvent, "b#0", at: 5)
        #expect(call.participants.map(\.id) == ["bot", "a"])
        #expect(!call.isTerminated)
    }

    @Test func recordingStatusShowsOnTheBotsParticipant() throws {
        var (meeting, _) = machine(kind: .meeting, attendees: ["m1"])
        let effects = try meeting.handle(.command(.updateRecordingStatus(ticket("r"), status: .recording)), now: start)
        #expect(operation(effects)?.status == .completed)
        #expect(operation(effects)?.resultInfo == nil)
        #expect(notifications(effects).map(\.1) == ["/communications/calls/call-1/participants"])
        #expect(meeting.participants.first { $0.id == "bot" }?.recordingInfo?.recordingStatus == .recording)
        // A peer-to-peer call gets no roster notifications.
        var (p2p, _) = machine(kind: .peerToPeer, targets: [("peer", .answer(ringFor: .zero))])
        _ = try fire(&p2p, .farEndAnswers)
        #expect(notifications(try p2p.handle(.command(.updateRecordingStatus(ticket("r"), status: .recording)), now: start)).isEmpty)
    }

    // MARK: Media

    @Test func promptsPlayOneAfterAnotherAndCompleteWithTheirOperations() throws {
        var (call, _) = machine(kind: .peerToPeer, targets: [("peer", .answer(ringFor: .zero))])
        _ = try fire(&call, .farEndAnswers)
        let first = try call.handle(.command(.playPrompt(ticket("p1"), duration: .seconds(3))), now: start)
        #expect(operation(first)?.status == .running)
        #expect(first.contains(.schedule(CallTimer(kind: .mediaOperationEnds, subject: "p1", due: start.advanced(by: .seconds(3)), generation: call.timers.first { $0.subject == "p1" }!.generation))))
        let second = try call.handle(.command(.playPrompt(ticket("p2"), duration: .seconds(2))), now: start)
        #expect(!second.contains { if case .schedule = $0 { return true }; return false })
        let done = try fire(&call, .mediaOperationEnds, "p1", at: 3)
        #expect(finishedOperation(done)?.id == "p1")
        #expect(finishedOperation(done)?.resultInfo == ResultCodes.actionCompleted)
        #expect(call.timers.contains { $0.kind == .mediaOperationEnds && $0.subject == "p2" && $0.due == start.advanced(by: .seconds(5)) })
    }

    @Test func cancelMediaProcessingFailsTheRunningAndQueuedOperations() throws {
        var (call, _) = machine(kind: .peerToPeer, targets: [("peer", .answer(ringFor: .zero))])
        _ = try fire(&call, .farEndAnswers)
        _ = try call.handle(.command(.playPrompt(ticket("p1"), duration: .seconds(3))), now: start)
        let recording = RecordingPlan(recordedFor: .seconds(5), accessToken: "tok", location: "http://x/r", result: ResultCodes.maxRecordDurationReached)
        _ = try call.handle(.command(.recordResponse(ticket("r1"), promptDuration: .zero, bargeIn: false, recording: recording)), now: start)
        let cancelled = try call.handle(.command(.cancelMediaProcessing(ticket("c1"))), now: start)
        #expect(operation(cancelled)?.kind == .cancelMediaProcessingOperation)
        #expect(operation(cancelled)?.status == .completed)
        #expect(call.operation("p1")?.status == .failed)
        #expect(call.operation("p1")?.resultInfo == ResultCodes.operationCancelled)
        #expect(call.operation("r1")?.recordingLocation == "")
        #expect(!call.timers.contains { $0.kind == .mediaOperationEnds })
        #expect(notifications(cancelled).count == 2)
    }

    @Test func aRecordingCompletesWithItsLocationAndToken() throws {
        var (call, _) = machine(kind: .peerToPeer, targets: [("peer", .answer(ringFor: .zero))])
        _ = try fire(&call, .farEndAnswers)
        let recording = RecordingPlan(recordedFor: .seconds(5), accessToken: "tok", location: "http://x/r", result: ResultCodes.maxRecordDurationReached)
        _ = try call.handle(.command(.recordResponse(ticket("r1"), promptDuration: .milliseconds(500), bargeIn: false, recording: recording)), now: start)
        #expect(call.timers.first { $0.subject == "r1" }?.due == start.advanced(by: .milliseconds(5500)))
        let done = try fire(&call, .mediaOperationEnds, "r1", at: 6)
        let finished = try #require(finishedOperation(done))
        #expect(finished.status == .completed)
        #expect(finished.resultInfo == ResultCodes.maxRecordDurationReached)
        #expect(finished.recordingLocation == "http://x/r")
        #expect(finished.recordingAccessToken == "tok")
    }

    @Test func aStopToneEndsARecordingWhereItIs() throws {
        var (call, _) = machine(kind: .peerToPeer, targets: [("peer", .answer(ringFor: .zero))])
        _ = try fire(&call, .farEndAnswers)
        let recording = RecordingPlan(recordedFor: .seconds(30), accessToken: "tok", location: "http://x/r",
                                      result: ResultCodes.maxRecordDurationReached, stopTones: [.pound])
        _ = try call.handle(.command(.recordResponse(ticket("r1"), promptDuration: .seconds(2), bargeIn: false, recording: recording)), now: start)
        // Keys that are not stop tones change nothing.
        #expect(try call.handle(.farEndActs(.pressKeys([.tone1]), identityId: nil), now: start.advanced(by: .seconds(5))) == [])
        let stopped = try call.handle(.farEndActs(.pressKeys([.pound]), identityId: nil), now: start.advanced(by: .seconds(9)))
        let finished = try #require(finishedOperation(stopped))
        #expect(finished.status == .completed)
        #expect(finished.resultInfo == ResultCodes.stopToneDetected)
        #expect(finished.completionReason == "stopToneDetected")
        // Seven seconds recorded: nine since the start, less two of prompt and beep.
        guard case .recordingReady(let operationId, let plan)? = stopped.first(where: { if case .recordingReady = $0 { return true }; return false }) else {
            Issue.record("no recording")
            return
        }
        #expect(operationId == "r1")
        #expect(plan.recordedFor == .seconds(7))
        #expect(!call.timers.contains { $0.kind == .mediaOperationEnds })
    }

    @Test func tonesAreNotifiedOnlyAfterSubscribing() throws {
        var (call, _) = machine(kind: .peerToPeer, targets: [("peer", .answer(ringFor: .zero))])
        _ = try fire(&call, .farEndAnswers)
        #expect(try call.handle(.farEndActs(.pressKeys([.tone1]), identityId: nil), now: start) == [])
        let subscribed = try call.handle(.command(.subscribeToTone(ticket("s"))), now: start)
        #expect(operation(subscribed)?.status == .completed)
        let pressed = try call.handle(.farEndActs(.pressKeys([.tone1, .pound]), identityId: nil), now: start)
        let tones: [ToneInfo?] = pressed.compactMap { effect in
            guard case .notify(let n) = effect, case .single(.call(let data))? = n.resourceData else { return nil }
            return data.toneInfo
        }
        #expect(tones == [ToneInfo(sequenceId: 1, tone: .tone1), ToneInfo(sequenceId: 2, tone: .pound)])
    }

    @Test func mediaActionsNeedServiceHostedMediaAndMuteNeedsAGroup() throws {
        var (appHosted, _) = machine(kind: .peerToPeer, targets: [("peer", .answer(ringFor: .zero))], appHosted: true)
        _ = try fire(&appHosted, .farEndAnswers)
        #expect(throws: CallEngineError.self) { try appHosted.handle(.command(.playPrompt(ticket("p"), duration: .seconds(1))), now: start) }
        #expect(throws: CallEngineError.self) { try appHosted.handle(.command(.subscribeToTone(ticket("s"))), now: start) }
        #expect(throws: CallEngineError.self) { try appHosted.handle(.command(.muteSelf(ticket("m"), mute: true)), now: start) }
        #expect(appHosted.operations.isEmpty)
    }

    @Test func actionsBeforeTheCallIsEstablishedAreRefused() throws {
        var (call, _) = machine(kind: .peerToPeer, targets: [("peer", .answer(ringFor: .seconds(5)))])
        #expect(throws: CallEngineError.invalidState(action: "playPrompt", state: .establishing)) {
            try call.handle(.command(.playPrompt(ticket("p"), duration: .seconds(1))), now: start)
        }
    }

    // MARK: Hold music, screen sharing, routing groups

    @Test func onlyOneParticipantIsOnHoldAtATime() throws {
        var (call, _) = machine(kind: .meeting, attendees: ["m1", "m2"])
        let started = try call.handle(.command(.startHoldMusic("m1", ticket("h1"))), now: start)
        #expect(operation(started)?.status == .running)
        #expect(finishedOperation(try fire(&call, .operationSettles, "h1"))?.status == .completed)
        #expect(throws: CallEngineError.self) { try call.handle(.command(.startHoldMusic("m2", ticket("h2"))), now: start) }
        _ = try call.handle(.command(.stopHoldMusic("m1", ticket("h3"))), now: start)
        _ = try call.handle(.command(.startHoldMusic("m2", ticket("h4"))), now: start)
        #expect(throws: CallEngineError.self) { try call.handle(.command(.stopHoldMusic("m1", ticket("h5"))), now: start) }
    }

    @Test func becomingASharerAddsTheScreenSharingStream() throws {
        var (call, _) = machine(kind: .meeting, attendees: ["m1"], appHosted: true)
        let effects = try call.handle(.command(.changeScreenSharingRole(.sharer)), now: start)
        #expect(notifications(effects).map(\.1) == ["/communications/calls/call-1/participants"])
        let bot = try #require(call.participants.first { $0.id == "bot" })
        #expect(bot.mediaStreams?.contains { $0.mediaType == .videoBasedScreenSharing && $0.direction == .sendOnly && $0.label == "applicationsharing-video" } == true)
        _ = try call.handle(.command(.changeScreenSharingRole(.viewer)), now: start)
        #expect(call.participants.first { $0.id == "bot" }?.mediaStreams?.contains { $0.mediaType == .videoBasedScreenSharing } == false)
    }

    @Test func audioRoutingGroupsFollowTheirModesRules() throws {
        var (call, _) = machine(kind: .meeting, attendees: ["m1", "m2"])
        let group = AudioRoutingGroup(id: "oneToOne", routingMode: .oneToOne, sources: ["bot"], receivers: ["m1"])
        #expect(try call.handle(.command(.createAudioRoutingGroup(group)), now: start) == [.reply(.audioRoutingGroup(group))])
        #expect(throws: CallEngineError.audioRoutingGroupExists("oneToOne")) { try call.handle(.command(.createAudioRoutingGroup(group)), now: start) }
        let bad = AudioRoutingGroup(id: "x", routingMode: .oneToOne, sources: ["bot"], receivers: ["m1", "m2"])
        #expect(throws: CallEngineError.self) { try call.handle(.command(.createAudioRoutingGroup(bad)), now: start) }
        var patch = AudioRoutingGroup(id: "oneToOne", routingMode: .multicast, sources: ["bot"], receivers: ["m1", "m2"])
        patch.sources = nil
        _ = try call.handle(.command(.updateAudioRoutingGroup(patch)), now: start)
        #expect(call.audioRoutingGroups.first?.receivers == ["m1", "m2"])
        #expect(call.audioRoutingGroups.first?.sources == ["bot"])
        _ = try call.handle(.command(.deleteAudioRoutingGroup("oneToOne")), now: start)
        #expect(call.audioRoutingGroups.isEmpty)
    }

    // MARK: Transfer

    func transferPlan(_ behaviour: FarEndBehaviour, transferee: String? = nil) -> TransferPlan {
        TransferPlan(target: InvitationParticipantInfo(identity: IdentitySet(user: Identity(id: "t", displayName: "Target"))),
                     transfereeId: transferee, behaviour: behaviour)
    }

    @Test func aBlindTransferEndsTheBotsLegWhenTheTargetAnswers() throws {
        var (call, _) = machine(kind: .peerToPeer, targets: [("peer", .answer(ringFor: .zero))])
        _ = try fire(&call, .farEndAnswers)
        _ = try call.handle(.command(.transfer(transferPlan(.answer(ringFor: .seconds(2))))), now: start)
        #expect(call.state == .transferring)
        let done = try fire(&call, .transferTargetAnswers, at: 2)
        let states: [CallState?] = done.compactMap { effect in
            guard case .notify(let n) = effect, case .single(.call(let data))? = n.resourceData else { return nil }
            return data.state
        }
        #expect(states == [.transferAccepted, .terminated])
        #expect(call.isTerminated)
        #expect(call.graphCall.resultInfo == ResultCodes.transferCompleted)
    }

    @Test func aDeclinedTransferReturnsTheCallToEstablished() throws {
        var (call, _) = machine(kind: .peerToPeer, targets: [("peer", .answer(ringFor: .zero))])
        _ = try fire(&call, .farEndAnswers)
        let effects = try call.handle(.command(.transfer(transferPlan(.noEndpoints))), now: start)
        #expect(call.state == .established)
        guard case .notify(let last)? = effects.last, case .single(.call(let data))? = last.resourceData else {
            Issue.record("no state notification")
            return
        }
        #expect(data.state == .established)
        #expect(data.resultInfo == ResultCodes.transferFailed)
    }

    @Test func aGroupTransferNeedsATransfereeAndTakesThemOut() throws {
        var (call, _) = machine(kind: .meeting, attendees: ["m1", "m2"])
        #expect(throws: CallEngineError.self) { try call.handle(.command(.transfer(transferPlan(.answer(ringFor: .zero)))), now: start) }
        _ = try call.handle(.command(.transfer(transferPlan(.answer(ringFor: .zero), transferee: "m1"))), now: start)
        _ = try fire(&call, .transferTargetAnswers)
        #expect(call.state == .established)
        #expect(call.participants.map(\.id) == ["bot", "m2"])
    }
}
