import GraphModel

/// The state machine of one call: a value that takes inputs with the current time and
/// returns effects. No I/O, no clock reads, no logging.
///
/// It owns the call's lifecycle and composes two smaller machines: the ``Roster`` (who is in
/// the call) and the ``MediaQueue`` (prompts and recordings). Commands are in
/// `CallMachine+Commands.swift`, timers in `CallMachine+Timers.swift`.
public struct CallMachine: Codable, Sendable, Hashable {
    /// The engine's own states, richer than Graph's `callState` (see ``graphState``).
    enum Phase: String, Codable, Sendable, Hashable {
        /// An incoming call, announced to the bot, not yet answered, rejected or redirected.
        case incoming
        /// The bot redirected an incoming call; its targets are ringing.
        case redirecting
        /// Placed; the far end has not been reached yet.
        case establishing
        /// The far end is ringing.
        case ringing
        /// Connected.
        case established
        /// A transfer is under way; the target has not answered yet.
        case transferring
        /// The transfer target answered.
        case transferAccepted
        /// The call has ended; nothing more happens.
        case terminated
    }

    /// What kind of call this is; it decides which actions apply and whether the roster is
    /// announced.
    public enum Kind: String, Codable, Sendable, Hashable {
        /// The bot and one peer (Teams user or phone number).
        case peerToPeer
        /// An ad-hoc group call the bot created (up to 5 VoIP users).
        case group
        /// A scheduled meeting the bot joined.
        case meeting
    }

    public private(set) var appId: String
    public private(set) var tenantId: String
    /// The API version the call was created on; its notifications are written for it.
    public private(set) var profile: GraphWireProfile
    public internal(set) var kind: Kind
    /// The call as Graph shows it, without `state` (derived from ``phase``).
    var call: Call
    var phase: Phase
    /// Who is in the call.
    public internal(set) var roster: Roster
    /// The peer of a peer-to-peer call.
    var peerId: String?
    /// Prompts and recordings, and when the running one started.
    var media = MediaQueue()
    var mediaStartedAt: Timestamp?
    /// Every operation the call has run, as `GET .../operations/{id}` shows it.
    public internal(set) var operations: [CommsOperation] = []
    /// Invitations not yet resolved: operation id → participant ids still ringing.
    var pendingInvites: [String: [String]] = [:]
    /// Invitees that leave another call of the bot's when they join: participant → call id.
    var replacements: [String: String] = [:]
    /// What each far end will do once it answers (the world's timelines), by participant id.
    var timelines: [String: [FarEndEvent]] = [:]
    /// Meeting attendees who will join later (their timeline says when); not ringing.
    var awaitingJoin: Set<String> = []
    /// How many sharing sessions far ends have started (their ids are made from it).
    var sharingCount = 0
    /// The other calls in the same meeting, which hear of this call's roster changes.
    public internal(set) var meetingPeers: [String] = []
    /// Whether the bot subscribed to tones, and the last tone's sequence id.
    var toneSubscribed = false
    var toneSequence: Int64 = 0
    public internal(set) var audioRoutingGroups: [AudioRoutingGroup] = []
    public internal(set) var contentSharingSessions: [ContentSharingSession] = []
    /// The transfer under way.
    var transfer: TransferPlan?
    /// Armed timers, at most one per name.
    public internal(set) var timers: [CallTimer] = []
    var lastGeneration = 0

    /// How long an unanswered outgoing call rings when it asks for no timeout of its own.
    public static let defaultRingingTimeout: Duration = .seconds(60)
    /// A call with no successful keepAlive for this long is ended.
    public static let keepAliveWindow: Duration = .seconds(45 * 60)
    /// The most operations kept per call for `GET .../operations/{id}`.
    public static let operationHistoryLimit = 200

    public var id: String { call.id ?? "" }
    public var callbackUri: String { call.callbackUri ?? "" }

