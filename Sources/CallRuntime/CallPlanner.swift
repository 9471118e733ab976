import CallEngine
import GraphModel
import World

/// Turns a create-call request into an ``OutgoingCallPlan``: validates it the way Graph
/// does, fills in what the service assigns, and asks the world who answers. Pure apart
/// from the id generator it is given.
struct CallPlanner {
    /// The world as it is for this request (read once from the runtime's `WorldState`).
    let world: World
    let newId: @Sendable () -> String
    /// Resolves targets as the invitations of a call do.
    let actions: ActionPlanner

    static let insufficientPermissions = CallRuntimeError.forbidden(
        code: "7504", message: "Insufficient enterprise tenant permissions, cannot access this API."
    )

    /// `meetingCalls`: the live calls in meetings; a join into one of their meetings finds
    /// the roster they see (the same participants, with the same ids) and tells them.
    func plan(_ request: Call, caller: CallerApp, profile: GraphWireProfile, meetingCalls: [CallMachine] = []) throws(CallRuntimeError) -> OutgoingCallPlan {
        guard let callbackUri = request.callbackUri, !callbackUri.isEmpty else {
            throw .invalidRequest("The call is missing its callbackUri.")
        }
        try actions.checkCallback(callbackUri)
        if let tenantId = request.tenantId, tenantId.lowercased() != caller.tenantId.lowercased() {
            throw .forbidden(code: "7505", message: "Request authorization tenant mismatch.")
        }
        let targets = request.targets ?? []
        if let seconds = request.ringingTimeoutInSeconds, !(1...115).contains(seconds) {
            throw .invalidRequest("ringingTimeoutInSeconds must be between 1 and 115.")
        }
        if request.mediaConfig?.kind == .appHostedMediaConfig, !caller.holds(any: ["Calls.AccessMedia.All"]) {
            throw Self.insufficientPermissions
        }
        for (index, target) in targets.enumerated() where !Self.namesSomeone(target.identity) {
            throw .invalidRequest("targets[\(index)] needs an identity naming someone (user, phone, guest, application, … with an id).")
        }
        if request.mediaConfig == nil, !(request.requestedModalities ?? [.audio]).isEmpty {
            throw .invalidRequest("mediaConfig is required (serviceHostedMediaConfig or appHostedMediaConfig) unless requestedModalities is empty.")
        }
        if targets.contains(where: { Self.isBot($0.identity) }) {
            // Bot-to-bot calls are not supported; Graph refuses them with 7505.
            throw .forbidden(code: "7505", message: "Request authorization tenant mismatch.")
        }

        let kind: CallMachine.Kind
        var join = ConferenceJoin()
        var meeting: WorldMeeting?
        if request.meetingInfo != nil {
            kind = .meeting
            let found = try findMeeting(request)
            meeting = found
            let guest = request.source?.identity?.user != nil
            let joinPermissions = guest ? ["Calls.JoinGroupCallAsGuest.All"] : ["Calls.JoinGroupCall.All", "Calls.JoinGroupCallAsGuest.All"]
            guard caller.holds(any: joinPermissions) else { throw Self.insufficientPermissions }
            join = conference(found, meetingCalls: meetingCalls, modalities: request.requestedModalities)
        } else if targets.isEmpty {
            throw .invalidRequest("A call needs either targets or meetingInfo.")
        } else if targets.count == 1 {
            kind = .peerToPeer
            guard caller.holds(any: ["Calls.Initiate.All", "Calls.InitiateGroupCall.All"]) else { throw Self.insufficientPermissions }
        } else {
            kind = .group
            guard caller.holds(any: ["Calls.InitiateGroupCall.All"]) else { throw Self.insufficientPermissions }
            let users = targets.count { $0.identity?.user != nil }
            if users > CallMachine.groupCallUserLimit {
                throw .invalidRequest("A group call supports up to \(CallMachine.groupCallUserLimit) VoIP users (\(users) were asked for).")
            }
        }

        var source = request.source ?? ParticipantInfo(identity: nil)
        var identity = source.identity ?? IdentitySet()
        if identity.user == nil || kind != .meeting {
            // The bot is the calling application (a guest join keeps the user identity it chose).
            identity.application = Identity(id: caller.appId, displayName: caller.displayName)
            identity.user = nil
        }
        let callsPhones = targets.contains { $0.identity?.phone != nil }
        if callsPhones, identity.applicationInstance == nil, profile == .beta,
           world.applicationInstances.contains(where: { $0.applicationId.lowercased() == caller.appId.lowercased() && $0.phoneNumber != nil }) {
            // The 2019 beta pages call phone numbers from the application itself; /beta allows
            // it when the application has an instance with a number to call from.
        } else if callsPhones || identity.applicationInstance != nil {
            guard let instanceId = identity.applicationInstance?.id,
                  let instance = world.applicationInstance(id: instanceId),
                  instance.applicationId.lowercased() == caller.appId.lowercased()
            else {
                throw .invalidRequest("Calls to phone numbers need source.identity.applicationInstance: an application instance of the calling application.")
            }
            if identity.applicationInstance?.displayName == nil { identity.applicationInstance?.displayName = instance.displayName }
            identity.application = nil
        }
        source.identity = identity

        var call = request
        call.id = newId()
        call.callChainId = newId()
        call.myParticipantId = newId()
        call.source = source
        call.tenantId = caller.tenantId
        call.state = .establishing
        call.direction = .outgoing
        call.resultInfo = nil
        call.toneInfo = nil
        call.callRoutes = nil
        call.mediaState = nil
        call.transcription = nil
        call.answeredBy = nil
        call.terminationReason = nil
        call.activeModalities = nil
        if let meeting, call.chatInfo == nil {
            // The meeting's thread names it (also when the bot joined by id or token).
            call.chatInfo = ChatInfo(threadId: meeting.threadId, messageId: "0")
        }

        let bot = Participant(
            id: call.myParticipantId ?? "",
            info: ParticipantInfo(identity: source.identity),
            mediaStreams: CallMachine.mediaStreams(for: request.requestedModalities)
        )
        let planned = targets.map { target in
            actions.plannedParticipant(target.identity ?? IdentitySet(), invitation: target, modalities: request.requestedModalities)
        }
        return OutgoingCallPlan(
            call: call, appId: caller.appId, tenantId: caller.tenantId, profile: profile, kind: kind,
            bot: bot, targets: planned, attendees: join.attendees, contentSharing: join.contentSharing,
            meetingPeers: join.meetingPeers, attendeeTimelines: join.attendeeTimelines, lateAttendees: join.lateAttendees
        )
    }

