import CallEngine
import GraphModel
import Testing

/// The engine's incoming calls and far-end responses, without a server.
@Suite struct IncomingCallMachineTests {
    let start = Timestamp(millisecondsSinceEpoch: 1_000_000)
    let webhook = "https://bot.contoso.com/calls"

    func incoming(callerBehaviour: FarEndBehaviour = .answer(ringFor: .zero)) -> (CallMachine, [CallEffect]) {
        var call = Call()
        call.id = "call-1"
        call.callbackUri = webhook
        call.myParticipantId = "bot-1"
        call.requestedModalities = [.audio]
        call.source = ParticipantInfo(identity: IdentitySet(user: Identity(id: "john", displayName: "John")))
        call.targets = [InvitationParticipantInfo(identity: IdentitySet(application: Identity(id: "app", displayName: "Bot")))]
        let caller = PlannedParticipant(participant: Participant(id: "peer-1", info: call.source!), behaviour: callerBehaviour)
        let bot = Participant(id: "bot-1", info: ParticipantInfo(identity: call.targets?.first?.identity))
        return CallMachine.receiveIncoming(
            IncomingCallPlan(call: call, appId: "app", tenantId: "tenant", profile: .v1, caller: caller, bot: bot), now: start
        )
    }

    func states(_ effects: [CallEffect]) -> [CallState?] {
        effects.compactMap { effect in
            guard case .notify(let notification) = effect, case .single(.call(let call))? = notification.resourceData else { return nil }
            return call.state
        }
    }

    func answer(_ callbackUri: String? = nil) -> CallCommand {
        .answer(AnswerPlan(ticket: OperationTicket(id: "op-1", clientContext: nil), callbackUri: callbackUri, acceptedModalities: [.audio],
                           mediaConfig: MediaConfig(kind: .serviceHostedMediaConfig), callOptions: nil, participantCapacity: nil))
    }

    func planned(_ id: String, _ behaviour: FarEndBehaviour) -> PlannedParticipant {
        PlannedParticipant(participant: Participant(id: id, info: ParticipantInfo(identity: IdentitySet(user: Identity(id: id)))), behaviour: behaviour)
    }

    /// The bot calls `peer`, who behaves as planned.
    func outgoing(to peer: PlannedParticipant) -> (CallMachine, [CallEffect]) {
        var call = Call()
        call.id = "call-2"
        call.callbackUri = webhook
        call.myParticipantId = "bot-1"
        let bot = Participant(id: "bot-1", info: ParticipantInfo(identity: IdentitySet(application: Identity(id: "app"))))
        return CallMachine.placeOutgoing(OutgoingCallPlan(
            call: call, appId: "app", tenantId: "tenant", profile: .v1, kind: .peerToPeer, bot: bot, targets: [peer]
        ), now: start)
    }

    @Test func anIncomingCallIsAnnouncedAndHasFifteenSeconds() {
        let (machine, effects) = incoming()
        #expect(machine.state == .incoming)
        #expect(machine.graphCall.direction == .incoming)
        guard case .notify(let announced) = effects.first else { Issue.record("no announcement"); return }
        #expect(announced.changeType == .created)
        #expect(announced.callbackUri == webhook)
        #expect(effects.last == .schedule(CallTimer(kind: .answerDeadline, due: start.advanced(by: .seconds(15)), generation: 1)))
    }

    @Test func answeringEstablishesAndStartsTheCallersTimeline() throws {
        var (machine, _) = incoming(callerBehaviour: .answer(ringFor: .zero, then: [FarEndEvent(after: .seconds(3), .hangUp)]))
        let effects = try machine.handle(.command(answer("https://bot.contoso.com/answered")), now: start)
        #expect(states(effects) == [.establishing, .established])
        #expect(effects.contains(.cancel(CallTimer.Name(kind: .answerDeadline))))
        #expect(machine.callbackUri == "https://bot.contoso.com/answered")
        #expect(machine.timers.map(\.kind).sorted { $0.rawValue < $1.rawValue } == [.farEndEvent, .keepAliveExpiry])
        #expect(machine.operation("op-1")?.status == .completed)
        // A second answer is refused and changes nothing.
        #expect(throws: CallEngineError.self) { try machine.handle(.command(answer()), now: start) }
    }