    /// The bot moved the call (it answered a notification with 302 and a `Location`): its
    /// notifications go there from now on.
    public mutating func moveCallback(to uri: String) {
        call.callbackUri = uri
    }
    public var isTerminated: Bool { phase == .terminated }
    /// A meeting call the bot is in (not an invitation it has not answered, nor an ended call).
    public var isInMeeting: Bool { kind == .meeting && phase != .incoming && phase != .redirecting && phase != .terminated }
    public var state: CallState { Self.graphState(phase) }
    /// Whether the call runs on service-hosted media (prompts, recording, tones).
    public var isServiceHostedMedia: Bool { call.mediaConfig?.kind != .appHostedMediaConfig }

    /// Graph's `callState` for an engine phase: the one place the two meet.
    static func graphState(_ phase: Phase) -> CallState {
        switch phase {
        case .incoming: .incoming
        case .redirecting: .redirecting
        case .establishing, .ringing: .establishing
        case .established: .established
        case .transferring: .transferring
        case .transferAccepted: .transferAccepted
        case .terminated: .terminated
        }
    }

    /// The call as `GET` shows it.
    public var graphCall: Call {
        var view = call
        view.state = Self.graphState(phase)
        return view
    }

    /// How the bot appears in the call: the source of a call it placed, the target of one it received.
    public var botIdentity: IdentitySet? {
        call.direction == .incoming ? call.targets?.first?.identity : call.source?.identity
    }

    /// The participants as `GET .../participants` shows them.
    public var participants: [Participant] { roster.participants }

    /// The operation with this id.
    public func operation(_ id: String) -> CommsOperation? {
        operations.first { $0.id == id }
    }

    // MARK: Placing a call

    /// Places an outgoing call or joins a meeting: the call is `establishing`, the far end
    /// is reached and behaves as the plan says.
    public static func placeOutgoing(_ plan: OutgoingCallPlan, now: Timestamp) -> (CallMachine, [CallEffect]) {
        var call = plan.call
        call.direction = .outgoing
        call.state = nil
        let delta = call.callOptions?.isDeltaRosterEnabled ?? false
        var machine = CallMachine(
            appId: plan.appId, tenantId: plan.tenantId, profile: plan.profile, kind: plan.kind,
            call: call, phase: .establishing, roster: Roster(isDelta: delta)
        )
        var effects = [machine.stateNotification(.updated, echoMeeting: plan.kind == .meeting)]
        effects += machine.arm(.keepAliveExpiry, at: now.advanced(by: keepAliveWindow))
        _ = try? machine.roster.handle(.add(plan.bot, joined: true, isBot: true))
        switch plan.kind {
        case .peerToPeer:
            guard let peer = plan.targets.first else {
                effects += machine.terminate(ResultCodes.noCalleeEndpoints)
                return (machine, effects)
            }
            machine.peerId = peer.participant.id
            _ = try? machine.roster.handle(.add(peer.participant, joined: false, isBot: false))
            switch peer.behaviour.reach {
            case .rings(let response, let timeline):
                machine.phase = .ringing
                machine.timelines[peer.participant.id ?? ""] = timeline
                effects += machine.respond(response, of: peer.participant.id ?? "", answering: .farEndAnswers, now: now)
                effects += machine.arm(.ringingTimeout, at: now.advanced(by: machine.ringingTimeout))
            case .fails(let result):
                effects += machine.terminate(result)
            }
        case .group, .meeting:
            // The conference exists at once: the bot is in it; the others join as they answer.
            machine.phase = .established
            effects.append(machine.stateNotification(.updated, echoMeeting: plan.kind == .meeting))
            effects += machine.enterConference(ConferenceJoin(
                attendees: plan.attendees, lateAttendees: plan.lateAttendees, contentSharing: plan.contentSharing,
                attendeeTimelines: plan.attendeeTimelines, meetingPeers: plan.meetingPeers
            ), now: now)
            for target in plan.targets {
                effects += machine.invite(target, operationId: nil, now: now)
            }
            effects += machine.endIfAlone()
        }
        return (machine, effects)
    }

