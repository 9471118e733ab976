import GraphModel

/// A timer of one call, kept as data in the call's state.
///
/// Each scheduling takes a fresh generation; a firing whose generation is not the current
/// one for its kind is stale and does nothing.
public struct CallTimer: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, Hashable, CaseIterable {
        /// The far end picks up.
        case farEndAnswers
        /// Nobody picked up within the ringing timeout.
        case ringingTimeout
        /// No keepAlive within 45 minutes.
        case keepAliveExpiry
    }

    public var kind: Kind
    public var due: Timestamp
    public var generation: Int

    public init(kind: Kind, due: Timestamp, generation: Int) {
        self.kind = kind
        self.due = due
        self.generation = generation
    }
}
