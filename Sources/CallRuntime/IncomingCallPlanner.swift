import CallEngine
import GraphModel
import World

/// Someone in the world calls a bot: who calls, whom, and where the bot hears of it.
public struct IncomingCallRequest: Sendable, Hashable {
    /// The caller: a Teams user of the world (`user.id`) or any phone number (`phone.id`);
    /// nil only for a meeting's invitation (the organizer invites).
    public var from: IdentitySet?
    /// The bot: `application`, `applicationInstance`, or `phone` with an instance's number.
    public var to: IdentitySet
    /// Where the announcement goes; nil: the application's calling webhook.
    public var callbackUri: String?
    /// What the caller offers; nil: audio.
    public var modalities: [Modality]?
    /// The API version the bot's notifications are written for.
    public var profile: GraphWireProfile
    /// A meeting (its control-API id or chat thread) that invites the bot; `from` is who
    /// invites (default: the organizer).
    public var meeting: String?

    public init(
        from: IdentitySet?, to: IdentitySet, callbackUri: String?, modalities: [Modality]?, profile: GraphWireProfile,
        meeting: String? = nil
    ) {
        self.meeting = meeting
        self.from = from
        self.to = to
        self.callbackUri = callbackUri
        self.modalities = modalities
        self.profile = profile
    }
}

/// Turns an ``IncomingCallRequest`` into an ``IncomingCallPlan``: finds the bot and the
/// caller in the world and fills in what the service assigns.
struct IncomingCallPlanner {
    /// The world as it is for this request (read once from the runtime's `WorldState`).
    let world: World
    let newId: @Sendable () -> String
    let actions: ActionPlanner

    /// The permissions any one of which lets an application see who calls it; without
    /// them the caller's identity arrives encrypted (Graph's answer page).
    static let identityRevealingPermissions = [
        "Calls.AccessMedia.All", "Calls.Initiate.All", "Calls.InitiateGroupCall.All",
        "Calls.JoinGroupCall.All", "Calls.JoinGroupCallAsGuest.All",
    ]

    func plan(_ request: IncomingCallRequest) throws(CallRuntimeError) -> IncomingCallPlan {
        let (application, botIdentity) = try bot(request.to)
        guard let callbackUri = request.callbackUri ?? application.callingWebhook, !callbackUri.isEmpty else {
            throw .invalidRequest("Application '\(application.id)' has no calling webhook in the world: give callbackUri.")
        }
        try actions.checkCallback(callbackUri)
        let modalities = request.modalities ?? [.audio]
        guard !modalities.isEmpty, !modalities.contains(where: { $0 == .unknown || $0 == .unknownFutureValue }) else {
            throw .invalidRequest("modalities must name at least one of audio, video, videoBasedScreenSharing, data.")
        }
        var meeting: WorldMeeting?
        if let name = request.meeting {
            guard let found = world.meeting(named: name) else {
                throw .meetingNotFound("No meeting '\(name)' in the world (GET /_switchboard/meetings lists them).")
            }
            meeting = found
        }
        guard let from = request.from ?? meeting.map({ IdentitySet(user: Identity(id: $0.organizerId)) }) else {
            throw .invalidRequest("'from' is required: the identitySet of who calls.")
        }
        let caller = try self.caller(from, modalities: modalities)

        var source = caller.participant.info ?? ParticipantInfo(identity: nil)
        if !application.permissions.contains(where: { held in Self.identityRevealingPermissions.contains { $0.lowercased() == held.lowercased() } }) {
            // The application may not know who calls: the identity is encrypted.
            var hidden = IdentitySet()
            hidden.encrypted = Identity(id: caller.participant.id ?? newId())
            source.identity = hidden
        }
        // The 2019 beta announced each identity's language (seed003); an open property,
        // written on /beta only.
        source.identity?.user?.additionalData["language"] = .string("en-US")
        var target = botIdentity
        target.application?.additionalData["language"] = .string("en-US")
        var call = Call()
        call.id = newId()
        call.callChainId = newId()
        call.myParticipantId = newId()
        call.callbackUri = callbackUri
        call.source = source
        call.targets = [InvitationParticipantInfo(identity: target)]
        call.requestedModalities = modalities
        call.tenantId = application.tenantId
        if let meeting {
            // A group-call invitation carries the meeting's coordinates (Graph's answer page).
            call.chatInfo = ChatInfo(threadId: meeting.threadId, messageId: "0")
            var info = MeetingInfo(kind: .organizerMeetingInfo)
            info.organizer = IdentitySet(user: Identity(id: meeting.organizerId, tenantId: meeting.tenantId))
            call.meetingInfo = info
        }
        let bot = Participant(id: call.myParticipantId ?? "", info: ParticipantInfo(identity: botIdentity),
                              mediaStreams: CallMachine.mediaStreams(for: modalities))
        return IncomingCallPlan(
            call: call, appId: application.id, tenantId: application.tenantId, profile: request.profile,
            caller: caller, bot: bot, kind: meeting == nil ? .peerToPeer : .meeting
        )
    }

    /// The application called, and how the call's target names it.
    private func bot(_ to: IdentitySet) throws(CallRuntimeError) -> (WorldApplication, IdentitySet) {
        var identity = IdentitySet()
        if let id = to.applicationInstance?.id {
            guard let instance = world.applicationInstance(id: id), let application = world.application(id: instance.applicationId) else {
                throw .invalidRequest("to.applicationInstance '\(id)' is no application instance of the world.")
            }
            identity.applicationInstance = Identity(id: instance.id, displayName: instance.displayName)
            if let number = instance.phoneNumber { identity.phone = Identity(id: number) }
            return (application, identity)
        }
        if let number = to.phone?.id {
            guard let instance = world.applicationInstance(phoneNumber: number), let application = world.application(id: instance.applicationId) else {
                throw .invalidRequest("to.phone '\(number)' is no application instance's number in the world.")
            }
            identity.applicationInstance = Identity(id: instance.id, displayName: instance.displayName)
            identity.phone = Identity(id: instance.phoneNumber ?? number)
            return (application, identity)
        }
        if let id = to.application?.id {
            guard let application = world.application(id: id) else {
                throw .invalidRequest("to.application '\(id)' is no application of the world.")
            }
            identity.application = Identity(id: application.id, displayName: application.displayName)
            return (application, identity)
        }
        throw .invalidRequest("'to' must name the bot: application, applicationInstance, or phone (an application instance's number).")
    }

    /// The caller as a participant, with the behaviour the world gives them (their timeline
    /// once the bot answers).
    private func caller(_ from: IdentitySet, modalities: [Modality]) throws(CallRuntimeError) -> PlannedParticipant {
        var identity = IdentitySet()
        if let id = from.user?.id {
            guard let user = world.user(id: id) else {
                throw .invalidRequest("from.user '\(id)' is no user of the world.")
            }
            identity.user = Identity(id: user.id, displayName: from.user?.displayName ?? user.displayName)
        } else if let number = from.phone?.id {
            guard number.hasPrefix("+"), number.dropFirst().allSatisfy(\.isNumber), (2...16).contains(number.count) else {
                throw .invalidRequest("from.phone.id must be an E.164 number, such as +12065550100.")
            }
            identity.phone = Identity(id: number)
        } else {
            throw .invalidRequest("'from' must be a Teams user (user.id) or a phone number (phone.id).")
        }
        return actions.plannedParticipant(identity, invitation: nil, modalities: modalities)
    }
}
