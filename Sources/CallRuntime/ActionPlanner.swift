import CallEngine
import Foundation
import GraphModel
import NetworkPolicy
import World

/// Turns action request bodies into engine commands: checks them the way Graph does
/// (required parameters, counts, ranges), fills in server-assigned ids and tokens, and asks
/// the world who the invited or transfer targets are. Pure apart from the id generator.
public struct ActionPlanner: Sendable {
    /// The world as it is for this request (read once from the runtime's `WorldState`).
    let world: World
    let newId: @Sendable () -> String
    let prompts: any PromptDurations
    /// Where callbacks may point.
    let callbackPolicy: CallbackAddressPolicy

    /// Checks a callback URI a bot gives (create, answer, redirect, reject, transfer).
    func checkCallback(_ uri: String) throws(CallRuntimeError) {
        do {
            try callbackPolicy.check(uri)
        } catch {
            throw .invalidRequest(error.message)
        }
    }

    /// The longest `clientContext` Graph accepts.
    public static let clientContextLimit = 256
    /// The most prompts one playPrompt takes.
    public static let promptLimit = 20
    /// recordResponse timers: default and bounds, in seconds.
    public static let recordTimerDefault = 5
    public static let recordTimerRange = 1...120
    /// The longest recording Graph makes.
    public static let recordingCap: Duration = .seconds(120)
    /// How long the beep before a recording lasts.
    public static let beepDuration: Duration = .milliseconds(500)
    /// How long one DTMF tone sounds.
    public static let toneDuration: Duration = .milliseconds(100)
    /// The most participants one invite takes.
    public static let inviteLimit = 5

    // MARK: Operations on the call

    func ticket(_ clientContext: String?) throws(CallRuntimeError) -> OperationTicket {
        if let clientContext, clientContext.count > Self.clientContextLimit {
            throw .invalidRequest("clientContext must be at most \(Self.clientContextLimit) characters (it has \(clientContext.count)).")
        }
        return OperationTicket(id: newId(), clientContext: clientContext)
    }

    public func mute(_ request: ClientContextRequest, mute: Bool) throws(CallRuntimeError) -> CallCommand {
        .muteSelf(try ticket(request.clientContext), mute: mute)
    }

    public func playPrompt(_ request: PlayPromptRequest) async throws(CallRuntimeError) -> CallCommand {
        let prompts = request.prompts ?? []
        guard !prompts.isEmpty else { throw .invalidRequest("playPrompt needs at least one prompt in 'prompts'.") }
        guard prompts.count <= Self.promptLimit else {
            throw .invalidRequest("playPrompt takes at most \(Self.promptLimit) prompts (it has \(prompts.count)).")
        }
        let ticket = try ticket(request.clientContext)
        return .playPrompt(ticket, duration: try await duration(of: prompts))
    }

    public func recordResponse(_ request: RecordResponseRequest, baseURL: String) async throws(CallRuntimeError) -> CallCommand {
        let prompts = request.prompts ?? []
        guard prompts.count <= 1 else { throw .invalidRequest("recordResponse takes at most 1 prompt (it has \(prompts.count)).") }
        for (name, value) in [
            ("initialSilenceTimeoutInSeconds", request.initialSilenceTimeoutInSeconds),
            ("maxSilenceTimeoutInSeconds", request.maxSilenceTimeoutInSeconds),
            ("maxRecordDurationInSeconds", request.maxRecordDurationInSeconds),
        ] {
            if let value, !Self.recordTimerRange.contains(value) {
                throw .invalidRequest("\(name) must be between \(Self.recordTimerRange.lowerBound) and \(Self.recordTimerRange.upperBound) seconds (it is \(value)).")
            }
        }
        for tone in request.stopTones ?? [] where Tone(key: tone) == nil {
            throw .invalidRequest("stopTones: '\(tone)' is not a DTMF key (0-9, *, #, A-D).")
        }
        let ticket = try ticket(request.clientContext)
        var promptDuration = try await duration(of: prompts)
        if request.playBeep ?? true { promptDuration += Self.beepDuration }
        let recorded = min(.seconds(request.maxRecordDurationInSeconds ?? Self.recordTimerDefault), Self.recordingCap)
        let recording = RecordingPlan(
            recordedFor: recorded, accessToken: newId(),
            location: "\(baseURL)/_switchboard/recordings/\(ticket.id)",
            result: ResultCodes.maxRecordDurationReached,
            stopTones: (request.stopTones ?? []).compactMap { Tone(key: $0) }
        )
        return .recordResponse(ticket, promptDuration: promptDuration, bargeIn: request.bargeInAllowed ?? false, recording: recording)
    }

