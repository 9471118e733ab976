import GraphModel

/// Everything the engine needs to place an outgoing call or join a meeting: the validated
/// request with its server-assigned values filled in, and the far end the world resolved.
public struct OutgoingCallPlan: Sendable, Hashable {
    /// The call as Graph will show it: id, callChainId, myParticipantId, source, tenantId set.
    public var call: Call
    public var appId: String
    public var tenantId: String
    /// The profile notifications are written with (the API version the call was created on).
    public var profile: GraphWireProfile
    public var kind: CallMachine.Kind
    /// The bot's own participant.
    public var bot: Participant
    /// Who is called: one target (peer-to-peer) or several (group call).
    public var targets: [PlannedParticipant]
    /// Who is in the meeting already when the bot joins.
    public var attendees: [Participant]
    /// The content an attendee shares when the bot joins (`presenterParticipantId` names them).
    public var contentSharing: ContentSharingSession?
    /// The other calls (of any bot) in the same meeting, told when this one joins.
    public var meetingPeers: [String] = []
    /// What meeting attendees do once the bot is in (by participant id), counted from the join.
    public var attendeeTimelines: [String: [FarEndEvent]] = [:]
    /// Attendees not in the meeting yet: each joins when its timeline's `joinMeeting` comes.
    public var lateAttendees: [Participant] = []

    public init(
        call: Call, appId: String, tenantId: String, profile: GraphWireProfile, kind: CallMachine.Kind,
        bot: Participant, targets: [PlannedParticipant], attendees: [Participant] = [],
        contentSharing: ContentSharingSession? = nil, meetingPeers: [String] = [],
        attendeeTimelines: [String: [FarEndEvent]] = [:], lateAttendees: [Participant] = []
    ) {
        self.lateAttendees = lateAttendees
        self.attendeeTimelines = attendeeTimelines
        self.contentSharing = contentSharing
        self.meetingPeers = meetingPeers
        self.call = call
        self.appId = appId
        self.tenantId = tenantId
        self.profile = profile
        self.kind = kind
        self.bot = bot
        self.targets = targets
        self.attendees = attendees
    }
}

/// What a bot finds when it enters a meeting: who is there (and who comes later), what is
/// shared, what the attendees will do, and the other bots' calls in it.
public struct ConferenceJoin: Sendable, Hashable {
    public var attendees: [Participant]
    public var lateAttendees: [Participant]
    public var contentSharing: ContentSharingSession?
    public var attendeeTimelines: [String: [FarEndEvent]]
    public var meetingPeers: [String]

    public init(
        attendees: [Participant] = [], lateAttendees: [Participant] = [], contentSharing: ContentSharingSession? = nil,
        attendeeTimelines: [String: [FarEndEvent]] = [:], meetingPeers: [String] = []
    ) {
        self.attendees = attendees
        self.lateAttendees = lateAttendees
        self.contentSharing = contentSharing
        self.attendeeTimelines = attendeeTimelines
        self.meetingPeers = meetingPeers
    }
}