    /// The bot is in a group call or meeting: the people already there, the content shared,
    /// the attendees' timelines; the other bots' calls in the meeting see it arrive.
    mutating func enterConference(_ join: ConferenceJoin, now: Timestamp) -> [CallEffect] {
        var effects: [CallEffect] = []
        for attendee in join.attendees {
            _ = try? roster.handle(.add(attendee, joined: true, isBot: false))
        }
        for attendee in join.lateAttendees {
            _ = try? roster.handle(.add(attendee, joined: false, isBot: false))
            awaitingJoin.insert(attendee.id ?? "")
        }
        effects.append(rosterNotification(roster.participants))
        if let session = join.contentSharing {
            effects += contentSharingChanged(.created, session)
        }
        for (participantId, timeline) in join.attendeeTimelines.sorted(by: { $0.key < $1.key }) {
            timelines[participantId] = timeline
            effects += startTimeline(of: participantId, now: now)
        }
        meetingPeers = join.meetingPeers
        if let bot = roster.member(call.myParticipantId ?? "")?.participant {
            effects += tellMeeting(upserted: [bot], left: [])
        }
        return effects
    }

    init(
        appId: String, tenantId: String, profile: GraphWireProfile, kind: Kind, call: Call, phase: Phase, roster: Roster
    ) {
        self.appId = appId
        self.tenantId = tenantId
        self.profile = profile
        self.kind = kind
        self.call = call
        self.phase = phase
        self.roster = roster
    }

    /// Arms what a ringing far end does on its own: answer (the `answering` timer) or decline.
    mutating func respond(_ response: FarEndBehaviour.Response?, of participantId: String, answering: CallTimer.Kind, now: Timestamp) -> [CallEffect] {
        switch response {
        case .answers(let after)?:
            arm(answering, subject: answering == .participantAnswers ? participantId : "", at: now.advanced(by: after))
        case .declines(let after)?:
            arm(.farEndDeclines, subject: participantId, at: now.advanced(by: after))
        case nil:
            []
        }
    }

    var ringingTimeout: Duration {
        call.ringingTimeoutInSeconds.map { .seconds($0) } ?? Self.defaultRingingTimeout
    }

    // MARK: Inputs

    /// What can happen to a call after it was placed.
    public enum Input: Sendable, Hashable {
        /// A timer fired.
        case timerFired(CallTimer.Name, generation: Int)
        /// The bot asks for something.
        case command(CallCommand)
        /// Another call tells this one something.
        case signal(CallSignal)
        /// A person at the far end does something (the control API): `identityId` names them
        /// (a user id, phone number or participant id); nil means the peer of a peer-to-peer
        /// call, or the only other person in the call.
        case farEndActs(FarEndEvent.Action, identityId: String?)
        /// A ringing far end picks up, declines or is busy (the control API; `manual`
        /// behaviours wait for it). `identityId` as for ``farEndActs(_:identityId:)``.
        case farEndResponds(FarEndResponse, identityId: String?)
        /// Someone joins the meeting this call is in (the control API); the other calls in
        /// the meeting hear of it from this one.
        case attendeeJoins(Participant)
    }

    /// What a ringing far end can do.
    public enum FarEndResponse: String, Sendable, Hashable, CaseIterable {
        case answer, decline, busy
    }

