import GraphModel

/// Everything the engine needs to announce an incoming call to a bot: the call as the bot
/// will see it, with every server-assigned value filled in, and the caller the world resolved.
public struct IncomingCallPlan: Sendable, Hashable {
    /// The call: id, callChainId, myParticipantId, source (the caller), targets (the bot),
    /// requestedModalities, tenantId and the callbackUri the announcement goes to.
    public var call: Call
    public var appId: String
    public var tenantId: String
    public var profile: GraphWireProfile
    /// The caller, and what they do once the bot answers (their behaviour's timeline).
    public var caller: PlannedParticipant
    /// The bot's own participant, joined once it answers.
    public var bot: Participant
    /// `.peerToPeer`: someone calls the bot; `.meeting`: someone in a meeting invites it
    /// (the call carries the meeting's chatInfo and meetingInfo).
    public var kind: CallMachine.Kind

    public init(
        call: Call, appId: String, tenantId: String, profile: GraphWireProfile, caller: PlannedParticipant, bot: Participant,
        kind: CallMachine.Kind = .peerToPeer
    ) {
        self.kind = kind
        self.call = call
        self.appId = appId
        self.tenantId = tenantId
        self.profile = profile
        self.caller = caller
        self.bot = bot
    }
}

/// `answer`, validated: what the bot accepts and where later notifications go.
public struct AnswerPlan: Sendable, Hashable {
    /// The operation the 2019 beta answer returned (/beta answers with it).
    public var ticket: OperationTicket
    /// nil: notifications keep going to the callback the call was announced on.
    public var callbackUri: String?
    public var acceptedModalities: [Modality]
    public var mediaConfig: MediaConfig?
    public var callOptions: CallOptions?
    public var participantCapacity: Int?
    /// A meeting invitation: what the bot finds in the meeting once it answers.
    public var conference: ConferenceJoin?

    public init(
        ticket: OperationTicket, callbackUri: String?, acceptedModalities: [Modality], mediaConfig: MediaConfig?,
        callOptions: CallOptions?, participantCapacity: Int?
    ) {
        self.ticket = ticket
        self.callbackUri = callbackUri
        self.acceptedModalities = acceptedModalities
        self.mediaConfig = mediaConfig
        self.callOptions = callOptions
        self.participantCapacity = participantCapacity
    }
}

/// `redirect`, validated: the targets the world resolved, and how long they ring.
public struct RedirectPlan: Sendable, Hashable {
    public var targets: [PlannedParticipant]
    public var timeout: Duration
    public var callbackUri: String?

    public init(targets: [PlannedParticipant], timeout: Duration, callbackUri: String?) {
        self.targets = targets
        self.timeout = timeout
        self.callbackUri = callbackUri
    }

    /// Graph's default: 55 s for one target, 60 s when several ring at once.
    public static func defaultTimeout(targets: Int) -> Duration { .seconds(targets > 1 ? 60 : 55) }
}
