import GraphModel

extension CallMachine {
    /// A current (not stale) timer fired.
    mutating func timerFired(_ name: CallTimer.Name, now: Timestamp) -> [CallEffect] {
        switch name.kind {
        case .farEndAnswers:
            guard phase == .ringing, let peerId else { return [] }
            _ = try? roster.handle(.join(peerId))
            phase = .established
            return disarm(CallTimer.Name(kind: .ringingTimeout)) + [stateNotification(.updated, direction: true)]
                + startTimeline(of: peerId, now: now)

        case .ringingTimeout:
            guard phase == .ringing || phase == .establishing else { return [] }
            return terminate(ResultCodes.noAnswer)

        case .keepAliveExpiry:
            return terminate(ResultCodes.keepAliveTimeout)

        case .participantAnswers where phase == .redirecting:
            return redirectAnswered(by: name.subject)

        case .participantAnswers:
            let participantId = name.subject
            var effects = disarm(CallTimer.Name(kind: .participantRingingTimeout, subject: participantId))
            let changed = (try? roster.handle(.join(participantId))) ?? []
            if announcesRoster { effects += announceRoster(changed) }
            effects += resolveInvitation(of: participantId, joined: true, failure: nil)
            effects += startTimeline(of: participantId, now: now)
            if let replaced = replacements.removeValue(forKey: participantId) {
                // The participant has left the bot's other call for this one: that call ends.
                effects.append(.signal(callId: replaced, .replaced(byCallId: id)))
            }
            return effects

        case .participantRingingTimeout:
            let participantId = name.subject
            var effects = disarm(CallTimer.Name(kind: .participantAnswers, subject: participantId))
            _ = try? roster.handle(.leave(participantId))
            replacements[participantId] = nil
            effects += resolveInvitation(of: participantId, joined: false, failure: ResultCodes.noAnswer)
            return effects + endIfAlone()

        case .mediaOperationEnds:
            return run(media.finish(name.subject), now: now)

        case .operationSettles:
            return finishOperation(name.subject, status: .completed, result: ResultCodes.actionCompleted) { operation in
                if operation.kind == .sendDtmfTonesOperation { operation.completionReason = "completedSuccessfully" }
            }

        case .transferTargetAnswers:
            guard phase == .transferring, let plan = transfer else { return [] }
            var effects = disarm(CallTimer.Name(kind: .transferTimeout))
            phase = .transferAccepted
            effects.append(stateNotification(.updated))
            transfer = nil
            if let consulted = plan.replacesCallId {
                // Consultative: the bot's call with the target has served its purpose.
                effects.append(.signal(callId: consulted, .transferCompleted(inCallId: id)))
            }
            if kind == .peerToPeer {
                // The bot's leg is done: its peer now talks to the target.
                return effects + terminate(
                    ResultCodes.transferCompleted,
                    terminationReason: plan.isConsultative ? "AppTransferred" : nil
                )
            }
            // Out of a group call: the transferee leaves this call for the target; the bot stays.
            phase = .established
            effects.append(stateNotification(.updated))
            if let transfereeId = plan.transfereeId { effects += removeMember(transfereeId) }
            return effects

        case .transferTimeout:
            guard phase == .transferring else { return [] }
            return transferFailed()

        case .farEndDeclines:
            return declined(name.subject)

        case .answerDeadline:
            guard phase == .incoming else { return [] }
            return terminate(ResultCodes.notAnsweredInTime)

        case .redirectTimeout:
            guard phase == .redirecting else { return [] }
            return terminate(ResultCodes.noAnswer, fullCall: true)

        case .farEndEvent:
            let parts = name.subject.split(separator: "#")
            guard parts.count == 2, let index = Int(parts[1]), let events = timelines[String(parts[0])], index < events.count else { return [] }
            let participantId = String(parts[0])
            let joining = events[index].action == .joinMeeting && awaitingJoin.contains(participantId)
            guard roster.member(participantId)?.state == .joined || joining else { return [] }
            if events[index].action == .hangUp { timelines[participantId] = nil }
            return (try? farEnd(events[index].action, by: participantId, now: now)) ?? []
        }
    }

    /// A content sharing session's id, in the form Graph's examples show (64 upper-case hex
    /// digits), made from who shares and when in their timeline.
    static func sharingSessionId(_ participantId: String, _ index: Int) -> String {
        let hex = Array("0123456789ABCDEF")
        var state: UInt64 = 0xcbf2_9ce4_8422_2325
        var digits = ""
        for round in 0..<4 {
            for byte in "\(participantId)#\(index)#\(round)".utf8 {
                state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
            for shift in stride(from: 60, through: 0, by: -4) { digits.append(hex[Int((state >> UInt64(shift)) & 0xF)]) }
        }
        return digits
    }

    /// Arms the timeline of a far end that has just answered.
    mutating func startTimeline(of participantId: String, now: Timestamp) -> [CallEffect] {
        let events = timelines[participantId] ?? []
        return events.indices.flatMap { index in
            arm(.farEndEvent, subject: "\(participantId)#\(index)", at: now.advanced(by: events[index].after))
        }
    }
}
