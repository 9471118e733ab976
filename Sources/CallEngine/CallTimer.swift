import GraphModel

/// A timer of one call, kept as data in the call's state.
///
/// A timer is named by its kind and a subject (a participant or operation id; empty for the
/// call itself). Each scheduling takes a fresh generation; a firing whose generation is not
/// the current one for its name is stale and does nothing.
public struct CallTimer: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, Hashable, CaseIterable {
        /// The far end of a peer-to-peer call picks up.
        case farEndAnswers
        /// Nobody picked up within the ringing timeout.
        case ringingTimeout
        /// No keepAlive within 45 minutes.
        case keepAliveExpiry
        /// An invited participant (subject) answers.
        case participantAnswers
        /// An invited participant (subject) did not answer in time.
        case participantRingingTimeout
        /// The running media operation (subject) comes to its end.
        case mediaOperationEnds
        /// A short-lived operation (subject: sendDtmfTones, hold music, gallery view) settles.
        case operationSettles
        /// The transfer target answers.
        case transferTargetAnswers
        /// The transfer target did not answer in time.
        case transferTimeout
        /// A far end does the next thing its timeline says (subject: `participantId#index`).
        case farEndEvent
        /// A ringing far end (subject: its participant id) declines.
        case farEndDeclines
        /// The bot did not answer, reject or redirect an incoming call in time.
        case answerDeadline
        /// No redirect target answered in time.
        case redirectTimeout
    }

    public var kind: Kind
    public var subject: String
    public var due: Timestamp
    public var generation: Int

    public init(kind: Kind, subject: String = "", due: Timestamp, generation: Int) {
        self.kind = kind
        self.subject = subject
        self.due = due
        self.generation = generation
    }

    /// Kind and subject: what makes two timers the same timer.
    public var name: Name { Name(kind: kind, subject: subject) }

    public struct Name: Codable, Sendable, Hashable {
        public var kind: Kind
        public var subject: String

        public init(kind: Kind, subject: String = "") {
            self.kind = kind
            self.subject = subject
        }
    }
}
