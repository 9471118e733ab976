import HTTPTypes

/// One route whose request decoding is fuzzed: a fuzz input is a route index (its first
/// byte) and a body (the rest).
struct FuzzRoute: Sendable {
    var method: HTTPRequest.Method
    /// `{id}` is a live outgoing call, `{incoming}` a call ringing at the bot, `{pid}` a
    /// participant of `{id}`.
    var path: String
    var contentType = "application/json"

    static let graph: [FuzzRoute] = [
        FuzzRoute(method: .post, path: "/v1.0/communications/calls"),
        FuzzRoute(method: .post, path: "/beta/communications/calls"),
        FuzzRoute(method: .post, path: "/beta/app/calls"),
        FuzzRoute(method: .post, path: "/v1.0/communications/calls/logTeleconferenceDeviceQuality"),
        FuzzRoute(method: .post, path: "/v1.0/communications/calls/{incoming}/answer"),
        FuzzRoute(method: .post, path: "/beta/communications/calls/{incoming}/answer"),
        FuzzRoute(method: .post, path: "/v1.0/communications/calls/{incoming}/reject"),
        FuzzRoute(method: .post, path: "/v1.0/communications/calls/{incoming}/redirect"),
        FuzzRoute(method: .post, path: "/v1.0/communications/calls/{id}/transfer"),
        FuzzRoute(method: .post, path: "/v1.0/communications/calls/{id}/keepAlive"),
        FuzzRoute(method: .post, path: "/v1.0/communications/calls/{id}/mute"),
        FuzzRoute(method: .post, path: "/v1.0/communications/calls/{id}/unmute"),
        FuzzRoute(method: .post, path: "/v1.0/communications/calls/{id}/playPrompt"),
        FuzzRoute(method: .post, path: "/v1.0/communications/calls/{id}/recordResponse"),
        FuzzRoute(method: .post, path: "/v1.0/communications/calls/{id}/cancelMediaProcessing"),
        FuzzRoute(method: .post, path: "/v1.0/communications/calls/{id}/subscribeToTone"),
        FuzzRoute(method: .post, path: "/v1.0/communications/calls/{id}/sendDtmfTones"),
        FuzzRoute(method: .post, path: "/v1.0/communications/calls/{id}/updateRecordingStatus"),
        FuzzRoute(method: .post, path: "/v1.0/communications/calls/{id}/changeScreenSharingRole"),
        FuzzRoute(method: .post, path: "/v1.0/communications/calls/{id}/addLargeGalleryView"),
        FuzzRoute(method: .post, path: "/v1.0/communications/calls/{id}/participants/invite"),
        FuzzRoute(method: .post, path: "/beta/app/calls/{id}/participants/invite"),
        FuzzRoute(method: .post, path: "/v1.0/communications/calls/{id}/participants/{pid}/mute"),
        FuzzRoute(method: .post, path: "/v1.0/communications/calls/{id}/participants/{pid}/startHoldMusic"),
        FuzzRoute(method: .post, path: "/v1.0/communications/calls/{id}/participants/{pid}/stopHoldMusic"),
        FuzzRoute(method: .post, path: "/v1.0/communications/calls/{id}/audioRoutingGroups"),
        FuzzRoute(method: .post, path: "/v1.0/communications/calls/{id}/contentSharingSessions"),
        FuzzRoute(method: .put, path: "/v1.0/communications/calls/{id}"),
        FuzzRoute(method: .patch, path: "/v1.0/communications/calls/{id}"),
    ]

    static let control: [FuzzRoute] = [
        FuzzRoute(method: .post, path: "/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token", contentType: "application/x-www-form-urlencoded"),
        FuzzRoute(method: .post, path: "/_switchboard/incoming-calls"),
        FuzzRoute(method: .post, path: "/_switchboard/calls/{id}/far-end"),
        FuzzRoute(method: .post, path: "/_switchboard/meetings/seed-meeting/attendees"),
        FuzzRoute(method: .post, path: "/_switchboard/clock/advance"),
        FuzzRoute(method: .post, path: "/_switchboard/dead-letters/redeliver"),
        FuzzRoute(method: .put, path: "/_switchboard/snapshot"),
    ]

    static let all = graph + control

