import GraphModel

/// What calls tell each other: replaced calls, completed transfers, meeting rosters.
extension CallMachine {
    /// Another call's change reaches this one: the peer moved into another call, or a
    /// transfer this call consulted for completed.
    mutating func receive(_ signal: CallSignal) -> [CallEffect] {
        switch signal {
        case .replaced:
            // As Graph's invite page shows: `updated` terminated with the reason, then `deleted`.
            var ended = Call()
            ended.id = id
            ended.state = .terminated
            ended.terminationReason = "AppInitiated"
            return [notification(.updated, ended)] + terminate(ResultCodes.replaced, terminationReason: "AppInitiated")
        case .transferCompleted:
            return terminate(ResultCodes.transferCompleted, terminationReason: "AppTransferred")
        case .meetingRoster(let from, let upserted, let left, let ended):
            if ended {
                meetingPeers.removeAll { $0 == from }
            } else if !meetingPeers.contains(from) {
                meetingPeers.append(from)
            }
            var changed: [Participant] = []
            for participant in upserted { changed += (try? roster.handle(.upsert(participant))) ?? [] }
            for participantId in left { changed += (try? roster.handle(.leave(participantId))) ?? [] }
            return changed.isEmpty ? [] : [rosterNotification(changed)]
        }
    }

    /// Tells the other calls in the meeting about a change of this call's roster.
    func tellMeeting(upserted: [Participant], left: [String], ended: Bool = false) -> [CallEffect] {
        guard kind == .meeting, !upserted.isEmpty || !left.isEmpty else { return [] }
        return meetingPeers.map { peer in
            .signal(callId: peer, .meetingRoster(fromCallId: id, upserted: upserted, left: left, ended: ended))
        }
    }

    /// Announces roster changes this call made: a roster notification to its bot, and the
    /// same changes to the other calls in the meeting.
    func announceRoster(_ changed: [Participant]) -> [CallEffect] {
        guard !changed.isEmpty, announcesRoster else { return [] }
        let left = changed.filter { $0.removedState != nil }.compactMap(\.id)
        let upserted = changed.filter { $0.removedState == nil }
        return [rosterNotification(changed)] + tellMeeting(upserted: upserted, left: left)
    }
}