    /// Handles one input at `now` and returns the effects, in order.
    public mutating func handle(_ input: Input, now: Timestamp) throws(CallEngineError) -> [CallEffect] {
        switch (phase, input) {
        case (.terminated, .timerFired), (.terminated, .signal):
            return []
        case (.terminated, _):
            throw .callEnded
        case (_, .timerFired(let name, let generation)):
            guard let timer = timers.first(where: { $0.name == name }), timer.generation == generation else { return [] }
            timers.removeAll { $0.name == name }
            return timerFired(name, now: now)
        case (_, .command(let command)):
            return try handle(command, now: now)
        case (_, .signal(let signal)):
            return receive(signal)
        case (.established, .farEndActs(let action, let identityId)):
            return try farEnd(action, by: try person(identityId), now: now)
        case (.established, .attendeeJoins(let participant)) where kind == .meeting:
            let changed: [Participant]
            do {
                changed = try roster.handle(.add(participant, joined: true, isBot: false))
            } catch {
                throw .rejected("'\(participant.id ?? "")' is in the meeting already.")
            }
            // (Not announceRoster(try roster.handle(…)): that reads self before the change.)
            return announceRoster(changed)
        case (_, .attendeeJoins):
            throw .notSupportedInCall(action: "attendeeJoins", reason: "only an established meeting call takes attendees")
        case (.incoming, .farEndActs(.hangUp, _)):
            // The caller gave up before the bot answered.
            return terminate(ResultCodes.peerEndedCall)
        case (_, .farEndResponds(.answer, let identityId)):
            return try answered(by: identityId, now: now)
        case (_, .farEndResponds(.decline, let identityId)):
            return try refused(by: identityId, ResultCodes.declined, action: "decline")
        case (_, .farEndResponds(.busy, let identityId)):
            return try refused(by: identityId, ResultCodes.busy, action: "busy")
        case (_, .farEndActs(let action, _)):
            throw .invalidState(action: action.name, state: state)
        }
    }

    // MARK: Helpers shared by commands and timers

    /// Ends the call. The `deleted` notification carries the call's id, state and result;
    /// `minimal`: the id alone (a rejected call, as Graph's reject page shows, with the result
    /// the caller heard); `fullCall`: the whole call (a redirected one, as the redirect page shows).
    mutating func terminate(
        _ result: ResultInfo?, announceTerminating: Bool = false, terminationReason: String? = nil,
        minimal: Bool = false, fullCall: Bool = false
    ) -> [CallEffect] {
        var effects: [CallEffect] = []
        if announceTerminating {
            var terminating = Call()
            terminating.id = id
            terminating.state = .terminating
            effects.append(notification(.updated, terminating))
        }
        phase = .terminated
        call.resultInfo = result
        for timer in timers { effects.append(.cancel(timer.name)) }
        timers = []
        // Operations still running end with the call.
        for output in media.cancelAll() {
            if case .cancelled(let item) = output { effects += finishOperation(item.operationId, status: .failed, result: ResultCodes.operationCancelled, notify: false) }
        }
        // The bot leaves the meeting: the other calls in it see it go.
        effects += tellMeeting(upserted: [], left: [call.myParticipantId ?? ""], ended: true)
        meetingPeers = []
        call.terminationReason = terminationReason
        var ended = Call()
        if fullCall {
            ended = graphCall
        } else {
            ended.id = id
            ended.state = .terminated
            ended.resultInfo = result
            ended.terminationReason = terminationReason
        }
        if minimal {
            ended.state = nil
        }
        effects.append(notification(.deleted, ended))
        effects.append(.remove)
        return effects
    }

    /// In a group call, the bot alone ends the call: nobody joined, or everyone left.
    mutating func endIfAlone() -> [CallEffect] {
        guard kind == .group, phase != .terminated, roster.othersJoined == 0, roster.othersInvited == 0 else { return [] }
        let everJoined = roster.members.contains { !$0.isBot && $0.participant.rosterSequenceNumber != nil }
        return terminate(everJoined ? ResultCodes.allOthersLeft : ResultCodes.nobodyJoined)
    }

    /// Takes a member out of the roster (removed, hung up, or its invitation cancelled).
    mutating func removeMember(_ id: String) -> [CallEffect] {
        var effects = disarm(CallTimer.Name(kind: .participantAnswers, subject: id))
            + disarm(CallTimer.Name(kind: .participantRingingTimeout, subject: id))
        let changed = (try? roster.handle(.leave(id))) ?? []
        effects += announceRoster(changed)
        for session in contentSharingSessions where session.presenterParticipantId == id {
            effects += contentSharingChanged(.deleted, session)
        }
        effects += resolveInvitation(of: id, joined: false, failure: nil)
        effects += endIfAlone()
        return effects
    }

