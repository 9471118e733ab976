/// `microsoft.graph.resultInfo`. Graph's examples sometimes send `code`/`subcode` as strings
/// and spell `subcode` as `subCode`; both are read, numbers and `subcode` are written.
public struct ResultInfo: GraphObject {
    public var code: Int
    public var subcode: Int
    public var message: String?
    public var additionalData: [String: JSONValue] = [:]

    public init(code: Int, subcode: Int, message: String?) {
        self.code = code
        self.subcode = subcode
        self.message = message
    }

    public var odataTypeName: String? { "#microsoft.graph.resultInfo" }

    public init(reading r: inout GraphObjectReader) throws {
        code = try Self.lenientInt(&r, "code", alias: nil) ?? 0
        subcode = try Self.lenientInt(&r, "subcode", alias: "subCode") ?? 0
        message = try r.read("message")
    }

    private static func lenientInt(_ r: inout GraphObjectReader, _ key: String, alias: String?) throws -> Int? {
        for name in [key, alias].compactMap({ $0 }) where r.has(name) {
            switch try r.read(name, as: JSONValue.self) {
            case .number(let value)?:
                // Converted only when it is one: Int(1e300) would trap.
                guard let number = Int32(exactly: value) else { throw invalidValue(r, name, "\(value) is not an Int32.") }
                return Int(number)
            case .string(let value)?:
                guard let number = Int32(value) else { throw invalidValue(r, name, "'\(value)' is not an Int32.") }
                return Int(number)
            case nil, .null?: return nil
            default: throw invalidValue(r, name, "Expected an Int32.")
            }
        }
        return nil
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(code, "code")
        try w.write(message, "message")
        try w.write(subcode, "subcode")
    }
}

/// `microsoft.graph.toneInfo`: the last DTMF tone received.
public struct ToneInfo: GraphObject {
    public var sequenceId: Int64
    public var tone: Tone
    public var additionalData: [String: JSONValue] = [:]

    public init(sequenceId: Int64, tone: Tone) {
        self.sequenceId = sequenceId
        self.tone = tone
    }

    public var odataTypeName: String? { "#microsoft.graph.toneInfo" }

    public init(reading r: inout GraphObjectReader) throws {
        sequenceId = try r.read("sequenceId") ?? 0
        guard let tone: Tone = try r.read("tone") else { throw invalidValue(r, "tone", "toneInfo needs a tone.") }
        self.tone = tone
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(sequenceId, "sequenceId")
        try w.write(tone, "tone")
    }
}

/// `microsoft.graph.callTranscriptionInfo`.
public struct CallTranscriptionInfo: GraphObject {
    public var state: CallTranscriptionState?
    public var lastModifiedDateTime: String?
    public var additionalData: [String: JSONValue] = [:]

    public init(state: CallTranscriptionState, lastModifiedDateTime: String?) {
        self.state = state
        self.lastModifiedDateTime = lastModifiedDateTime
    }

    public var odataTypeName: String? { "#microsoft.graph.callTranscriptionInfo" }

    public init(reading r: inout GraphObjectReader) throws {
        state = try r.read("state")
        lastModifiedDateTime = try r.read("lastModifiedDateTime")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(state, "state")
        try w.write(lastModifiedDateTime, "lastModifiedDateTime")
    }
}

/// `microsoft.graph.callMediaState`.
public struct CallMediaState: GraphObject {
    public var audio: MediaState?
    public var additionalData: [String: JSONValue] = [:]

    public init(audio: MediaState?) { self.audio = audio }

    public var odataTypeName: String? { "#microsoft.graph.callMediaState" }

    public init(reading r: inout GraphObjectReader) throws {
        audio = try r.read("audio")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(audio, "audio")
    }
}
