import GraphModel

/// How a simulated far end (Teams user, phone number) responds when called.
///
/// The world chooses a behaviour when a call is placed; the engine enacts it with timers,
/// so it is persisted with the call and replayed identically after a restart.
public enum FarEndBehaviour: Codable, Sendable, Hashable {
    /// Rings for `ringFor`, answers, then does what `then` says, each event counted from
    /// the answer.
    case answer(ringFor: Duration, then: [FarEndEvent] = [])
    /// Nobody answers; the call ends when the ringing timeout passes (408/10057).
    case noAnswer
    /// The target has no endpoints (unknown user or number): the call ends at once (480/10037).
    case noEndpoints
    /// The target cannot be reached (switched off, out of coverage): the call ends at once (480/10076).
    case unreachable
    /// The line is busy: the call ends at once (486).
    case busy
    /// Rings for `ringFor`, then declines (603).
    case decline(ringFor: Duration)
    /// Rings until the control API says what happens (answer, decline, busy), or until the
    /// ringing timeout; once answered, does what `then` says.
    case manual(then: [FarEndEvent] = [])

    /// How a call to this far end goes before anyone picks up.
    public var reach: Reach {
        switch self {
        case .answer(let ringFor, let then): .rings(.answers(after: ringFor), timeline: then)
        case .decline(let ringFor): .rings(.declines(after: ringFor), timeline: [])
        case .noAnswer: .rings(nil, timeline: [])
        case .manual(let then): .rings(nil, timeline: then)
        case .busy: .fails(ResultCodes.busy)
        case .unreachable: .fails(ResultCodes.unreachable)
        case .noEndpoints: .fails(ResultCodes.noCalleeEndpoints)
        }
    }

    /// A behaviour's course: it fails at once, or it rings, and may pick up or refuse on its
    /// own after a while (nil: only the ringing timeout or the control API ends the ringing).
    public enum Reach: Sendable, Hashable {
        case fails(ResultInfo)
        case rings(Response?, timeline: [FarEndEvent])
    }

    /// What a ringing far end does on its own.
    public enum Response: Sendable, Hashable {
        case answers(after: Duration)
        case declines(after: Duration)
    }
}

/// Something a far end does once in the call: the world's behaviour timelines.
public struct FarEndEvent: Codable, Sendable, Hashable {
    public enum Action: Codable, Sendable, Hashable {
        /// Hangs up (leaves a group call or meeting; ends a peer-to-peer call).
        case hangUp
        /// Presses DTMF keys, one tone after another.
        case pressKeys([Tone])
        /// Starts sharing content (a content sharing session begins).
        case startSharing
        /// Changes what is shared (the session is updated: a new slide, another window).
        case updateSharing
        /// Stops sharing (the session ends).
        case stopSharing
        /// Mutes or unmutes itself (a roster update in group calls and meetings).
        case mute
        case unmute
        /// Joins the meeting: an attendee who arrives after the bot (leaving is `hangUp`).
        case joinMeeting

        /// The action's name, as the control API spells it.
        public var name: String {
            switch self {
            case .hangUp: "hangUp"
            case .pressKeys: "pressKeys"
            case .startSharing: "startSharing"
            case .updateSharing: "updateSharing"
            case .stopSharing: "stopSharing"
            case .mute: "mute"
            case .unmute: "unmute"
            case .joinMeeting: "joinMeeting"
            }
        }
    }

    /// How long after answering.
    public var after: Duration
    public var action: Action

    public init(after: Duration, _ action: Action) {
        self.after = after
        self.action = action
    }
}
