/// What one node tells every other (``SharedCallStore/broadcast(_:setting:)``), as text.
public enum ClusterMessage: Sendable, Hashable {
    /// The store was reset: forget what you hold.
    case reset(from: String)
    /// The world's changes (kept in ``worldSetting``) changed: read them again.
    case world(from: String)
    /// The deployment's manual clock reads `milliseconds` (since the Unix epoch) now.
    case clock(milliseconds: Int64, from: String)

    /// The setting the manual clock is kept in, for nodes that start later.
    public static let clockSetting = "manual-clock"
    /// The setting the world's changes (``WorldChanges``, JSON) are kept in.
    public static let worldSetting = "world-changes"

    public var text: String {
        switch self {
        case .reset(let node): "reset \(node)"
        case .world(let node): "world \(node)"
        case .clock(let milliseconds, let node): "clock \(milliseconds) \(node)"
        }
    }

    public init?(_ text: String) {
        let words = text.split(separator: " ").map(String.init)
        switch (words.first, words.count) {
        case ("reset", 2): self = .reset(from: words[1])
        case ("world", 2): self = .world(from: words[1])
        case ("clock", 3):
            guard let milliseconds = Int64(words[1]) else { return nil }
            self = .clock(milliseconds: milliseconds, from: words[2])
        default: return nil
        }
    }

    /// The node that sent it.
    public var sender: String {
        switch self {
        case .reset(let node), .world(let node), .clock(_, let node): node
        }
    }
}
