import Foundation
import GraphModel

/// The JSON coders every wire payload goes through, so responses and notifications are
/// written alike: properties in the order the model writes them (Graph's), no escaped
/// slashes, the profile in effect. The same value always gives the same bytes.
public enum GraphJSON {
    /// An encoder writing for `profile`.
    public static func encoder(_ profile: GraphWireProfile) -> GraphJSONEncoder {
        GraphJSONEncoder(profile: profile)
    }
}

/// Writes wire payloads for one ``GraphWireProfile`` with ``OrderedJSONEncoder``.
public struct GraphJSONEncoder: Sendable {
    private let encoder: OrderedJSONEncoder

    public init(profile: GraphWireProfile) {
        encoder = OrderedJSONEncoder(userInfo: [.graphWireProfile: profile])
    }

    /// The JSON text of `value`.
    public func encode<T: Encodable>(_ value: T) throws -> Data {
        Data(try encoder.encodeBytes(value))
    }
}
