import CallEngine
import GraphModel
import Foundation
import Testing

@Suite struct CallMachineTests {
    let start = Timestamp(millisecondsSinceEpoch: 1_000_000)

    func plan(_ behaviour: FarEndBehaviour, ringingTimeout: Int? = nil) -> OutgoingCallPlan {
        var call = Call()
        call.id = "call-1"
        call.callbackUri = "https://bot.contoso.com/callback"
        call.myParticipantId = "bot-1"
        call.requestedModalities = [.audio]
        call.source = ParticipantInfo(identity: IdentitySet(application: Identity(id: "app", displayName: "Calling Bot")))
        call.targets = [InvitationParticipantInfo(identity: IdentitySet(user: Identity(id: "user", displayName: "John")))]
        call.ringingTimeoutInSeconds = ringingTimeout
        let farEnd = Participant(id: "peer-1", info: ParticipantInfo(identity: IdentitySet(user: Identity(id: "user", displayName: "John"))))
        let bot = Participant(id: "bot-1", info: call.source!)
        return OutgoingCallPlan(
            call: call, appId: "app", tenantId: "tenant", profile: .v1, kind: .peerToPeer,
            bot: bot, targets: [PlannedParticipant(participant: farEnd, behaviour: behaviour)]
        )
    }

    func notification(_ change: ChangeType, state: CallState, direction: CallDirection? = nil, result: ResultInfo? = nil) -> CallEffect {
        var call = Call()
        call.id = "call-1"
        call.state = state
        call.direction = direction
        call.resultInfo = result
        return .notify(CommsNotification(changeType: change, resourceUrl: "/communications/calls/call-1", resourceData: .single(.call(call)), callbackUri: "https://bot.contoso.com/callback"))
    }

