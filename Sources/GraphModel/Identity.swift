/// `microsoft.graph.identity` and its calls-specific derived types, told apart by `@odata.type`.
public struct Identity: GraphObject {
    /// Which identity type this value is.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case identity
        case communicationsApplicationIdentity
        case communicationsApplicationInstanceIdentity
        case communicationsEncryptedIdentity
        case communicationsGuestIdentity
        case communicationsPhoneIdentity
        case communicationsUserIdentity
        case azureCommunicationServicesUserIdentity
    }

    public var kind: Kind
    public var displayName: String?
    public var id: String?
    /// communicationsUserIdentity, communicationsApplicationInstanceIdentity.
    public var tenantId: String?
    /// communicationsApplicationIdentity, communicationsApplicationInstanceIdentity.
    public var hidden: Bool?
    /// communicationsApplicationIdentity.
    public var applicationType: String?
    /// communicationsGuestIdentity.
    public var email: String?
    /// azureCommunicationServicesUserIdentity.
    public var azureCommunicationServicesResourceId: String?
    public var additionalData: [String: JSONValue] = [:]

    public init(kind: Kind = .identity, id: String?, displayName: String? = nil, tenantId: String? = nil) {
        self.kind = kind
        self.id = id
        self.displayName = displayName
        self.tenantId = tenantId
    }

    public var odataTypeName: String? { "#microsoft.graph.\(kind.rawValue)" }

    public init(reading r: inout GraphObjectReader) throws {
        let type = r.odataType
        guard let kind = type.map({ Kind(rawValue: $0.graphTypeName) }) ?? .identity else {
            throw invalidValue(r, odataTypeKey, "'\(type ?? "")' is not an identity type.")
        }
        self.kind = kind
        displayName = try r.read("displayName")
        id = try r.read("id")
        switch kind {
        case .communicationsUserIdentity:
            tenantId = try r.read("tenantId")
        case .communicationsApplicationInstanceIdentity:
            tenantId = try r.read("tenantId")
            hidden = try r.read("hidden")
        case .communicationsApplicationIdentity:
            applicationType = try r.read("applicationType")
            hidden = try r.read("hidden")
        case .communicationsGuestIdentity:
            email = try r.read("email")
        case .azureCommunicationServicesUserIdentity:
            azureCommunicationServicesResourceId = try r.read("azureCommunicationServicesResourceId")
        case .identity, .communicationsEncryptedIdentity, .communicationsPhoneIdentity:
            break
        }
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(displayName, "displayName")
        try w.write(id, "id")
        try w.write(azureCommunicationServicesResourceId, "azureCommunicationServicesResourceId")
        try w.write(applicationType, "applicationType")
        try w.write(hidden, "hidden")
        try w.write(tenantId, "tenantId")
        try w.write(email, "email")
    }
}

extension String {
    /// `#microsoft.graph.call` → `call`; also accepts the form without `#` or namespace.
    /// Found in the UTF-8 bytes ('#' and '.' are ASCII), not by characters: models ask for
    /// it on every object they read.
    public var graphTypeName: String {
        let bytes = utf8
        var start = bytes.startIndex
        if let dot = bytes.lastIndex(of: UInt8(ascii: ".")) {
            start = bytes.index(after: dot)
        } else if bytes.first == UInt8(ascii: "#") {
            start = bytes.index(after: start)
        }
        return String(self[start...])
    }
}
