import CallRuntime

/// The application permissions an action needs beyond those of the call itself (any one of
/// them), from the reference's permission map: media operations need `Calls.AccessMedia.All`,
/// invitations `Calls.InitiateGroupCall.All`, transfers and redirects an initiate permission.
/// Creating calls and answering check theirs where the kind of call is known.
enum ActionPermissions {
    static let accessMedia = "Calls.AccessMedia.All"
    static let initiate = "Calls.Initiate.All"
    static let initiateGroup = "Calls.InitiateGroupCall.All"
    static let joinGroup = "Calls.JoinGroupCall.All"

    static let byAction: [String: [String]] = [
        "recordResponse": [accessMedia], "record": [accessMedia],
        "subscribeToTone": [accessMedia], "sendDtmfTones": [accessMedia],
        "changeScreenSharingRole": [accessMedia],
        "updateRecordingStatus": [accessMedia, joinGroup],
        "logTeleconferenceDeviceQuality": [accessMedia],
        "transfer": [initiate, initiateGroup], "redirect": [initiate, initiateGroup],
        "invite": [initiateGroup],
    ]

    /// Refuses `action` with Graph's 403 when the caller holds none of its permissions.
    static func check(_ action: String, _ caller: CallerApp) throws {
        guard let needed = byAction[action], !needed.contains(where: { name in caller.permissions.contains { $0.lowercased() == name.lowercased() } }) else {
            return
        }
        throw GraphError(.forbidden, code: "7504",
                         message: "Insufficient enterprise tenant permissions, cannot access this API. '\(action)' needs \(needed.joined(separator: " or ")).")
    }
}