    @Test func theDeadlineDropsTheCall() throws {
        var (machine, _) = incoming()
        let effects = try machine.handle(.timerFired(CallTimer.Name(kind: .answerDeadline), generation: 1), now: start.advanced(by: .seconds(15)))
        #expect(states(effects) == [.terminated])
        #expect(machine.isTerminated)
        #expect(machine.graphCall.resultInfo == ResultCodes.notAnsweredInTime)
    }

    @Test(arguments: [(RejectReason.none, ResultCodes.declined), (.busy, ResultCodes.busy), (.forbidden, ResultCodes.forbidden)])
    func rejectingEndsTheCallWithWhatTheCallerHears(_ reason: RejectReason, _ heard: ResultInfo) throws {
        var (machine, _) = incoming()
        let effects = try machine.handle(.command(.reject(reason, callbackUri: nil)), now: start)
        #expect(effects.last == .remove)
        #expect(machine.graphCall.resultInfo == heard)
    }

    @Test func aRedirectIsWonByTheFirstTargetToAnswer() throws {
        var (machine, _) = incoming()
        let plan = RedirectPlan(targets: [planned("busy", .busy), planned("slow", .answer(ringFor: .seconds(5))), planned("fast", .answer(ringFor: .seconds(2)))],
                                timeout: .seconds(20), callbackUri: nil)
        let effects = try machine.handle(.command(.redirect(plan)), now: start)
        // The busy target is out at once; the call goes on ringing the others.
        #expect(states(effects) == [])
        #expect(machine.state == .redirecting)
        let fast = try machine.handle(.timerFired(CallTimer.Name(kind: .participantAnswers, subject: "fast"), generation: machine.timers.first { $0.subject == "fast" }!.generation), now: start.advanced(by: .seconds(2)))
        #expect(states(fast) == [.terminated])
        #expect(machine.graphCall.answeredBy?.identity?.user?.id == "fast")
        #expect(machine.graphCall.resultInfo == nil)
    }

    @Test func aRedirectNobodyTakesEndsWithTheLastRefusal() throws {
        var (machine, _) = incoming()
        let plan = RedirectPlan(targets: [planned("a", .busy), planned("b", .unreachable)], timeout: .seconds(20), callbackUri: nil)
        _ = try machine.handle(.command(.redirect(plan)), now: start)
        #expect(machine.isTerminated)
        #expect(machine.graphCall.resultInfo == ResultCodes.unreachable)
    }

    @Test func aManualFarEndWaitsForTheControlAPI() throws {
        var (machine, effects) = outgoing(to: planned("heidi", .manual()))
        // Only the keepAlive and the ringing timeout: nobody answers on their own.
        #expect(effects.filter { if case .schedule = $0 { true } else { false } }.count == 2)
        #expect(throws: CallEngineError.participantNotFound("someone")) { try machine.handle(.farEndResponds(.answer, identityId: "someone"), now: start) }
        let answered = try machine.handle(.farEndResponds(.answer, identityId: "heidi"), now: start)
        #expect(states(answered) == [.established])
        #expect(throws: CallEngineError.notRinging(action: "busy")) { try machine.handle(.farEndResponds(.busy, identityId: nil), now: start) }
    }

    @Test func aDecliningFarEndEndsTheCallAfterRinging() throws {
        var (machine, effects) = outgoing(to: planned("x", .decline(ringFor: .seconds(4))))
        guard case .schedule(let timer)? = effects.first(where: { if case .schedule(let t) = $0 { t.kind == .farEndDeclines } else { false } }) else {
            Issue.record("no decline timer")
            return
        }
        #expect(timer.due == start.advanced(by: .seconds(4)))
        _ = try machine.handle(.timerFired(timer.name, generation: timer.generation), now: timer.due)
        #expect(machine.graphCall.resultInfo == ResultCodes.declined)
    }
}
