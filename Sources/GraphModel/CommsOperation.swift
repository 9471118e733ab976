/// `microsoft.graph.commsOperation` and every subtype, told apart by `@odata.type`.
public struct CommsOperation: GraphObject {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case commsOperation
        case addLargeGalleryViewOperation
        case cancelMediaProcessingOperation
        case inviteParticipantsOperation
        case muteParticipantOperation
        case unmuteParticipantOperation
        case playPromptOperation
        case recordOperation
        case sendDtmfTonesOperation
        case startHoldMusicOperation
        case stopHoldMusicOperation
        case subscribeToToneOperation
        case updateRecordingStatusOperation
        // Beta-only subtypes.
        case muteParticipantsOperation
        case startRecordingOperation
        case stopRecordingOperation
    }

    public var kind: Kind
    public var id: String?
    public var clientContext: String?
    public var resultInfo: ResultInfo?
    public var status: OperationStatus?
    /// inviteParticipantsOperation (v1.0); muteParticipantsOperation uses ids (beta, kept open).
    public var participants: [InvitationParticipantInfo]?
    /// recordOperation.
    public var recordingAccessToken: String?
    /// recordOperation.
    public var recordingLocation: String?
    /// sendDtmfTonesOperation (v1.0: sendDtmfCompletionReason); beta also on
    /// playPromptOperation and recordOperation, with their own enums.
    public var completionReason: String?
    public var additionalData: [String: JSONValue] = [:]

    public init(kind: Kind, id: String, status: OperationStatus, clientContext: String? = nil) {
        self.kind = kind
        self.id = id
        self.status = status
        self.clientContext = clientContext
    }

    public var odataTypeName: String? { "#microsoft.graph.\(kind.rawValue)" }

    public init(reading r: inout GraphObjectReader) throws {
        let type = r.odataType
        guard let kind = type.map({ Kind(rawValue: $0.graphTypeName) }) ?? .commsOperation else {
            throw invalidValue(r, odataTypeKey, "'\(type ?? "")' is not a commsOperation type.")
        }
        self.kind = kind
        id = try r.read("id")
        clientContext = try r.read("clientContext")
        resultInfo = try r.read("resultInfo")
        status = try r.read("status")
        switch kind {
        case .inviteParticipantsOperation:
            participants = try r.read("participants")
        case .recordOperation:
            recordingAccessToken = try r.read("recordingAccessToken")
            recordingLocation = try r.read("recordingLocation")
            completionReason = try r.read("completionReason")
        case .sendDtmfTonesOperation:
            completionReason = try r.read("completionReason", as: SendDtmfCompletionReason.self)?.rawValue
        case .playPromptOperation:
            completionReason = try r.read("completionReason")
        default:
            break
        }
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(id, "id")
        try w.write(clientContext, "clientContext")
        try w.write(resultInfo, "resultInfo")
        try w.write(status, "status")
        try w.write(participants, "participants")
        try w.write(recordingAccessToken, "recordingAccessToken")
        try w.write(recordingLocation, "recordingLocation")
        if kind == .sendDtmfTonesOperation {
            try w.write(completionReason, "completionReason")
        } else {
            try w.writeBeta(completionReason, "completionReason")
        }
    }
}