    /// What a bot entering `meeting` finds. When bots are there already (`meetingCalls`), the
    /// roster they see (the same participants, with the same ids) and what is shared; for the
    /// first bot, the world's attendees, their timelines and the sharer, those who come later
    /// joining when their timeline says.
    func conference(_ meeting: WorldMeeting, meetingCalls: [CallMachine], modalities: [Modality]?) -> ConferenceJoin {
        let peers = meetingCalls.filter { $0.graphCall.chatInfo?.threadId == meeting.threadId }
        var join = ConferenceJoin(meetingPeers: peers.map(\.id))
        if let present = peers.first {
            join.attendees = present.participants
            join.contentSharing = present.contentSharingSessions.first
            return join
        }
        let attendees = meeting.attendees.map { userId in attendee(userId, modalities: modalities) }
        for (index, userId) in meeting.attendees.enumerated() {
            var timeline = meeting.timelines.first(where: { $0.key.lowercased() == userId.lowercased() })?.value ?? []
            if let delay = meeting.joinsAfter.first(where: { $0.key.lowercased() == userId.lowercased() })?.value {
                timeline.insert(FarEndEvent(after: delay, .joinMeeting), at: 0)
                join.lateAttendees.append(attendees[index])
            } else {
                join.attendees.append(attendees[index])
            }
            if !timeline.isEmpty, let participantId = attendees[index].id {
                join.attendeeTimelines[participantId] = timeline
            }
            if userId.lowercased() == meeting.sharerId?.lowercased() {
                var session = ContentSharingSession(id: newId().uppercased().filter { $0 != "-" })
                session.presenterParticipantId = attendees[index].id
                join.contentSharing = session
            }
        }
        return join
    }

