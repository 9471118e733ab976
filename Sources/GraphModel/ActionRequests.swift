// Request bodies of the call and participant actions (CSDL action parameters).

/// `answer` parameters. The 2019 beta spelled `callbackUri` as `callback` and
/// `acceptedModalities` as `acceptModalities`; both spellings are read.
public struct AnswerRequest: GraphObject {
    public var callbackUri: String?
    public var acceptedModalities: [Modality]?
    public var mediaConfig: MediaConfig?
    public var callOptions: CallOptions?
    public var participantCapacity: Int?
    public var additionalData: [String: JSONValue] = [:]

    public init() {}
    public var odataTypeName: String? { nil }

    public init(reading r: inout GraphObjectReader) throws {
        callbackUri = try r.read("callbackUri", alias: "callback")
        acceptedModalities = try r.read("acceptedModalities", alias: "acceptModalities")
        mediaConfig = try r.read("mediaConfig")
        callOptions = try r.read("callOptions")
        participantCapacity = try r.read("participantCapacity")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(callbackUri, "callbackUri")
        try w.write(acceptedModalities, "acceptedModalities")
        try w.write(mediaConfig, "mediaConfig")
        try w.write(callOptions, "callOptions")
        try w.write(participantCapacity, "participantCapacity")
    }
}

/// `reject` parameters.
public struct RejectRequest: GraphObject {
    public var reason: RejectReason?
    public var callbackUri: String?
    public var additionalData: [String: JSONValue] = [:]

    public init() {}
    public var odataTypeName: String? { nil }

    public init(reading r: inout GraphObjectReader) throws {
        reason = try r.read("reason")
        callbackUri = try r.read("callbackUri")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(reason, "reason")
        try w.write(callbackUri, "callbackUri")
    }
}

/// `redirect` parameters.
public struct RedirectRequest: GraphObject {
    public var targets: [InvitationParticipantInfo]?
    public var timeout: Int?
    public var callbackUri: String?
    public var additionalData: [String: JSONValue] = [:]

    public init() {}
    public var odataTypeName: String? { nil }

    public init(reading r: inout GraphObjectReader) throws {
        targets = try r.read("targets")
        timeout = try r.read("timeout")
        callbackUri = try r.read("callbackUri")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(targets, "targets")
        try w.write(timeout, "timeout")
        try w.write(callbackUri, "callbackUri")
    }
}

/// `transfer` parameters.
public struct TransferRequest: GraphObject {
    public var transferTarget: InvitationParticipantInfo?
    public var transferee: ParticipantInfo?
    public var additionalData: [String: JSONValue] = [:]

    public init() {}
    public var odataTypeName: String? { nil }

    public init(reading r: inout GraphObjectReader) throws {
        transferTarget = try r.read("transferTarget")
        transferee = try r.read("transferee")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(transferTarget, "transferTarget")
        try w.write(transferee, "transferee")
    }
}

/// `participants/invite` parameters.
public struct InviteParticipantsRequest: GraphObject {
    public var participants: [InvitationParticipantInfo]?
    public var clientContext: String?
    public var additionalData: [String: JSONValue] = [:]

    public init() {}
    public var odataTypeName: String? { nil }

    public init(reading r: inout GraphObjectReader) throws {
        participants = try r.read("participants")
        clientContext = try r.read("clientContext")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(participants, "participants")
        try w.write(clientContext, "clientContext")
    }
}

/// Parameters of the actions that take only `clientContext` (mute, unmute,
/// cancelMediaProcessing, subscribeToTone, addLargeGalleryView, stopHoldMusic).
public struct ClientContextRequest: GraphObject {
    public var clientContext: String?
    public var additionalData: [String: JSONValue] = [:]

    public init() {}
    public var odataTypeName: String? { nil }

    public init(reading r: inout GraphObjectReader) throws {
        clientContext = try r.read("clientContext")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(clientContext, "clientContext")
    }
}

/// `playPrompt` parameters.
public struct PlayPromptRequest: GraphObject {
    public var prompts: [Prompt]?
    public var clientContext: String?
    public var additionalData: [String: JSONValue] = [:]

    public init() {}
    public var odataTypeName: String? { nil }

    public init(reading r: inout GraphObjectReader) throws {
        prompts = try r.read("prompts")
        clientContext = try r.read("clientContext")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(prompts, "prompts")
        try w.write(clientContext, "clientContext")
    }
}

