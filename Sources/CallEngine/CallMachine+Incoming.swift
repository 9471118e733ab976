import GraphModel

/// Incoming calls (someone calls the bot) and how a ringing far end picks up or refuses,
/// on its own or when the control API says.
extension CallMachine {
    /// How long the bot has to answer, reject or redirect an incoming call (Graph: 15 s).
    public static let answerWindow: Duration = .seconds(15)

    /// Announces an incoming call: the bot's webhook gets a `created` notification with the
    /// call `incoming`; the bot has ``answerWindow`` to answer, reject or redirect it.
    public static func receiveIncoming(_ plan: IncomingCallPlan, now: Timestamp) -> (CallMachine, [CallEffect]) {
        var call = plan.call
        call.direction = .incoming
        call.state = nil
        var machine = CallMachine(
            appId: plan.appId, tenantId: plan.tenantId, profile: plan.profile, kind: plan.kind,
            call: call, phase: .incoming, roster: Roster(isDelta: false)
        )
        if plan.kind == .peerToPeer {
            let callerId = plan.caller.participant.id ?? ""
            machine.peerId = callerId
            _ = try? machine.roster.handle(.add(plan.caller.participant, joined: true, isBot: false))
            if case .rings(_, let timeline) = plan.caller.behaviour.reach { machine.timelines[callerId] = timeline }
        }
        _ = try? machine.roster.handle(.add(plan.bot, joined: false, isBot: true))
        var announced = Call()
        announced.id = machine.id
        announced.state = .incoming
        announced.direction = .incoming
        announced.source = call.source
        announced.targets = call.targets
        announced.requestedModalities = call.requestedModalities
        announced.chatInfo = call.chatInfo
        announced.meetingInfo = call.meetingInfo
        announced.tenantId = call.tenantId
        var effects = [machine.notification(.created, announced)]
        effects += machine.arm(.answerDeadline, at: now.advanced(by: answerWindow))
        return (machine, effects)
    }

    /// answer, reject and redirect: only while the call is `incoming`.
    mutating func handleIncoming(_ command: CallCommand, now: Timestamp) throws(CallEngineError) -> [CallEffect] {
        guard phase == .incoming else { throw .invalidState(action: command.actionName, state: state) }
        var effects = disarm(CallTimer.Name(kind: .answerDeadline))
        switch command {
        case .answer(let plan):
            if let uri = plan.callbackUri { call.callbackUri = uri }
            call.mediaConfig = plan.mediaConfig
            call.callOptions = plan.callOptions
            call.activeModalities = plan.acceptedModalities
            if let options = plan.callOptions, options.isDeltaRosterEnabled == true { roster = Roster(rebuilding: roster, isDelta: true) }
            var operation = record(.commsOperation, plan.ticket, status: .running)
            effects.append(.reply(.operation(operation)))
            phase = .establishing
            effects.append(stateNotification(.updated))
            let botId = call.myParticipantId ?? ""
            _ = try? roster.handle(.setMediaStreams(botId, Self.mediaStreams(for: plan.acceptedModalities)))
            _ = try? roster.handle(.join(botId))
            phase = .established
            var established = Call()
            established.id = id
            established.state = .established
            established.direction = .incoming
            established.activeModalities = plan.acceptedModalities
            effects.append(notification(.updated, established))
            operation.status = .completed
            operation.resultInfo = ResultCodes.actionCompleted
            replaceOperation(operation)
            effects += arm(.keepAliveExpiry, at: now.advanced(by: Self.keepAliveWindow))
            if kind == .meeting {
                // An invitation into a meeting: the bot is in it now, with whoever is there.
                effects += enterConference(plan.conference ?? ConferenceJoin(), now: now)
            } else {
                effects += startTimeline(of: peerId ?? "", now: now)
            }
            return effects

        case .reject(let reason, let callbackUri):
            if let callbackUri { call.callbackUri = callbackUri }
            let heard = switch reason {
            case .busy: ResultCodes.busy
            case .forbidden: ResultCodes.forbidden
            case .none, .unknownFutureValue: ResultCodes.declined
            }
            return effects + terminate(heard, minimal: true)

        case .redirect(let plan):
            if let uri = plan.callbackUri { call.callbackUri = uri }
            phase = .redirecting
            call.targets = plan.targets.compactMap(\.invitation)
            effects += arm(.redirectTimeout, at: now.advanced(by: plan.timeout))
            // Every target rings at once: all are ringing before any can fail.
            for target in plan.targets {
                _ = try? roster.handle(.add(target.participant, joined: false, isBot: false))
            }
            for target in plan.targets {
                let participantId = target.participant.id ?? ""
                switch target.behaviour.reach {
                case .rings(let response, _):
                    effects += respond(response, of: participantId, answering: .participantAnswers, now: now)
                case .fails(let result):
                    effects += redirectTargetFailed(participantId, result)
                }
                if phase == .terminated { break }
            }
            return effects

        default:
            throw .invalidState(action: command.actionName, state: state)
        }
    }

    /// A redirect target picked up: the caller now talks to it, and the bot's call is over.
    mutating func redirectAnswered(by participantId: String) -> [CallEffect] {
        guard phase == .redirecting, let member = roster.member(participantId), member.state == .invited else { return [] }
        call.answeredBy = member.participant.info
        return terminate(nil, fullCall: true)
    }