    public func cancelMediaProcessing(_ request: ClientContextRequest) throws(CallRuntimeError) -> CallCommand {
        .cancelMediaProcessing(try ticket(request.clientContext))
    }

    public func subscribeToTone(_ request: ClientContextRequest) throws(CallRuntimeError) -> CallCommand {
        .subscribeToTone(try ticket(request.clientContext))
    }

    public func sendDtmfTones(_ request: SendDtmfTonesRequest) throws(CallRuntimeError) -> CallCommand {
        let tones = request.tones ?? []
        guard !tones.isEmpty else { throw .invalidRequest("sendDtmfTones needs at least one tone in 'tones'.") }
        let delay = request.delayBetweenTonesMs ?? 0
        guard (0...10_000).contains(delay) else { throw .invalidRequest("delayBetweenTonesMs must be between 0 and 10000.") }
        let ticket = try ticket(request.clientContext)
        let duration = Self.toneDuration * tones.count + .milliseconds(delay) * max(tones.count - 1, 0)
        return .sendDtmfTones(ticket, duration: duration)
    }

    public func updateRecordingStatus(_ request: UpdateRecordingStatusRequest) throws(CallRuntimeError) -> CallCommand {
        guard let status = request.status else { throw .invalidRequest("updateRecordingStatus needs 'status'.") }
        return .updateRecordingStatus(try ticket(request.clientContext), status: status)
    }

    public func changeScreenSharingRole(_ request: ChangeScreenSharingRoleRequest) throws(CallRuntimeError) -> CallCommand {
        guard let role = request.role else { throw .invalidRequest("changeScreenSharingRole needs 'role' (viewer or sharer).") }
        return .changeScreenSharingRole(role)
    }

    public func addLargeGalleryView(_ request: ClientContextRequest, machine: CallMachine) throws(CallRuntimeError) -> CallCommand {
        let ticket = try ticket(request.clientContext)
        var identity = IdentitySet()
        var application = Identity(kind: .identity, id: machine.appId, displayName: "Large gallery view")
        application.additionalData["ApplicationType"] = .string("LargeGallery-V2")
        identity.application = application
        var participant = Participant(
            id: newId(), info: ParticipantInfo(identity: identity),
            mediaStreams: [MediaStream(mediaType: .video, label: "main-video", sourceId: "1", direction: .sendReceive)]
        )
        participant.metadata = #"{"__platform":{"ui":{"hidden":true}},"audienceView":{"id":"\#(ticket.id)/1","page":1,"status":"active","type":"lg","aspectRatio":"widescreen"}}"#
        return .addLargeGalleryView(ticket, participant: participant)
    }

    // MARK: Participants

    /// `calls` finds another call of the same application (for `replacesCallId`).
    public func invite(
        _ request: InviteParticipantsRequest, machine: CallMachine, calls: (String) -> CallMachine?
    ) throws(CallRuntimeError) -> CallCommand {
        var invitations = request.participants ?? []
        guard !invitations.isEmpty else { throw .invalidRequest("invite needs at least one entry in 'participants'.") }
        var replaced: String?
        if let given = invitations[0].replacesCallId {
            // Graph uses only the first participant when replacesCallId is set.
            invitations = [invitations[0]]
            replaced = try otherCall(given, of: machine, calls: calls)
        }
        guard invitations.count <= Self.inviteLimit else {
            throw .invalidRequest("invite takes at most \(Self.inviteLimit) participants (it has \(invitations.count)).")
        }
        let ticket = try ticket(request.clientContext)
        var invitees: [PlannedParticipant] = []
        for (index, invitation) in invitations.enumerated() {
            guard let identity = invitation.identity else {
                throw .invalidRequest("participants[\(index)] needs an identity.")
            }
            if CallPlanner.isBot(identity), machine.participants.contains(where: { CallPlanner.isBot($0.info?.identity) && $0.id != machine.graphCall.myParticipantId }) || invitations.count(where: { CallPlanner.isBot($0.identity) }) > 1 {
                throw .invalidRequest("Only one bot can be invited into a call.")
            }
            try requirePhoneCapableSource(identity, machine: machine)
            var invitee = plannedParticipant(identity, invitation: invitation, modalities: machine.graphCall.requestedModalities)
            if let replaced {
                // Already talking to the bot in the other call: moves over at once.
                invitee.behaviour = .answer(ringFor: .zero)
                invitee.replacesCallId = replaced
            }
            invitees.append(invitee)
        }
        return .invite(ticket, invitees: invitees)
    }