/// `recordResponse` parameters.
public struct RecordResponseRequest: GraphObject {
    public var prompts: [Prompt]?
    public var bargeInAllowed: Bool?
    public var initialSilenceTimeoutInSeconds: Int?
    public var maxSilenceTimeoutInSeconds: Int?
    public var maxRecordDurationInSeconds: Int?
    public var playBeep: Bool?
    public var stopTones: [String]?
    public var clientContext: String?
    public var additionalData: [String: JSONValue] = [:]

    public init() {}
    public var odataTypeName: String? { nil }

    public init(reading r: inout GraphObjectReader) throws {
        prompts = try r.read("prompts")
        bargeInAllowed = try r.read("bargeInAllowed")
        initialSilenceTimeoutInSeconds = try r.read("initialSilenceTimeoutInSeconds")
        maxSilenceTimeoutInSeconds = try r.read("maxSilenceTimeoutInSeconds")
        maxRecordDurationInSeconds = try r.read("maxRecordDurationInSeconds")
        playBeep = try r.read("playBeep")
        stopTones = try r.read("stopTones")
        clientContext = try r.read("clientContext")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(prompts, "prompts")
        try w.write(bargeInAllowed, "bargeInAllowed")
        try w.write(initialSilenceTimeoutInSeconds, "initialSilenceTimeoutInSeconds")
        try w.write(maxSilenceTimeoutInSeconds, "maxSilenceTimeoutInSeconds")
        try w.write(maxRecordDurationInSeconds, "maxRecordDurationInSeconds")
        try w.write(playBeep, "playBeep")
        try w.write(stopTones, "stopTones")
        try w.write(clientContext, "clientContext")
    }
}

/// `sendDtmfTones` parameters.
public struct SendDtmfTonesRequest: GraphObject {
    public var tones: [Tone]?
    public var delayBetweenTonesMs: Int?
    public var clientContext: String?
    public var additionalData: [String: JSONValue] = [:]

    public init() {}
    public var odataTypeName: String? { nil }

    public init(reading r: inout GraphObjectReader) throws {
        tones = try r.read("tones")
        delayBetweenTonesMs = try r.read("delayBetweenTonesMs")
        clientContext = try r.read("clientContext")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(tones, "tones")
        try w.write(delayBetweenTonesMs, "delayBetweenTonesMs")
        try w.write(clientContext, "clientContext")
    }
}

/// `updateRecordingStatus` parameters.
public struct UpdateRecordingStatusRequest: GraphObject {
    public var status: RecordingStatus?
    public var clientContext: String?
    public var additionalData: [String: JSONValue] = [:]

    public init() {}
    public var odataTypeName: String? { nil }

    public init(reading r: inout GraphObjectReader) throws {
        status = try r.read("status")
        clientContext = try r.read("clientContext")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(status, "status")
        try w.write(clientContext, "clientContext")
    }
}

/// `changeScreenSharingRole` parameters.
public struct ChangeScreenSharingRoleRequest: GraphObject {
    public var role: ScreenSharingRole?
    public var additionalData: [String: JSONValue] = [:]

    public init() {}
    public var odataTypeName: String? { nil }

    public init(reading r: inout GraphObjectReader) throws {
        role = try r.read("role")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(role, "role")
    }
}

/// `startHoldMusic` parameters.
public struct StartHoldMusicRequest: GraphObject {
    public var customPrompt: Prompt?
    public var clientContext: String?
    public var additionalData: [String: JSONValue] = [:]

    public init() {}
    public var odataTypeName: String? { nil }

    public init(reading r: inout GraphObjectReader) throws {
        customPrompt = try r.read("customPrompt")
        clientContext = try r.read("clientContext")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(customPrompt, "customPrompt")
        try w.write(clientContext, "clientContext")
    }
}

/// `logTeleconferenceDeviceQuality` parameters.
public struct LogTeleconferenceDeviceQualityRequest: GraphObject {
    public var quality: TeleconferenceDeviceQuality?
    public var additionalData: [String: JSONValue] = [:]

    public init() {}
    public var odataTypeName: String? { nil }

    public init(reading r: inout GraphObjectReader) throws {
        quality = try r.read("quality")
    }

    public func write(to w: inout GraphObjectWriter) throws {
        try w.write(quality, "quality")
    }
}
