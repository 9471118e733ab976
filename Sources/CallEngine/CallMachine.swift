import GraphModel

/// The state machine of one call: a value that takes inputs with the current time and
/// returns effects. No I/O, no clock reads, no logging.
public struct CallMachine: Codable, Sendable, Hashable {
    /// The engine's own states, richer than Graph's `callState` (see ``graphState``).
    enum Phase: String, Codable, Sendable, Hashable {
        /// Placed; the far end has not been reached yet.
        case establishing
        /// The far end is ringing.
        case ringing
        /// Both ends are connected.
        case established
        /// The call has ended; nothing more happens.
        case terminated
    }

    public private(set) var appId: String
    public private(set) var tenantId: String
    /// The API version the call was created on; its notifications are written for it.
    public private(set) var profile: GraphWireProfile
    /// The call as Graph shows it, without `state` (derived from ``phase``).
    private var call: Call
    private var phase: Phase
    private var botParticipant: Participant
    private var farEndParticipant: Participant
    private var farEndBehaviour: FarEndBehaviour
    /// Armed timers, at most one per kind.
    public private(set) var timers: [CallTimer] = []
    private var lastGeneration = 0

    /// How long an unanswered outgoing call rings when it asks for no timeout of its own.
    public static let defaultRingingTimeout: Duration = .seconds(60)
    /// A call with no successful keepAlive for this long is ended.
    public static let keepAliveWindow: Duration = .seconds(45 * 60)

    public var id: String { call.id ?? "" }
    public var callbackUri: String { call.callbackUri ?? "" }
    public var isTerminated: Bool { phase == .terminated }

    /// Graph's `callState` for an engine phase: the one place the two meet.
    static func graphState(_ phase: Phase) -> CallState {
        switch phase {
        case .establishing, .ringing: .establishing
        case .established: .established
        case .terminated: .terminated
        }
    }

    /// The call as `GET` shows it.
    public var graphCall: Call {
        var view = call
        view.state = Self.graphState(phase)
        return view
    }

    /// The participants as `GET .../participants` shows them.
    public var participants: [Participant] {
        phase == .established ? [botParticipant, farEndParticipant] : [botParticipant]
    }

    // MARK: Placing a call

    /// Places an outgoing peer-to-peer call: the call is `establishing`, the far end is
    /// reached and behaves as the plan says.
    public static func placeOutgoing(_ plan: OutgoingCallPlan, now: Timestamp) -> (CallMachine, [CallEffect]) {
        var call = plan.call
        call.direction = .outgoing
        call.state = nil
        let bot = Participant(
            id: call.myParticipantId ?? "",
            info: call.source ?? ParticipantInfo(identity: nil),
            mediaStreams: mediaStreams(for: call.requestedModalities)
        )
        var machine = CallMachine(
            appId: plan.appId, tenantId: plan.tenantId, profile: plan.profile, call: call, phase: .establishing,
            botParticipant: bot, farEndParticipant: plan.farEndParticipant, farEndBehaviour: plan.farEndBehaviour
        )
        var effects = [machine.stateNotification(.updated)]
        effects += machine.arm(.keepAliveExpiry, at: now.advanced(by: keepAliveWindow))
        switch plan.farEndBehaviour {
        case .answer(let ringFor):
            machine.phase = .ringing
            effects += machine.arm(.farEndAnswers, at: now.advanced(by: ringFor))
            effects += machine.arm(.ringingTimeout, at: now.advanced(by: machine.ringingTimeout))
        case .noAnswer:
            machine.phase = .ringing
            effects += machine.arm(.ringingTimeout, at: now.advanced(by: machine.ringingTimeout))
        case .noEndpoints:
            effects += machine.terminate(ResultCodes.noCalleeEndpoints, announceTerminating: false)
        }
        return (machine, effects)
    }

    private init(
        appId: String, tenantId: String, profile: GraphWireProfile, call: Call, phase: Phase,
        botParticipant: Participant, farEndParticipant: Participant, farEndBehaviour: FarEndBehaviour
    ) {
        self.appId = appId
        self.tenantId = tenantId
        self.profile = profile
        self.call = call
        self.phase = phase
        self.botParticipant = botParticipant
        self.farEndParticipant = farEndParticipant
        self.farEndBehaviour = farEndBehaviour
    }

    private var ringingTimeout: Duration {
        call.ringingTimeoutInSeconds.map { .seconds($0) } ?? Self.defaultRingingTimeout
    }

    // MARK: Inputs

