/// `microsoft.graph.mediaStream`.
public struct MediaStream: GraphObject {
    public var direction: MediaDirection?
    public var label: String?
    public var mediaType: Modality?
    public var serverMuted: Bool?
    public var sourceId: String?
    public var additionalData: [String: JSONValue] = [:]

    public init(mediaType: Modality, label: String?, sourceId: String, direction: MediaDirection, serverMuted: Bool = false) {
        self.mediaType = mediaType
        self.label = label
        self.sourceId = sourceId
        self.direction = direction
        self.serverMuted = serverMuted
    }

    public var odataTypeName: String? { "#microsoft.graph.mediaStream" }

    public init(reading r: inout GraphObjectReader) throws {
        direction = try r.read("direction")
        label = try r.read("label")
        mediaType = try r.read("mediaType")
        serverMuted = try r.read("serverMuted")
        sourceId = try r.read("sourceId")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(direction, "direction")
        try w.write(label, "label")
        try w.write(mediaType, "mediaType")
        try w.write(serverMuted, "serverMuted")
        try w.write(sourceId, "sourceId")
    }
}

/// `microsoft.graph.recordingInfo`.
public struct RecordingInfo: GraphObject {
    public var initiator: IdentitySet?
    public var recordingStatus: RecordingStatus?
    public var additionalData: [String: JSONValue] = [:]

    public init(recordingStatus: RecordingStatus, initiator: IdentitySet? = nil) {
        self.recordingStatus = recordingStatus
        self.initiator = initiator
    }

    public var odataTypeName: String? { "#microsoft.graph.recordingInfo" }

    public init(reading r: inout GraphObjectReader) throws {
        initiator = try r.read("initiator")
        recordingStatus = try r.read("recordingStatus")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(initiator, "initiator")
        try w.write(recordingStatus, "recordingStatus")
    }
}

/// `microsoft.graph.removedState`.
public struct RemovedState: GraphObject {
    public var reason: String?
    public var additionalData: [String: JSONValue] = [:]

    public init(reason: String?) { self.reason = reason }

    public var odataTypeName: String? { "#microsoft.graph.removedState" }

    public init(reading r: inout GraphObjectReader) throws {
        reason = try r.read("reason")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(reason, "reason")
    }
}

/// `microsoft.graph.onlineMeetingRestricted`.
public struct OnlineMeetingRestricted: GraphObject {
    public var contentSharingDisabled: OnlineMeetingDisabledReason?
    public var videoDisabled: OnlineMeetingDisabledReason?
    public var additionalData: [String: JSONValue] = [:]

    public init() {}

    public var odataTypeName: String? { "#microsoft.graph.onlineMeetingRestricted" }

    public init(reading r: inout GraphObjectReader) throws {
        contentSharingDisabled = try r.read("contentSharingDisabled")
        videoDisabled = try r.read("videoDisabled")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(contentSharingDisabled, "contentSharingDisabled")
        try w.write(videoDisabled, "videoDisabled")
    }
}
