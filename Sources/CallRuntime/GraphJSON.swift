import Foundation
import GraphModel

/// The JSON coders every wire payload goes through, so responses and notifications are
/// written alike (no escaped slashes, the profile in effect).
public enum GraphJSON {
    /// An encoder writing for `profile`.
    public static func encoder(_ profile: GraphWireProfile) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        encoder.userInfo[.graphWireProfile] = profile
        return encoder
    }
}