    /// What can happen to a call after it was placed.
    public enum Input: Sendable, Hashable {
        /// A timer fired.
        case timerFired(CallTimer.Kind, generation: Int)
        /// The bot hangs up (`DELETE`).
        case hangUp
        /// The bot says it is still there (`keepAlive`).
        case keepAlive
        /// The far end hangs up.
        case farEndHangsUp
    }

    /// Handles one input at `now` and returns the effects, in order.
    public mutating func handle(_ input: Input, now: Timestamp) throws(CallEngineError) -> [CallEffect] {
        switch (phase, input) {
        case (.terminated, .timerFired):
            return []
        case (.terminated, _):
            throw .callEnded
        case (_, .timerFired(let kind, let generation)):
            guard let timer = timers.first(where: { $0.kind == kind }), timer.generation == generation else { return [] }
            timers.removeAll { $0.kind == kind }
            return timerFired(kind, now: now)
        case (_, .hangUp):
            return terminate(ResultCodes.conversationEnded, announceTerminating: true)
        case (_, .keepAlive):
            return arm(.keepAliveExpiry, at: now.advanced(by: Self.keepAliveWindow))
        case (.established, .farEndHangsUp):
            return terminate(ResultCodes.peerEndedCall, announceTerminating: false)
        case (.establishing, .farEndHangsUp), (.ringing, .farEndHangsUp):
            throw .invalidState(action: "farEndHangsUp", state: Self.graphState(phase))
        }
    }

    private mutating func timerFired(_ kind: CallTimer.Kind, now: Timestamp) -> [CallEffect] {
        switch (kind, phase) {
        case (.farEndAnswers, .ringing):
            phase = .established
            return disarm(.ringingTimeout) + [stateNotification(.updated, direction: true)]
        case (.ringingTimeout, .ringing), (.ringingTimeout, .establishing):
            return terminate(ResultCodes.noAnswer, announceTerminating: false)
        case (.keepAliveExpiry, _):
            return terminate(ResultCodes.keepAliveTimeout, announceTerminating: false)
        case (.farEndAnswers, _), (.ringingTimeout, _):
            return []
        }
    }

    // MARK: Helpers

    private mutating func terminate(_ result: ResultInfo, announceTerminating: Bool) -> [CallEffect] {
        var effects: [CallEffect] = []
        if announceTerminating {
            var terminating = Call()
            terminating.id = id
            terminating.state = .terminating
            effects.append(notification(.updated, terminating))
        }
        phase = .terminated
        call.resultInfo = result
        for timer in timers { effects.append(.cancel(timer.kind)) }
        timers = []
        var ended = Call()
        ended.id = id
        ended.state = .terminated
        ended.resultInfo = result
        effects.append(notification(.deleted, ended))
        effects.append(.remove)
        return effects
    }

    private mutating func arm(_ kind: CallTimer.Kind, at due: Timestamp) -> [CallEffect] {
        lastGeneration += 1
        let timer = CallTimer(kind: kind, due: due, generation: lastGeneration)
        timers.removeAll { $0.kind == kind }
        timers.append(timer)
        return [.schedule(timer)]
    }

    private mutating func disarm(_ kind: CallTimer.Kind) -> [CallEffect] {
        guard timers.contains(where: { $0.kind == kind }) else { return [] }
        timers.removeAll { $0.kind == kind }
        return [.cancel(kind)]
    }

    /// A state notification as Graph sends it: the call's `state` and `id` (and `direction`
    /// once established, as in Graph's examples).
    private func stateNotification(_ change: ChangeType, direction: Bool = false) -> CallEffect {
        var data = Call()
        data.id = id
        data.state = Self.graphState(phase)
        if direction { data.direction = call.direction }
        return notification(change, data)
    }

    private func notification(_ change: ChangeType, _ data: Call) -> CallEffect {
        .notify(CommsNotification(
            changeType: change,
            resourceUrl: "/communications/calls/\(id)",
            resourceData: .single(.call(data)),
            callbackUri: callbackUri
        ))
    }

    /// The media streams a participant has for the requested modalities.
    public static func mediaStreams(for modalities: [Modality]?) -> [MediaStream] {
        (modalities ?? []).enumerated().compactMap { index, modality in
            let label: String? = switch modality {
            case .audio: "main-audio"
            case .video: "main-video"
            case .videoBasedScreenSharing: "applicationsharing-video"
            case .data: "data"
            case .unknown, .unknownFutureValue: nil
            }
            guard let label else { return nil }
            return MediaStream(mediaType: modality, label: label, sourceId: String(index + 1), direction: .sendReceive)
        }
    }
}
