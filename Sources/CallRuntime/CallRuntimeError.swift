import CallEngine

/// Why the runtime refused a command. The server maps each case to Graph's wire error in
/// one place.
public enum CallRuntimeError: Error, Sendable, Hashable {
    /// No call with this id for this application.
    case callNotFound(String)
    /// The request is well-formed JSON but not an acceptable call (HTTP 400).
    case invalidRequest(String)
    /// The caller may not do this (HTTP 403) with Graph's calls error code.
    case forbidden(code: String, message: String)
    /// The meeting the request names does not exist (HTTP 404).
    case meetingNotFound(String)
    /// The request conflicts with the state of things (HTTP 409), with a code of Switchboard's.
    case conflict(code: String, message: String)
    /// Graph supports it, Switchboard does not yet (HTTP 501).
    case notSupportedYet(String)
    /// The engine refused the input.
    case engine(CallEngineError)
}

/// The application a request acts for, as its access token names it.
public struct CallerApp: Sendable, Hashable {
    public var appId: String
    public var tenantId: String
    public var displayName: String
    public var permissions: [String]

    public init(appId: String, tenantId: String, displayName: String, permissions: [String]) {
        self.appId = appId
        self.tenantId = tenantId
        self.displayName = displayName
        self.permissions = permissions
    }

    func holds(any names: [String]) -> Bool {
        names.contains { name in permissions.contains { $0.lowercased() == name.lowercased() } }
    }
}
