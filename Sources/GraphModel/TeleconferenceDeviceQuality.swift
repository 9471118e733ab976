/// `microsoft.graph.teleconferenceDeviceQuality` (OpenType): the body of
/// `logTeleconferenceDeviceQuality`.
public struct TeleconferenceDeviceQuality: GraphObject {
    public var callChainId: String?
    public var cloudServiceDeploymentEnvironment: String?
    public var cloudServiceDeploymentId: String?
    public var cloudServiceInstanceName: String?
    public var cloudServiceName: String?
    public var deviceDescription: String?
    public var deviceName: String?
    public var mediaLegId: String?
    public var mediaQualityList: [TeleconferenceDeviceMediaQuality]?
    public var participantId: String?
    public var additionalData: [String: JSONValue] = [:]

    public init() {}
    public var odataTypeName: String? { "#microsoft.graph.teleconferenceDeviceQuality" }

    public init(reading r: inout GraphObjectReader) throws {
        callChainId = try r.read("callChainId")
        cloudServiceDeploymentEnvironment = try r.read("cloudServiceDeploymentEnvironment")
        cloudServiceDeploymentId = try r.read("cloudServiceDeploymentId")
        cloudServiceInstanceName = try r.read("cloudServiceInstanceName")
        cloudServiceName = try r.read("cloudServiceName")
        deviceDescription = try r.read("deviceDescription")
        deviceName = try r.read("deviceName")
        mediaLegId = try r.read("mediaLegId")
        mediaQualityList = try r.read("mediaQualityList")
        participantId = try r.read("participantId")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(callChainId, "callChainId")
        try w.write(cloudServiceDeploymentEnvironment, "cloudServiceDeploymentEnvironment")
        try w.write(cloudServiceDeploymentId, "cloudServiceDeploymentId")
        try w.write(cloudServiceInstanceName, "cloudServiceInstanceName")
        try w.write(cloudServiceName, "cloudServiceName")
        try w.write(deviceDescription, "deviceDescription")
        try w.write(deviceName, "deviceName")
        try w.write(mediaLegId, "mediaLegId")
        try w.write(mediaQualityList, "mediaQualityList")
        try w.write(participantId, "participantId")
    }
}

/// `microsoft.graph.teleconferenceDeviceMediaQuality` and its audio, video and
/// screen-sharing subtypes. Durations are ISO 8601 strings, as on the wire.
public struct TeleconferenceDeviceMediaQuality: GraphObject {
    public enum Kind: String, Sendable, Hashable {
        case teleconferenceDeviceAudioQuality, teleconferenceDeviceVideoQuality, teleconferenceDeviceScreenSharingQuality
    }

    /// The base type's properties, by name, in metadata order.
    public static let baseProperties = [
        "averageInboundJitter", "averageInboundPacketLossRateInPercentage", "averageInboundRoundTripDelay",
        "averageOutboundJitter", "averageOutboundPacketLossRateInPercentage", "averageOutboundRoundTripDelay",
        "channelIndex", "inboundPackets", "localIPAddress", "localPort", "maximumInboundJitter",
        "maximumInboundPacketLossRateInPercentage", "maximumInboundRoundTripDelay", "maximumOutboundJitter",
        "maximumOutboundPacketLossRateInPercentage", "maximumOutboundRoundTripDelay", "mediaDuration",
        "networkLinkSpeedInBytes", "outboundPackets", "remoteIPAddress", "remotePort",
    ]
    /// The video (and screen-sharing) subtype's extra properties.
    public static let videoProperties = [
        "averageInboundBitRate", "averageInboundFrameRate", "averageOutboundBitRate", "averageOutboundFrameRate",
    ]

    public var kind: Kind
    /// The schema properties present, by name (numbers, strings or durations as sent).
    public var properties: [String: JSONValue]
    public var additionalData: [String: JSONValue] = [:]

    public init(kind: Kind, properties: [String: JSONValue]) {
        self.kind = kind
        self.properties = properties
    }

    public var odataTypeName: String? { "#microsoft.graph.\(kind.rawValue)" }

    public init(reading r: inout GraphObjectReader) throws {
        guard let type = r.odataType, let kind = Kind(rawValue: type.graphTypeName) else {
            throw invalidValue(r, odataTypeKey, "mediaQualityList items need an @odata.type: teleconferenceDeviceAudioQuality, teleconferenceDeviceVideoQuality or teleconferenceDeviceScreenSharingQuality.")
        }
        self.kind = kind
        let names = Self.baseProperties + (kind == .teleconferenceDeviceAudioQuality ? [] : Self.videoProperties)
        var properties: [String: JSONValue] = [:]
        for name in names {
            if let value: JSONValue = try r.read(name), value != .null { properties[name] = value }
        }
        self.properties = properties
    }

    public func write(to w: inout GraphObjectWriter) throws {
        for name in properties.keys.sorted() { try w.write(properties[name], name) }
    }
}
