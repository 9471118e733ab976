/// `microsoft.graph.participantInfo`.
public struct ParticipantInfo: GraphObject {
    @Indirect public var identity: IdentitySet?
    public var countryCode: String?
    public var endpointType: EndpointType?
    public var languageId: String?
    public var participantId: String?
    public var region: String?
    /// Beta: `platformId`.
    public var platformId: String?
    public var additionalData: [String: JSONValue] = [:]

    public init(identity: IdentitySet?, languageId: String? = nil, region: String? = nil) {
        self.identity = identity
        self.languageId = languageId
        self.region = region
    }

    public var odataTypeName: String? { "#microsoft.graph.participantInfo" }

    public init(reading r: inout GraphObjectReader) throws {
        identity = try r.read("identity")
        countryCode = try r.read("countryCode")
        endpointType = try r.read("endpointType")
        languageId = try r.read("languageId")
        participantId = try r.read("participantId")
        region = try r.read("region")
        platformId = try r.read("platformId")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(countryCode, "countryCode")
        try w.write(endpointType, "endpointType")
        try w.write(identity, "identity")
        try w.write(languageId, "languageId")
        try w.write(participantId, "participantId")
        try w.write(region, "region")
        try w.writeBeta(platformId, "platformId")
    }
}

/// `microsoft.graph.invitationParticipantInfo` (OpenType).
public struct InvitationParticipantInfo: GraphObject {
    @Indirect public var identity: IdentitySet?
    public var hidden: Bool?
    public var participantId: String?
    public var removeFromDefaultAudioRoutingGroup: Bool?
    public var replacesCallId: String?
    /// Beta: `endpointType`.
    public var endpointType: EndpointType?
    public var additionalData: [String: JSONValue] = [:]

    public init(identity: IdentitySet?) { self.identity = identity }

    public var odataTypeName: String? { "#microsoft.graph.invitationParticipantInfo" }

    /// seed003 types a call's target as participantInfo: read as the invitation it is.
    public func accepts(typeName: String) -> Bool {
        ["invitationparticipantinfo", "participantinfo"].contains(typeName.lowercased())
    }

    public init(reading r: inout GraphObjectReader) throws {
        identity = try r.read("identity")
        hidden = try r.read("hidden")
        participantId = try r.read("participantId")
        removeFromDefaultAudioRoutingGroup = try r.read("removeFromDefaultAudioRoutingGroup")
        replacesCallId = try r.read("replacesCallId")
        endpointType = try r.read("endpointType")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(hidden, "hidden")
        try w.write(identity, "identity")
        try w.write(participantId, "participantId")
        try w.write(removeFromDefaultAudioRoutingGroup, "removeFromDefaultAudioRoutingGroup")
        try w.write(replacesCallId, "replacesCallId")
        try w.writeBeta(endpointType, "endpointType")
    }
}
