/// `microsoft.graph.contentSharingSession` (entity, OpenType). v1.0 has only `id`.
public struct ContentSharingSession: GraphObject {
    public var id: String?
    // Beta-only properties.
    public var presenterParticipantId: String?
    public var pngOfCurrentSlide: String?
    public var additionalData: [String: JSONValue] = [:]

    public init(id: String) { self.id = id }

    public var odataTypeName: String? { "#microsoft.graph.contentSharingSession" }

    public init(reading r: inout GraphObjectReader) throws {
        id = try r.read("id")
        presenterParticipantId = try r.read("presenterParticipantId")
        pngOfCurrentSlide = try r.read("pngOfCurrentSlide")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(id, "id")
        try w.writeBeta(presenterParticipantId, "presenterParticipantId")
        try w.writeBeta(pngOfCurrentSlide, "pngOfCurrentSlide")
    }
}

/// `microsoft.graph.audioRoutingGroup` (entity).
public struct AudioRoutingGroup: GraphObject {
    public var id: String?
    public var receivers: [String]?
    public var routingMode: RoutingMode?
    public var sources: [String]?
    public var additionalData: [String: JSONValue] = [:]

    public init(id: String, routingMode: RoutingMode, sources: [String], receivers: [String]) {
        self.id = id
        self.routingMode = routingMode
        self.sources = sources
        self.receivers = receivers
    }

    public var odataTypeName: String? { "#microsoft.graph.audioRoutingGroup" }

    public init(reading r: inout GraphObjectReader) throws {
        id = try r.read("id")
        receivers = try r.read("receivers")
        routingMode = try r.read("routingMode")
        sources = try r.read("sources")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(id, "id")
        try w.write(receivers, "receivers")
        try w.write(routingMode, "routingMode")
        try w.write(sources, "sources")
    }
}

/// `microsoft.graph.deltaParticipants`: the participants changed since the last roster update.
public struct DeltaParticipants: GraphObject {
    public var id: String?
    public var sequenceNumber: Int64?
    public var participants: [Participant]?
    public var additionalData: [String: JSONValue] = [:]

    public init(sequenceNumber: Int64, participants: [Participant]) {
        self.sequenceNumber = sequenceNumber
        self.participants = participants
    }

    public var odataTypeName: String? { "#microsoft.graph.deltaParticipants" }

    public init(reading r: inout GraphObjectReader) throws {
        id = try r.read("id")
        sequenceNumber = try r.read("sequenceNumber")
        participants = try r.read("participants")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(id, "id")
        try w.write(sequenceNumber, "sequenceNumber")
        try w.write(participants, "participants")
    }
}

/// `microsoft.graph.participantJoiningNotification` and `participantLeftNotification`
/// (policy-based recording).
public struct ParticipantRosterNotification: GraphObject {
    public enum Kind: String, Sendable, Hashable {
        case participantJoiningNotification, participantLeftNotification
    }

    public var kind: Kind
    public var id: String?
    /// participantLeftNotification.
    public var participantId: String?
    public var call: Call?
    public var additionalData: [String: JSONValue] = [:]

    public init(kind: Kind, call: Call?, participantId: String? = nil) {
        self.kind = kind
        self.call = call
        self.participantId = participantId
    }

    public var odataTypeName: String? { "#microsoft.graph.\(kind.rawValue)" }

    public init(reading r: inout GraphObjectReader) throws {
        guard let type = r.odataType, let kind = Kind(rawValue: type.graphTypeName) else {
            throw invalidValue(r, odataTypeKey, "Expected participantJoiningNotification or participantLeftNotification.")
        }
        self.kind = kind
        id = try r.read("id")
        if kind == .participantLeftNotification { participantId = try r.read("participantId") }
        call = try r.read("call")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(id, "id")
        try w.write(participantId, "participantId")
        try w.write(call, "call")
    }
}

/// `microsoft.graph.participantJoiningResponse`: what a bot answers to a joining notification.
public struct ParticipantJoiningResponse: GraphObject {
    public enum Kind: String, Sendable, Hashable {
        case acceptJoinResponse, rejectJoinResponse, inviteNewBotResponse
    }

    public var kind: Kind
    /// rejectJoinResponse.
    public var reason: RejectReason?
    /// inviteNewBotResponse.
    public var inviteUri: String?
    public var additionalData: [String: JSONValue] = [:]

    public init(kind: Kind) { self.kind = kind }

    public var odataTypeName: String? { "#microsoft.graph.\(kind.rawValue)" }

    public init(reading r: inout GraphObjectReader) throws {
        guard let type = r.odataType, let kind = Kind(rawValue: type.graphTypeName) else {
            throw invalidValue(r, odataTypeKey, "Expected acceptJoinResponse, rejectJoinResponse or inviteNewBotResponse.")
        }
        self.kind = kind
        switch kind {
        case .rejectJoinResponse: reason = try r.read("reason")
        case .inviteNewBotResponse: inviteUri = try r.read("inviteUri")
        case .acceptJoinResponse: break
        }
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(reason, "reason")
        try w.write(inviteUri, "inviteUri")
    }
}
