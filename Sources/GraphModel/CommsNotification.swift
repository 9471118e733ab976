/// An entity carried in a notification's `resourceData`, chosen by its `@odata.type`.
public enum GraphResource: Codable, Sendable, Hashable {
    case call(Call)
    case participant(Participant)
    case deltaParticipants(DeltaParticipants)
    case operation(CommsOperation)
    case contentSharingSession(ContentSharingSession)
    case participantRosterNotification(ParticipantRosterNotification)
    /// A value of a type this model does not know; kept as it came.
    case other(JSONValue)

    public init(from decoder: any Decoder) throws {
        let type = try JSONValue(from: decoder)["@odata.type"]?.stringValue?.graphTypeName
        switch type {
        case "call": self = .call(try Call(from: decoder))
        case "participant": self = .participant(try Participant(from: decoder))
        case "deltaParticipants": self = .deltaParticipants(try DeltaParticipants(from: decoder))
        case "contentSharingSession": self = .contentSharingSession(try ContentSharingSession(from: decoder))
        case "participantJoiningNotification", "participantLeftNotification":
            self = .participantRosterNotification(try ParticipantRosterNotification(from: decoder))
        case let name? where CommsOperation.Kind(rawValue: name) != nil:
            self = .operation(try CommsOperation(from: decoder))
        default: self = .other(try JSONValue(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .call(let value): try value.encode(to: encoder)
        case .participant(let value): try value.encode(to: encoder)
        case .deltaParticipants(let value): try value.encode(to: encoder)
        case .operation(let value): try value.encode(to: encoder)
        case .contentSharingSession(let value): try value.encode(to: encoder)
        case .participantRosterNotification(let value): try value.encode(to: encoder)
        case .other(let value): try value.encode(to: encoder)
        }
    }
}

/// A notification's `resourceData`: one entity, or a collection (rosters, content sharing).
public enum ResourceData: Codable, Sendable, Hashable {
    case single(GraphResource)
    case collection([GraphResource])

    public init(from decoder: any Decoder) throws {
        if let list = try? [GraphResource](from: decoder) {
            self = .collection(list)
        } else {
            self = .single(try GraphResource(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .single(let value): try value.encode(to: encoder)
        case .collection(let values): try values.encode(to: encoder)
        }
    }
}

/// `microsoft.graph.commsNotification` (OpenType). `resourceData` is an open property that
/// every calls notification carries; `resource` (legacy `/app/...` path) and `callbackUri`
/// appear in Graph's own notifications beside it.
public struct CommsNotification: GraphObject {
    public var changeType: ChangeType?
    public var resourceUrl: String?
    public var resource: String?
    public var callbackUri: String?
    public var resourceData: ResourceData?
    public var additionalData: [String: JSONValue] = [:]

    public init(changeType: ChangeType, resourceUrl: String, resourceData: ResourceData?, resource: String? = nil, callbackUri: String? = nil) {
        self.changeType = changeType
        self.resourceUrl = resourceUrl
        self.resourceData = resourceData
        self.resource = resource
        self.callbackUri = callbackUri
    }

    public var odataTypeName: String? { "#microsoft.graph.commsNotification" }

    public init(reading r: inout GraphObjectReader) throws {
        changeType = try r.read("changeType")
        resourceUrl = try r.read("resourceUrl")
        resource = try r.read("resource")
        callbackUri = try r.read("callbackUri")
        resourceData = try r.read("resourceData")
    }

    /// Notifications are written whole on every profile: the open properties Graph sends
    /// (`resource`, `callbackUri`, `resourceData`) are part of the contract bots rely on.
    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(changeType, "changeType")
        try w.write(resourceUrl, "resourceUrl")
        try w.write(resource, "resource")
        try w.write(callbackUri, "callbackUri")
        try w.write(resourceData, "resourceData")
    }
}

/// `microsoft.graph.commsNotifications`: the body of every callback POST.
public struct CommsNotifications: GraphObject {
    public var value: [CommsNotification]
    public var additionalData: [String: JSONValue] = [:]

    public init(value: [CommsNotification]) { self.value = value }

    public var odataTypeName: String? { "#microsoft.graph.commsNotifications" }

    public init(reading r: inout GraphObjectReader) throws {
        value = try r.read("value") ?? []
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(value, "value")
    }
}
