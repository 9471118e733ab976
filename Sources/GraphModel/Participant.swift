/// `microsoft.graph.participant` (entity).
public struct Participant: GraphObject {
    public var id: String?
    @Indirect public var info: ParticipantInfo?
    public var isInLobby: Bool?
    public var isMuted: Bool?
    public var mediaStreams: [MediaStream]?
    public var metadata: String?
    @Indirect public var recordingInfo: RecordingInfo?
    public var removedState: RemovedState?
    @Indirect public var restrictedExperience: OnlineMeetingRestricted?
    public var rosterSequenceNumber: Int64?
    // Beta-only properties.
    public var isIdentityAnonymized: Bool?
    public var preferredDisplayName: String?
    public var additionalData: [String: JSONValue] = [:]

    public init(id: String, info: ParticipantInfo, isInLobby: Bool = false, isMuted: Bool = false, mediaStreams: [MediaStream]? = nil) {
        self.id = id
        self.info = info
        self.isInLobby = isInLobby
        self.isMuted = isMuted
        self.mediaStreams = mediaStreams
    }

    public var odataTypeName: String? { "#microsoft.graph.participant" }

    public init(reading r: inout GraphObjectReader) throws {
        if let type = r.odataType, type.graphTypeName != "participant" {
            throw invalidValue(r, odataTypeKey, "'\(type)' is not a participant.")
        }
        id = try r.read("id")
        info = try r.read("info")
        isInLobby = try r.read("isInLobby")
        isMuted = try r.read("isMuted")
        mediaStreams = try r.read("mediaStreams")
        metadata = try r.read("metadata")
        recordingInfo = try r.read("recordingInfo")
        removedState = try r.read("removedState")
        restrictedExperience = try r.read("restrictedExperience")
        rosterSequenceNumber = try r.read("rosterSequenceNumber")
        isIdentityAnonymized = try r.read("isIdentityAnonymized")
        preferredDisplayName = try r.read("preferredDisplayName")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(id, "id")
        try w.write(info, "info")
        try w.write(isInLobby, "isInLobby")
        try w.write(isMuted, "isMuted")
        try w.write(mediaStreams, "mediaStreams")
        try w.write(metadata, "metadata")
        try w.write(recordingInfo, "recordingInfo")
        try w.write(removedState, "removedState")
        try w.write(restrictedExperience, "restrictedExperience")
        try w.write(rosterSequenceNumber, "rosterSequenceNumber")
        try w.writeBeta(isIdentityAnonymized, "isIdentityAnonymized")
        try w.writeBeta(preferredDisplayName, "preferredDisplayName")
    }
}
