import GraphModel

/// What a bot asks of one of its calls, validated and with every server-assigned value
/// (operation ids, participant ids, tokens) filled in, so the engine stays pure.
public enum CallCommand: Sendable, Hashable {
    /// `DELETE /calls/{id}`.
    case hangUp
    /// `keepAlive`.
    case keepAlive
    /// `mute` / `unmute` of the bot itself.
    case muteSelf(OperationTicket, mute: Bool)
    /// `playPrompt`: the prompts last `duration` together.
    case playPrompt(OperationTicket, duration: Duration)
    /// `recordResponse`: the prompt and beep last `promptDuration`, then the recording runs.
    case recordResponse(OperationTicket, promptDuration: Duration, bargeIn: Bool, recording: RecordingPlan)
    /// `cancelMediaProcessing`.
    case cancelMediaProcessing(OperationTicket)
    /// `subscribeToTone`.
    case subscribeToTone(OperationTicket)
    /// `sendDtmfTones`: sending takes `duration`.
    case sendDtmfTones(OperationTicket, duration: Duration)
    /// `updateRecordingStatus`.
    case updateRecordingStatus(OperationTicket, status: RecordingStatus)
    /// `changeScreenSharingRole`.
    case changeScreenSharingRole(ScreenSharingRole)
    /// `addLargeGalleryView`: the gallery view joins the roster as `participant`.
    case addLargeGalleryView(OperationTicket, participant: Participant)
    /// `participants/invite`.
    case invite(OperationTicket, invitees: [PlannedParticipant])
    /// `DELETE .../participants/{id}`.
    case removeParticipant(String)
    /// `participants/{id}/mute`.
    case muteParticipant(String, OperationTicket)
    /// `participants/{id}/startHoldMusic`.
    case startHoldMusic(String, OperationTicket)
    /// `participants/{id}/stopHoldMusic`.
    case stopHoldMusic(String, OperationTicket)
    /// `transfer`.
    case transfer(TransferPlan)
    /// `POST .../audioRoutingGroups`.
    case createAudioRoutingGroup(AudioRoutingGroup)
    /// `PATCH .../audioRoutingGroups/{id}`: the properties given replace the stored ones.
    case updateAudioRoutingGroup(AudioRoutingGroup)
    /// `DELETE .../audioRoutingGroups/{id}`.
    case deleteAudioRoutingGroup(String)
    /// `answer` an incoming call.
    case answer(AnswerPlan)
    /// `reject` an incoming call; the caller hears `reason`.
    case reject(RejectReason, callbackUri: String?)
    /// `redirect` an incoming call to other targets.
    case redirect(RedirectPlan)

    /// The action name, for errors.
    public var actionName: String {
        switch self {
        case .hangUp: "delete"
        case .keepAlive: "keepAlive"
        case .muteSelf(_, let mute): mute ? "mute" : "unmute"
        case .playPrompt: "playPrompt"
        case .recordResponse: "recordResponse"
        case .cancelMediaProcessing: "cancelMediaProcessing"
        case .subscribeToTone: "subscribeToTone"
        case .sendDtmfTones: "sendDtmfTones"
        case .updateRecordingStatus: "updateRecordingStatus"
        case .changeScreenSharingRole: "changeScreenSharingRole"
        case .addLargeGalleryView: "addLargeGalleryView"
        case .invite: "invite"
        case .removeParticipant: "delete participant"
        case .muteParticipant: "mute participant"
        case .startHoldMusic: "startHoldMusic"
        case .stopHoldMusic: "stopHoldMusic"
        case .transfer: "transfer"
        case .createAudioRoutingGroup, .updateAudioRoutingGroup, .deleteAudioRoutingGroup: "audioRoutingGroups"
        case .answer: "answer"
        case .reject: "reject"
        case .redirect: "redirect"
        }
    }
}

/// The id and `clientContext` of the operation an action creates.
public struct OperationTicket: Codable, Sendable, Hashable {
    public var id: String
    public var clientContext: String?

    public init(id: String, clientContext: String?) {
        self.id = id
        self.clientContext = clientContext
    }
}

/// A participant the world resolved, and how it behaves when called.
public struct PlannedParticipant: Codable, Sendable, Hashable {
    public var participant: Participant
    public var behaviour: FarEndBehaviour
    /// What the invitation asked for (kept for the invite operation's `participants`).
    public var invitation: InvitationParticipantInfo?
    /// The bot's other call this participant leaves when it joins (`replacesCallId`, as an id).
    public var replacesCallId: String?

    public init(participant: Participant, behaviour: FarEndBehaviour, invitation: InvitationParticipantInfo? = nil, replacesCallId: String? = nil) {
        self.participant = participant
        self.behaviour = behaviour
        self.invitation = invitation
        self.replacesCallId = replacesCallId
    }
}

/// A validated transfer: where to, whom (group calls), and how the target behaves.
public struct TransferPlan: Codable, Sendable, Hashable {
    public var target: InvitationParticipantInfo
    /// The participant transferred out of a group call.
    public var transfereeId: String?
    public var behaviour: FarEndBehaviour
    /// The bot's call with the target that a consultative transfer replaces (as an id).
    public var replacesCallId: String?
    /// Consultative (`replacesCallId` set) rather than blind.
    public var isConsultative: Bool { replacesCallId != nil }

    public init(target: InvitationParticipantInfo, transfereeId: String?, behaviour: FarEndBehaviour, replacesCallId: String? = nil) {
        self.target = target
        self.transfereeId = transfereeId
        self.behaviour = behaviour
        self.replacesCallId = replacesCallId
    }
}