    @Test func placingACallAnnouncesEstablishingAndRingsTheFarEnd() {
        let (machine, effects) = CallMachine.placeOutgoing(plan(.answer(ringFor: .seconds(2))), now: start)
        #expect(effects == [
            notification(.updated, state: .establishing),
            .schedule(CallTimer(kind: .keepAliveExpiry, due: start.advanced(by: .seconds(2700)), generation: 1)),
            .schedule(CallTimer(kind: .farEndAnswers, due: start.advanced(by: .seconds(2)), generation: 2)),
            .schedule(CallTimer(kind: .ringingTimeout, due: start.advanced(by: .seconds(60)), generation: 3)),
        ])
        #expect(machine.graphCall.state == .establishing)
        #expect(machine.graphCall.direction == .outgoing)
        #expect(machine.participants.map(\.id) == ["bot-1"])
    }

    @Test func theFarEndAnsweringEstablishesTheCall() throws {
        var (machine, _) = CallMachine.placeOutgoing(plan(.answer(ringFor: .seconds(2))), now: start)
        let effects = try machine.handle(.timerFired(CallTimer.Name(kind: .farEndAnswers), generation: 2), now: start.advanced(by: .seconds(2)))
        #expect(effects == [.cancel(CallTimer.Name(kind: .ringingTimeout)), notification(.updated, state: .established, direction: .outgoing)])
        #expect(machine.graphCall.state == .established)
        #expect(machine.participants.map(\.id) == ["bot-1", "peer-1"])
        #expect(machine.timers.map(\.kind) == [.keepAliveExpiry])
    }

    @Test func aStaleTimerDoesNothing() throws {
        var (machine, _) = CallMachine.placeOutgoing(plan(.answer(ringFor: .seconds(2))), now: start)
        #expect(try machine.handle(.timerFired(CallTimer.Name(kind: .farEndAnswers), generation: 99), now: start.advanced(by: .seconds(2))) == [])
        #expect(machine.graphCall.state == .establishing)
    }

    @Test func hangingUpAnnouncesTerminatingThenDeleted() throws {
        var (machine, _) = CallMachine.placeOutgoing(plan(.answer(ringFor: .seconds(2))), now: start)
        _ = try machine.handle(.timerFired(CallTimer.Name(kind: .farEndAnswers), generation: 2), now: start.advanced(by: .seconds(2)))
        let effects = try machine.handle(.command(.hangUp), now: start.advanced(by: .seconds(10)))
        #expect(effects == [
            notification(.updated, state: .terminating),
            .cancel(CallTimer.Name(kind: .keepAliveExpiry)),
            notification(.deleted, state: .terminated, result: ResultInfo(code: 200, subcode: 5001, message: "The conversation has ended.")),
            .remove,
        ])
        #expect(machine.isTerminated)
        #expect(throws: CallEngineError.callEnded) { try machine.handle(.command(.hangUp), now: start) }
        #expect(try machine.handle(.timerFired(CallTimer.Name(kind: .keepAliveExpiry), generation: 1), now: start) == [])
    }

    @Test func anUnknownTargetEndsTheCallAtOnce() {
        let (machine, effects) = CallMachine.placeOutgoing(plan(.noEndpoints), now: start)
        #expect(effects == [
            notification(.updated, state: .establishing),
            .schedule(CallTimer(kind: .keepAliveExpiry, due: start.advanced(by: .seconds(2700)), generation: 1)),
            .cancel(CallTimer.Name(kind: .keepAliveExpiry)),
            notification(.deleted, state: .terminated, result: ResultCodes.noCalleeEndpoints),
            .remove,
        ])
        #expect(machine.isTerminated)
    }

    @Test func nobodyAnsweringEndsTheCallAfterTheRingingTimeout() throws {
        var (machine, effects) = CallMachine.placeOutgoing(plan(.noAnswer, ringingTimeout: 30), now: start)
        #expect(effects.last == .schedule(CallTimer(kind: .ringingTimeout, due: start.advanced(by: .seconds(30)), generation: 2)))
        let ended = try machine.handle(.timerFired(CallTimer.Name(kind: .ringingTimeout), generation: 2), now: start.advanced(by: .seconds(30)))
        #expect(ended == [.cancel(CallTimer.Name(kind: .keepAliveExpiry)), notification(.deleted, state: .terminated, result: ResultCodes.noAnswer), .remove])
    }

    @Test func keepAliveMovesTheExpiryAndItsAbsenceEndsTheCall() throws {
        var (machine, _) = CallMachine.placeOutgoing(plan(.answer(ringFor: .zero)), now: start)
        _ = try machine.handle(.timerFired(CallTimer.Name(kind: .farEndAnswers), generation: 2), now: start)
        let later = start.advanced(by: .seconds(900))
        #expect(try machine.handle(.command(.keepAlive), now: later) == [.schedule(CallTimer(kind: .keepAliveExpiry, due: later.advanced(by: .seconds(2700)), generation: 4))])
        #expect(try machine.handle(.timerFired(CallTimer.Name(kind: .keepAliveExpiry), generation: 1), now: start.advanced(by: .seconds(2700))) == [])
        let expired = try machine.handle(.timerFired(CallTimer.Name(kind: .keepAliveExpiry), generation: 4), now: later.advanced(by: .seconds(2700)))
        #expect(expired == [notification(.deleted, state: .terminated, result: ResultCodes.keepAliveTimeout), .remove])
    }

    @Test func theFarEndHangingUpEndsAnEstablishedCall() throws {
        var (machine, _) = CallMachine.placeOutgoing(plan(.answer(ringFor: .zero)), now: start)
        #expect(throws: CallEngineError.invalidState(action: "hangUp", state: .establishing)) {
            try machine.handle(.farEndActs(.hangUp, identityId: nil), now: start)
        }
        _ = try machine.handle(.timerFired(CallTimer.Name(kind: .farEndAnswers), generation: 2), now: start)
        let effects = try machine.handle(.farEndActs(.hangUp, identityId: nil), now: start)
        #expect(effects == [.cancel(CallTimer.Name(kind: .keepAliveExpiry)), notification(.deleted, state: .terminated, result: ResultCodes.peerEndedCall), .remove])
    }

    @Test func stateSurvivesEncodingForTheStore() throws {
        var (machine, _) = CallMachine.placeOutgoing(plan(.answer(ringFor: .seconds(1))), now: start)
        let restored = try JSONDecoder().decode(CallMachine.self, from: JSONEncoder().encode(machine))
        #expect(restored == machine)
        _ = try machine.handle(.timerFired(CallTimer.Name(kind: .farEndAnswers), generation: 2), now: start)
        #expect(restored != machine)
    }
}