    /// Whether the set names anyone: some identity in it with a non-empty id.
    static func namesSomeone(_ identity: IdentitySet?) -> Bool {
        guard let identity else { return false }
        return [identity.user, identity.phone, identity.guest, identity.application, identity.applicationInstance,
                identity.device, identity.encrypted, identity.onPremises, identity.azureCommunicationServicesUser, identity.assertedIdentity]
            .contains { !($0?.id ?? "").isEmpty }
    }

    /// A target that is an application (another bot) rather than a person or a number.
    static func isBot(_ identity: IdentitySet?) -> Bool {
        guard let identity else { return false }
        return (identity.application != nil || identity.applicationInstance != nil)
            && identity.user == nil && identity.phone == nil && identity.guest == nil
    }

    /// The world's meeting the request's coordinates name: by chat thread (and organizer),
    /// by join meeting id (and passcode), or by join token.
    func findMeeting(_ request: Call) throws(CallRuntimeError) -> WorldMeeting {
        guard let info = request.meetingInfo else { throw .invalidRequest("meetingInfo is required to join a meeting.") }
        switch info.kind {
        case .organizerMeetingInfo:
            guard let threadId = request.chatInfo?.threadId else {
                throw .invalidRequest("Joining a meeting by organizerMeetingInfo needs chatInfo.threadId.")
            }
            guard let meeting = world.meeting(threadId: threadId) else { throw .meetingNotFound("No meeting has the chat thread '\(threadId)'.") }
            if let organizerId = info.organizer?.user?.id, organizerId.lowercased() != meeting.organizerId.lowercased() {
                throw .meetingNotFound("The meeting of chat thread '\(threadId)' is not organised by '\(organizerId)'.")
            }
            return meeting
        case .joinMeetingIdMeetingInfo:
            guard let joinMeetingId = info.joinMeetingId, !joinMeetingId.isEmpty else {
                throw .invalidRequest("joinMeetingIdMeetingInfo needs joinMeetingId.")
            }
            guard let meeting = world.meeting(joinMeetingId: joinMeetingId) else {
                throw .meetingNotFound("No meeting has the join meeting id '\(joinMeetingId)'.")
            }
            if let passcode = info.passcode, let expected = meeting.passcode, passcode != expected {
                throw .forbidden(code: "accessDenied", message: "The passcode of meeting '\(joinMeetingId)' is not correct.")
            }
            return meeting
        case .tokenMeetingInfo:
            guard let token = info.token, !token.isEmpty else { throw .invalidRequest("tokenMeetingInfo needs token.") }
            guard let meeting = world.meeting(token: token) else { throw .meetingNotFound("The meeting join token is not valid.") }
            return meeting
        }
    }

    /// A meeting attendee as the roster shows them.
    func attendee(_ userId: String, modalities: [Modality]?) -> Participant {
        let user = world.user(id: userId)
        let identity = IdentitySet(user: Identity(id: user?.id ?? userId, displayName: user?.displayName))
        return Participant(
            id: newId(),
            info: ParticipantInfo(identity: identity, languageId: "en-US", region: "westus"),
            isMuted: true,
            // A Teams client in a meeting: sends and receives audio, receives video and
            // screen sharing (the streams of the attendee in seed002's roster).
            mediaStreams: [
                MediaStream(mediaType: .audio, label: "main-audio", sourceId: "1", direction: .sendReceive),
                MediaStream(mediaType: .video, label: "main-video", sourceId: "2", direction: .receiveOnly),
                MediaStream(mediaType: .videoBasedScreenSharing, label: "applicationsharing-video", sourceId: "8", direction: .receiveOnly),
            ]
        )
    }
}