    /// Valid bodies the seed documents do not show, by route path: starting points that get
    /// past validation into each action.
    static let examples: [String: String] = [
        "/v1.0/communications/calls/{incoming}/answer": ##"{"callbackUri": "https://bot.contoso.com/answered", "acceptedModalities": ["audio"], "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"}}"##,
        "/v1.0/communications/calls/{incoming}/reject": #"{"reason": "busy", "callbackUri": "https://bot.contoso.com/rejected"}"#,
        "/v1.0/communications/calls/{incoming}/redirect": ##"{"targets": [{"@odata.type": "#microsoft.graph.invitationParticipantInfo", "identity": {"@odata.type": "#microsoft.graph.identitySet", "user": {"@odata.type": "#microsoft.graph.identity", "id": "5810cede-f3cc-42eb-b2c1-e9bd5d53ec96"}}}], "timeout": 20}"##,
        "/v1.0/communications/calls/{id}/transfer": ##"{"transferTarget": {"@odata.type": "#microsoft.graph.invitationParticipantInfo", "endpointType": "default", "identity": {"@odata.type": "#microsoft.graph.identitySet", "user": {"@odata.type": "#microsoft.graph.identity", "id": "5810cede-f3cc-42eb-b2c1-e9bd5d53ec96"}}}}"##,
        "/v1.0/communications/calls/{id}/playPrompt": ##"{"clientContext": "ctx-1", "prompts": [{"@odata.type": "#microsoft.graph.mediaPrompt", "mediaInfo": {"uri": "https://cdn.contoso.com/hello.wav"}}]}"##,
        "/v1.0/communications/calls/{id}/recordResponse": ##"{"maxRecordDurationInSeconds": 2, "playBeep": false, "stopTones": ["#", "1"], "bargeInAllowed": true}"##,
        "/v1.0/communications/calls/{id}/subscribeToTone": #"{"clientContext": "tones"}"#,
        "/v1.0/communications/calls/{id}/sendDtmfTones": #"{"tones": ["tone1", "pound"], "delayBetweenTonesMs": 300}"#,
        "/v1.0/communications/calls/{id}/updateRecordingStatus": #"{"clientContext": "rec", "status": "recording"}"#,
        "/v1.0/communications/calls/{id}/changeScreenSharingRole": #"{"role": "sharer"}"#,
        "/v1.0/communications/calls/{id}/mute": #"{"clientContext": "m"}"#,
        "/v1.0/communications/calls/{id}/participants/{pid}/startHoldMusic": ##"{"customPrompt": {"@odata.type": "#microsoft.graph.mediaPrompt", "mediaInfo": {"uri": "https://cdn.contoso.com/hold.wav"}}}"##,
        "/v1.0/communications/calls/{id}/audioRoutingGroups": #"{"routingMode": "oneToOne", "sources": ["a"], "receivers": ["b"]}"#,
        "/_switchboard/incoming-calls": #"{"from": {"phone": {"id": "+12345678901"}}, "to": {"application": {"id": "2891555a-92ff-42e6-80fa-6e1300c6b5c6"}}}"#,
        "/_switchboard/calls/{id}/far-end": ##"{"action": "pressKeys", "tones": "12#"}"##,
        "/_switchboard/clock/advance": #"{"seconds": 1}"#,
        "/_switchboard/meetings/seed-meeting/attendees": #"{"user": {"id": "5810cede-f3cc-42eb-b2c1-e9bd5d53ec96"}}"#,
        "/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token": "grant_type=client_credentials&client_id=2891555a-92ff-42e6-80fa-6e1300c6b5c6&client_secret=switchboard-dev-secret&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default",
    ]

    /// The route a seed's request line names (`POST https://graph.microsoft.com/beta/app/calls/{id}/…`).
    static func index(forSeedRequestLine line: String) -> Int? {
        guard let target = line.split(separator: " ").last else { return nil }
        var path = String(target)
        if let host = path.range(of: "graph.microsoft.com") { path = String(path[host.upperBound...]) }
        if !path.hasPrefix("/v1.0") && !path.hasPrefix("/beta") { path = "/beta" + path }
        let segments = path.split(separator: "/")
        // A call id in the seed stands for the live call: compare with the ids left as placeholders.
        return all.firstIndex { route in
            let template = route.path.split(separator: "/")
            guard route.method == .post, template.count == segments.count else { return false }
            return zip(template, segments).allSatisfy { $0 == $1 || $0.hasPrefix("{") }
        }
    }
}