    /// A redirect target will not pick up; when none is left ringing, the redirect failed.
    mutating func redirectTargetFailed(_ participantId: String, _ result: ResultInfo) -> [CallEffect] {
        var effects = disarm(CallTimer.Name(kind: .participantAnswers, subject: participantId))
            + disarm(CallTimer.Name(kind: .farEndDeclines, subject: participantId))
        _ = try? roster.handle(.leave(participantId))
        let ringing = roster.members.contains { !$0.isBot && $0.state == .invited }
        if !ringing { effects += terminate(result, fullCall: true) }
        return effects
    }

    // MARK: A ringing far end picks up or refuses

    /// The ringing far end named by `identityId` (a user id, phone number or participant id;
    /// nil: the only one ringing) picks up, as the control API says.
    mutating func answered(by identityId: String?, now: Timestamp) throws(CallEngineError) -> [CallEffect] {
        switch try ringingPerson(identityId, action: "answer") {
        case .peer:
            return disarm(CallTimer.Name(kind: .farEndAnswers)) + disarm(CallTimer.Name(kind: .farEndDeclines, subject: peerId ?? ""))
                + timerFired(CallTimer.Name(kind: .farEndAnswers), now: now)
        case .transferTarget:
            return disarm(CallTimer.Name(kind: .transferTargetAnswers))
                + disarm(CallTimer.Name(kind: .farEndDeclines, subject: Self.transferTargetSubject))
                + timerFired(CallTimer.Name(kind: .transferTargetAnswers), now: now)
        case .invitee(let participantId):
            let answers = CallTimer.Name(kind: .participantAnswers, subject: participantId)
            return disarm(answers) + disarm(CallTimer.Name(kind: .farEndDeclines, subject: participantId))
                + timerFired(answers, now: now)
        }
    }

    /// The ringing far end named by `identityId` declines or is busy (`result`).
    mutating func refused(by identityId: String?, _ result: ResultInfo, action: String) throws(CallEngineError) -> [CallEffect] {
        switch try ringingPerson(identityId, action: action) {
        case .peer:
            return terminate(result)
        case .transferTarget:
            return transferFailed()
        case .invitee(let participantId):
            return refusedInvitation(participantId, result)
        }
    }

    /// A ringing far end's own decline (its behaviour's timer).
    mutating func declined(_ participantId: String) -> [CallEffect] {
        switch phase {
        case .ringing where participantId == peerId: terminate(ResultCodes.declined)
        case .transferring where participantId == Self.transferTargetSubject: transferFailed()
        default: refusedInvitation(participantId, ResultCodes.declined)
        }
    }

    private mutating func refusedInvitation(_ participantId: String, _ result: ResultInfo) -> [CallEffect] {
        if phase == .redirecting { return redirectTargetFailed(participantId, result) }
        guard roster.member(participantId)?.state == .invited else { return [] }
        var effects = disarm(CallTimer.Name(kind: .participantAnswers, subject: participantId))
            + disarm(CallTimer.Name(kind: .participantRingingTimeout, subject: participantId))
            + disarm(CallTimer.Name(kind: .farEndDeclines, subject: participantId))
        _ = try? roster.handle(.leave(participantId))
        replacements[participantId] = nil
        effects += resolveInvitation(of: participantId, joined: false, failure: result)
        return effects + endIfAlone()
    }

    enum Ringing: Equatable {
        case peer, transferTarget, invitee(String)
    }

    /// Who is ringing, by identity id: the peer of a P2P call, a transfer target, an invitee
    /// or a redirect target.
    func ringingPerson(_ identityId: String?, action: String) throws(CallEngineError) -> Ringing {
        func matches(_ identity: IdentitySet?, _ participantId: String?, anyone: Bool = false) -> Bool {
            guard let identityId, !anyone else { return true }
            let digits = identityId.filter(\.isNumber)
            return identity?.user?.id?.lowercased() == identityId.lowercased()
                || (!digits.isEmpty && identity?.phone?.id?.filter(\.isNumber) == digits)
                || participantId == identityId
        }
        func ringing(anyone: Bool) -> [Ringing] {
            var found: [Ringing] = []
            if phase == .ringing, let peerId, let peer = roster.member(peerId), matches(peer.participant.info?.identity, peerId, anyone: anyone) {
                found.append(.peer)
            }
            if phase == .transferring, let target = transfer?.target, matches(target.identity, nil, anyone: anyone) {
                found.append(.transferTarget)
            }
            if phase == .established || phase == .redirecting {
                for member in roster.members where !member.isBot && member.state == .invited && !awaitingJoin.contains(member.id)
                    && matches(member.participant.info?.identity, member.id, anyone: anyone) {
                    found.append(.invitee(member.id))
                }
            }
            return found
        }
        let found = ringing(anyone: false)
        guard let first = found.first else {
            if ringing(anyone: true).isEmpty { throw .notRinging(action: action) }
            throw .participantNotFound(identityId ?? "")
        }
        guard found.count == 1 else { throw .rejected("Say which participant acts: several people are ringing in this call.") }
        return first
    }
}
