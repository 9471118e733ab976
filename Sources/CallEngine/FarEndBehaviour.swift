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