    /// The call id a `replacesCallId` gives, bare or as the call's path.
    public static func callId(named given: String) -> String {
        given.split(separator: "/").last.map(String.init) ?? given
    }

    /// The id of the bot's other call that `replacesCallId` names (Graph's pages give it as a
    /// bare id or as the call's path): one of this application's calls, established, not
    /// this one.
    func otherCall(_ given: String, of machine: CallMachine, calls: (String) -> CallMachine?) throws(CallRuntimeError) -> String {
        let id = Self.callId(named: given)
        guard !id.isEmpty else { throw .invalidRequest("replacesCallId must name a call.") }
        guard id != machine.id else { throw .invalidRequest("replacesCallId names this call itself.") }
        guard let other = calls(id) else { throw .callNotFound(id) }
        guard other.state == .established else {
            throw .invalidRequest("replacesCallId names call '\(id)', which is \(other.state.rawValue), not established.")
        }
        return id
    }

    /// `DELETE .../participants/{id}`: the tenant must let this application remove participants.
    public func removeParticipant(_ participantId: String, machine: CallMachine) throws(CallRuntimeError) -> CallCommand {
        if let tenant = world.tenant(id: machine.tenantId), !tenant.allowsRemovingParticipants(by: machine.appId) {
            throw .forbidden(code: "7504", message: "Insufficient enterprise tenant permissions, cannot access this API. The tenant does not allow this application to remove participants (AllowRemoveParticipantAppIds).")
        }
        return .removeParticipant(participantId)
    }

    public func muteParticipant(_ participantId: String, _ request: ClientContextRequest) throws(CallRuntimeError) -> CallCommand {
        .muteParticipant(participantId, try ticket(request.clientContext))
    }

    public func startHoldMusic(_ participantId: String, _ request: StartHoldMusicRequest) throws(CallRuntimeError) -> CallCommand {
        if let prompt = request.customPrompt, prompt.mediaInfo?.uri?.isEmpty ?? true {
            throw .invalidRequest("customPrompt needs mediaInfo.uri.")
        }
        return .startHoldMusic(participantId, try ticket(request.clientContext))
    }

    public func stopHoldMusic(_ participantId: String, _ request: ClientContextRequest) throws(CallRuntimeError) -> CallCommand {
        .stopHoldMusic(participantId, try ticket(request.clientContext))
    }

    public func transfer(
        _ request: TransferRequest, machine: CallMachine, calls: (String) -> CallMachine?
    ) throws(CallRuntimeError) -> CallCommand {
        guard let target = request.transferTarget, let identity = target.identity else {
            throw .invalidRequest("transfer needs 'transferTarget' with an identity.")
        }
        let consulted = try target.replacesCallId.map { given throws(CallRuntimeError) in try otherCall(given, of: machine, calls: calls) }
        try requirePhoneCapableSource(identity, machine: machine)
        if let userId = identity.user?.id, let user = world.user(id: userId), user.tenantId.lowercased() != machine.tenantId.lowercased() {
            throw .invalidRequest("Transfers are supported only between Teams users of the same tenant; '\(userId)' is in another tenant.")
        }
        let transfereeId: String?
        if let transferee = request.transferee {
            transfereeId = transferee.participantId ?? machine.participants.first { participant in
                guard let wanted = transferee.identity?.user?.id, let have = participant.info?.identity?.user?.id else { return false }
                return wanted.lowercased() == have.lowercased()
            }?.id
            guard transfereeId != nil else {
                throw .invalidRequest("transferee must name a participant of the call (participantId or identity.user.id).")
            }
        } else {
            transfereeId = nil
        }
        // A consultative transfer's target is on the line with the bot already: it accepts.
        let behaviour = consulted != nil ? .answer(ringFor: .zero) : world.resolve(identity).behaviour
        return .transfer(TransferPlan(target: target, transfereeId: transfereeId, behaviour: behaviour, replacesCallId: consulted))
    }

