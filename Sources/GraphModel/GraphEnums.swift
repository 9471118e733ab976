// The enumerations of the calls API, members exactly as in the v1.0 metadata.
// Members that exist only in beta or only in the docs are marked.

/// `microsoft.graph.callState`. `ringing` is beta and documented for v1.0, absent from v1.0 metadata.
public enum CallState: String, GraphEnum {
    case incoming, establishing, ringing, established, hold, transferring, transferAccepted, redirecting
    case terminating, terminated, unknownFutureValue
    public static let graphName = "callState"
}

/// `microsoft.graph.callDirection`.
public enum CallDirection: String, GraphEnum {
    case incoming, outgoing
    public static let graphName = "callDirection"
}

/// `microsoft.graph.modality`. `unknown` is beta/doc only.
public enum Modality: String, GraphEnum {
    case unknown, audio, video, videoBasedScreenSharing, data, unknownFutureValue
    public static let graphName = "modality"
}

/// `microsoft.graph.endpointType`.
public enum EndpointType: String, GraphEnum {
    case `default`, voicemail, skypeForBusiness, skypeForBusinessVoipPhone, unknownFutureValue
    public static let graphName = "endpointType"
}

/// `microsoft.graph.mediaDirection`.
public enum MediaDirection: String, GraphEnum {
    case inactive, sendOnly, receiveOnly, sendReceive
    public static let graphName = "mediaDirection"
}

/// `microsoft.graph.mediaState`.
public enum MediaState: String, GraphEnum {
    case active, inactive, unknownFutureValue
    public static let graphName = "mediaState"
}

/// `microsoft.graph.operationStatus`. The metadata spells members in PascalCase; Graph's
/// examples and this server write them in camelCase; both are read.
public enum OperationStatus: String, GraphEnum {
    case notStarted, running, completed, failed
    public static let graphName = "operationStatus"
}

/// `microsoft.graph.recordingStatus`.
public enum RecordingStatus: String, GraphEnum {
    case unknown, notRecording, recording, failed, unknownFutureValue
    public static let graphName = "recordingStatus"
}

/// `microsoft.graph.callTranscriptionState`.
public enum CallTranscriptionState: String, GraphEnum {
    case notStarted, active, inactive, unknownFutureValue
    public static let graphName = "callTranscriptionState"
}

/// `microsoft.graph.screenSharingRole`.
public enum ScreenSharingRole: String, GraphEnum {
    case viewer, sharer
    public static let graphName = "screenSharingRole"
}

/// `microsoft.graph.rejectReason`.
public enum RejectReason: String, GraphEnum {
    case none, busy, forbidden, unknownFutureValue
    public static let graphName = "rejectReason"
}

/// `microsoft.graph.routingMode`.
public enum RoutingMode: String, GraphEnum {
    case oneToOne, multicast, unknownFutureValue
    public static let graphName = "routingMode"
}

/// `microsoft.graph.routingType`.
public enum RoutingType: String, GraphEnum {
    case forwarded, lookup, selfFork, unknownFutureValue
    public static let graphName = "routingType"
}

/// `microsoft.graph.changeType`. Observed notifications sometimes capitalise it; read either way.
public enum ChangeType: String, GraphEnum {
    case created, updated, deleted
    public static let graphName = "changeType"
}

/// `microsoft.graph.tone`.
public enum Tone: String, GraphEnum {
    case tone0, tone1, tone2, tone3, tone4, tone5, tone6, tone7, tone8, tone9
    case star, pound, a, b, c, d, flash
    public static let graphName = "tone"
}

/// `microsoft.graph.sendDtmfCompletionReason`.
public enum SendDtmfCompletionReason: String, GraphEnum {
    case unknown, completedSuccessfully, mediaOperationCanceled, unknownFutureValue
    public static let graphName = "sendDtmfCompletionReason"
}

/// `microsoft.graph.onlineMeetingContentSharingDisabledReason` and
/// `onlineMeetingVideoDisabledReason` (flags; one member at a time is all the API shows).
public enum OnlineMeetingDisabledReason: String, GraphEnum {
    case watermarkProtection, unknownFutureValue
    public static let graphName = "onlineMeetingDisabledReason"
}

/// Beta `microsoft.graph.routingPolicy`.
public enum RoutingPolicy: String, GraphEnum {
    case none, noMissedCall, disableForwardingExceptPhone, disableForwarding, preferSkypeForBusiness, unknownFutureValue
    public static let graphName = "routingPolicy"
}

extension Tone {
    /// The tone of a key as people write it: `0`-`9`, `*`, `#`, `A`-`D`, or the member's name.
    public init?(key: String) {
        let lower = key.lowercased()
        switch lower {
        case "0"..."9" where key.count == 1: self.init(rawValue: "tone\(key)")
        case "*": self = .star
        case "#": self = .pound
        case "a", "b", "c", "d": self.init(rawValue: lower)
        default:
            guard let tone = Tone.allCases.first(where: { $0.rawValue.lowercased() == lower }) else { return nil }
            self = tone
        }
    }
}