    mutating func arm(_ kind: CallTimer.Kind, subject: String = "", at due: Timestamp) -> [CallEffect] {
        lastGeneration += 1
        let timer = CallTimer(kind: kind, subject: subject, due: due, generation: lastGeneration)
        timers.removeAll { $0.name == timer.name }
        timers.append(timer)
        return [.schedule(timer)]
    }

    mutating func disarm(_ name: CallTimer.Name) -> [CallEffect] {
        guard timers.contains(where: { $0.name == name }) else { return [] }
        timers.removeAll { $0.name == name }
        return [.cancel(name)]
    }

    /// A state notification as Graph sends it: the call's `state` and `id` (and `direction`
    /// once established, as in Graph's examples; meeting coordinates when joining one).
    func stateNotification(_ change: ChangeType, direction: Bool = false, echoMeeting: Bool = false, result: ResultInfo? = nil) -> CallEffect {
        var data = Call()
        data.id = id
        data.state = Self.graphState(phase)
        // The 2019 beta pages show the direction on every state notification; v1.0 from
        // `established` on.
        if direction || profile == .beta { data.direction = call.direction }
        if echoMeeting {
            data.chatInfo = call.chatInfo
            data.meetingInfo = call.meetingInfo
            if phase == .established { data.activeModalities = call.requestedModalities ?? [] }
        }
        data.resultInfo = result
        return notification(change, data)
    }

    func notification(_ change: ChangeType, _ data: Call) -> CallEffect {
        .notify(CommsNotification(
            changeType: change,
            resourceUrl: "/communications/calls/\(id)",
            resourceData: .single(.call(data)),
            callbackUri: callbackUri
        ))
    }

    /// A roster update listing `changed` (delta) or everyone (full roster).
    func rosterNotification(_ changed: [Participant]) -> CallEffect {
        .notify(CommsNotification(
            changeType: .updated,
            resourceUrl: "/communications/calls/\(id)/participants",
            resourceData: roster.notificationData(changed),
            callbackUri: callbackUri
        ))
    }

    /// Records a content-sharing change and announces it when the bot asked for it
    /// (`isContentSharingNotificationEnabled`).
    mutating func contentSharingChanged(_ change: ChangeType, _ session: ContentSharingSession) -> [CallEffect] {
        switch change {
        case .created: contentSharingSessions.append(session)
        case .updated: break
        case .deleted: contentSharingSessions.removeAll { $0.id == session.id }
        }
        guard call.callOptions?.isContentSharingNotificationEnabled == true else { return [] }
        return [.notify(CommsNotification(
            changeType: change,
            resourceUrl: "/communications/calls/\(id)/contentsharingsessions",
            resourceData: .collection([.contentSharingSession(session)]),
            callbackUri: callbackUri
        ))]
    }

    /// Whether roster changes are announced: group calls and meetings; a peer-to-peer call
    /// gets call-state notifications only.
    var announcesRoster: Bool { kind != .peerToPeer }

    /// The media streams a participant has for the requested modalities.
    public static func mediaStreams(for modalities: [Modality]?, firstSourceId: Int = 1) -> [MediaStream] {
        (modalities ?? []).enumerated().compactMap { index, modality in
            let label: String? = switch modality {
            case .audio: "main-audio"
            case .video: "main-video"
            case .videoBasedScreenSharing: "applicationsharing-video"
            case .data: "data"
            case .unknown, .unknownFutureValue: nil
            }
            guard let label else { return nil }
            return MediaStream(mediaType: modality, label: label, sourceId: String(firstSourceId + index), direction: .sendReceive)
        }
    }
}