    // MARK: Incoming calls

    /// The most targets one redirect rings at once.
    public static let redirectTargetLimit = 25
    /// The redirect `timeout` Graph accepts, in seconds.
    public static let redirectTimeoutRange = 15...90

    /// `answer`: what the bot accepts; app-hosted media needs `Calls.AccessMedia.All`.
    public func answer(_ request: AnswerRequest, caller: CallerApp) throws(CallRuntimeError) -> CallCommand {
        let modalities = request.acceptedModalities ?? []
        guard !modalities.isEmpty else {
            throw .invalidRequest("answer needs 'acceptedModalities' (audio, video, videoBasedScreenSharing).")
        }
        if let bad = modalities.first(where: { $0 == .unknown || $0 == .unknownFutureValue || $0 == .data }) {
            throw .invalidRequest("acceptedModalities cannot accept '\(bad.rawValue)'.")
        }
        guard let mediaConfig = request.mediaConfig else {
            throw .invalidRequest("answer needs 'mediaConfig' (serviceHostedMediaConfig or appHostedMediaConfig).")
        }
        if mediaConfig.kind == .appHostedMediaConfig, !caller.holds(any: ["Calls.AccessMedia.All"]) {
            throw CallPlanner.insufficientPermissions
        }
        if let uri = request.callbackUri { try checkCallback(uri) }
        if let capacity = request.participantCapacity, capacity < 1 {
            throw .invalidRequest("participantCapacity must be at least 1.")
        }
        return .answer(AnswerPlan(
            ticket: try ticket(nil), callbackUri: request.callbackUri, acceptedModalities: modalities,
            mediaConfig: mediaConfig, callOptions: request.callOptions, participantCapacity: request.participantCapacity
        ))
    }

    /// `reject`: `none` (the default), `busy` or `forbidden`.
    public func reject(_ request: RejectRequest) throws(CallRuntimeError) -> CallCommand {
        if let uri = request.callbackUri { try checkCallback(uri) }
        if request.reason == .unknownFutureValue { throw .invalidRequest("reason must be none, busy or forbidden.") }
        return .reject(request.reason ?? RejectReason.none, callbackUri: request.callbackUri)
    }

    /// `redirect`: 1 to 25 targets (several ring at once), `timeout` 15 to 90 s.
    public func redirect(_ request: RedirectRequest, machine: CallMachine) throws(CallRuntimeError) -> CallCommand {
        let targets = request.targets ?? []
        guard (1...Self.redirectTargetLimit).contains(targets.count) else {
            throw .invalidRequest("redirect takes 1 to \(Self.redirectTargetLimit) targets (it has \(targets.count)).")
        }
        if let timeout = request.timeout, !Self.redirectTimeoutRange.contains(timeout) {
            throw .invalidRequest("timeout must be between \(Self.redirectTimeoutRange.lowerBound) and \(Self.redirectTimeoutRange.upperBound) seconds.")
        }
        if let uri = request.callbackUri { try checkCallback(uri) }
        var planned: [PlannedParticipant] = []
        for (index, target) in targets.enumerated() {
            guard let identity = target.identity else { throw .invalidRequest("targets[\(index)] needs an identity.") }
            if CallPlanner.isBot(identity) { throw .invalidRequest("targets[\(index)]: a call cannot be redirected to another bot.") }
            try requirePhoneCapableSource(identity, machine: machine)
            planned.append(plannedParticipant(identity, invitation: target, modalities: machine.graphCall.requestedModalities))
        }
        let timeout = request.timeout.map { Duration.seconds($0) } ?? RedirectPlan.defaultTimeout(targets: targets.count)
        return .redirect(RedirectPlan(targets: planned, timeout: timeout, callbackUri: request.callbackUri))
    }

    // MARK: Audio routing groups

