/// `microsoft.graph.identitySet` and `microsoft.graph.communicationsIdentitySet`.
///
/// A set that carries any communications-only identity (phone, application instance, guest,
/// encrypted, …) is written as `communicationsIdentitySet`, whatever it was read as: Graph's
/// own examples put those keys on a plain `identitySet` as open properties.
public struct IdentitySet: GraphObject {
    @Indirect public var application: Identity?
    @Indirect public var device: Identity?
    @Indirect public var user: Identity?
    @Indirect public var applicationInstance: Identity?
    @Indirect public var assertedIdentity: Identity?
    @Indirect public var azureCommunicationServicesUser: Identity?
    @Indirect public var encrypted: Identity?
    public var endpointType: EndpointType?
    @Indirect public var guest: Identity?
    @Indirect public var onPremises: Identity?
    @Indirect public var phone: Identity?
    /// Whether the input named `communicationsIdentitySet`.
    public var declaredCommunications = false
    public var additionalData: [String: JSONValue] = [:]

    public init(application: Identity? = nil, user: Identity? = nil, phone: Identity? = nil, applicationInstance: Identity? = nil) {
        self.application = application
        self.user = user
        self.phone = phone
        self.applicationInstance = applicationInstance
    }

    /// Whether this set is a `communicationsIdentitySet` on the wire.
    public var isCommunications: Bool {
        declaredCommunications || applicationInstance != nil || assertedIdentity != nil
            || azureCommunicationServicesUser != nil || encrypted != nil || endpointType != nil
            || guest != nil || onPremises != nil || phone != nil
    }

    /// Read as either name: a set is written as whichever its contents call for.
    public func accepts(typeName: String) -> Bool {
        ["identityset", "communicationsidentityset"].contains(typeName.lowercased())
    }

    public var odataTypeName: String? {
        isCommunications ? "#microsoft.graph.communicationsIdentitySet" : "#microsoft.graph.identitySet"
    }

    public init(reading r: inout GraphObjectReader) throws {
        if let type = r.odataType {
            switch type.graphTypeName {
            case "identitySet": declaredCommunications = false
            case "communicationsIdentitySet": declaredCommunications = true
            default: throw invalidValue(r, odataTypeKey, "'\(type)' is not an identitySet type.")
            }
        }
        application = try r.read("application")
        device = try r.read("device")
        user = try r.read("user")
        applicationInstance = try r.read("applicationInstance")
        assertedIdentity = try r.read("assertedIdentity")
        azureCommunicationServicesUser = try r.read("azureCommunicationServicesUser")
        encrypted = try r.read("encrypted")
        endpointType = try r.read("endpointType")
        guest = try r.read("guest")
        onPremises = try r.read("onPremises")
        phone = try r.read("phone")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(application, "application")
        try w.write(device, "device")
        try w.write(user, "user")
        try w.write(applicationInstance, "applicationInstance")
        try w.write(assertedIdentity, "assertedIdentity")
        try w.write(azureCommunicationServicesUser, "azureCommunicationServicesUser")
        try w.write(encrypted, "encrypted")
        try w.write(endpointType, "endpointType")
        try w.write(guest, "guest")
        try w.write(onPremises, "onPremises")
        try w.write(phone, "phone")
    }

}
