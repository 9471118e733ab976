/// A Graph enumeration: written with its canonical member name, read case-insensitively
/// (Graph treats enum values as case-insensitive), and an unknown member is an error.
public protocol GraphEnum: RawRepresentable<String>, Codable, Sendable, Hashable, CaseIterable {
    /// The metadata name of the enumeration, for error messages.
    static var graphName: String { get }
}

extension GraphEnum {
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(memberName: raw) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "'\(raw)' is not a member of \(Self.graphName)."
            ))
        }
        self = value
    }

    /// The member named `raw`: as spelled in the metadata (the usual case), else in any case.
    init?(memberName raw: String) {
        if let exact = Self(rawValue: raw) {
            self = exact
            return
        }
        let lowered = raw.lowercased()
        guard let value = Self.allCases.first(where: { $0.rawValue.lowercased() == lowered }) else { return nil }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

