/// `microsoft.graph.callRoute`: how a call was retargeted.
public struct CallRoute: GraphObject {
    public var final: IdentitySet?
    public var original: IdentitySet?
    public var routingType: RoutingType?
    public var additionalData: [String: JSONValue] = [:]

    public init(final: IdentitySet, original: IdentitySet, routingType: RoutingType) {
        self.final = final
        self.original = original
        self.routingType = routingType
    }

    public var odataTypeName: String? { "#microsoft.graph.callRoute" }

    public init(reading r: inout GraphObjectReader) throws {
        final = try r.read("final")
        original = try r.read("original")
        routingType = try r.read("routingType")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(final, "final")
        try w.write(original, "original")
        try w.write(routingType, "routingType")
    }
}

/// `microsoft.graph.incomingContext`.
public struct IncomingContext: GraphObject {
    public var observedParticipantId: String?
    public var onBehalfOf: IdentitySet?
    public var sourceParticipantId: String?
    public var transferor: IdentitySet?
    public var additionalData: [String: JSONValue] = [:]

    public init() {}

    public var odataTypeName: String? { "#microsoft.graph.incomingContext" }

    public init(reading r: inout GraphObjectReader) throws {
        observedParticipantId = try r.read("observedParticipantId")
        onBehalfOf = try r.read("onBehalfOf")
        sourceParticipantId = try r.read("sourceParticipantId")
        transferor = try r.read("transferor")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(observedParticipantId, "observedParticipantId")
        try w.write(onBehalfOf, "onBehalfOf")
        try w.write(sourceParticipantId, "sourceParticipantId")
        try w.write(transferor, "transferor")
    }
}