    public func createAudioRoutingGroup(_ body: AudioRoutingGroup) throws(CallRuntimeError) -> CallCommand {
        var group = body
        if group.id?.isEmpty ?? true { group.id = newId() }
        guard group.routingMode != nil else { throw .invalidRequest("An audio routing group needs 'routingMode'.") }
        guard group.sources != nil, group.receivers != nil else {
            throw .invalidRequest("An audio routing group needs 'sources' and 'receivers'.")
        }
        return .createAudioRoutingGroup(group)
    }

    public func updateAudioRoutingGroup(_ groupId: String, _ body: AudioRoutingGroup) throws(CallRuntimeError) -> CallCommand {
        if let id = body.id, id != groupId { throw .invalidRequest("The id of an audio routing group cannot be changed.") }
        var patch = body
        patch.id = groupId
        return .updateAudioRoutingGroup(patch)
    }

    // MARK: Helpers

    /// A participant for an identity the world resolved, with its behaviour.
    func plannedParticipant(_ identity: IdentitySet, invitation: InvitationParticipantInfo?, modalities: [Modality]?) -> PlannedParticipant {
        let farEnd = world.resolve(identity)
        let participant = Participant(
            id: newId(),
            info: ParticipantInfo(identity: farEnd.identity, languageId: "en-US", region: "westus"),
            mediaStreams: CallMachine.mediaStreams(for: modalities ?? [.audio])
        )
        return PlannedParticipant(participant: participant, behaviour: farEnd.behaviour, invitation: invitation)
    }

    /// Phone numbers are reached only from a call whose source is an application instance.
    private func requirePhoneCapableSource(_ identity: IdentitySet, machine: CallMachine) throws(CallRuntimeError) {
        guard identity.phone != nil else { return }
        if machine.graphCall.meetingInfo?.kind == .tokenMeetingInfo {
            throw .invalidRequest("Phone numbers cannot be invited into a meeting joined with a join token.")
        }
        guard machine.botIdentity?.applicationInstance != nil else {
            throw .invalidRequest("Phone numbers can be reached only from a call whose source is an application instance with a phone number.")
        }
    }

    private func duration(of prompts: [Prompt]) async throws(CallRuntimeError) -> Duration {
        var total = Duration.zero
        for (index, prompt) in prompts.enumerated() {
            guard let uri = prompt.mediaInfo?.uri, !uri.isEmpty else {
                throw .invalidRequest("prompts[\(index)] needs mediaInfo.uri.")
            }
            total += await self.prompts.duration(of: uri)
        }
        return total
    }
}

/// How long a prompt plays: read from its WAV where Switchboard can reach it, else a default.
public protocol PromptDurations: Sendable {
    func duration(of uri: String) async -> Duration
}

/// Prompt lengths read from the media itself: a WAV file the world names for the prompt's
/// URI, or a WAV served on this machine's loopback (fetched with `fetch`); any other prompt,
/// or one that is not a readable WAV, lasts ``FixedPromptDurations/defaultDuration``.
/// Switchboard never fetches media from other hosts.
public struct WAVPromptDurations: PromptDurations {
    /// Prompt URI → local WAV file, from the world.
    public var files: [String: String]
    /// Fetches a loopback URL's body (nil on any failure).
    public var fetch: @Sendable (String) async -> [UInt8]?
    public var fallback: Duration

    public init(files: [String: String] = [:], fallback: Duration = FixedPromptDurations.defaultDuration,
                fetch: @escaping @Sendable (String) async -> [UInt8]?) {
        self.files = files
        self.fetch = fetch
        self.fallback = fallback
    }

    public func duration(of uri: String) async -> Duration {
        if let path = files[uri], let data = FileManager.default.contents(atPath: path), let duration = WAV.duration(of: Array(data)) {
            return duration
        }
        if CallbackAddressPolicy.isLoopbackURL(uri), let bytes = await fetch(uri), let duration = WAV.duration(of: bytes) {
            return duration
        }
        return fallback
    }
}

/// Every prompt lasts the same: for servers that fetch no media.
public struct FixedPromptDurations: PromptDurations {
    /// The documented default for a prompt Switchboard cannot read.
    public static let defaultDuration: Duration = .seconds(3)
    public var duration: Duration

    public init(_ duration: Duration = Self.defaultDuration) { self.duration = duration }

    public func duration(of uri: String) async -> Duration { duration }
}
