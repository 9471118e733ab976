import GraphModel

/// What people at the far end do: from the control API or from their timelines.
extension CallMachine {
    /// The participant a far-end action names by identity id.
    func person(_ identityId: String?) throws(CallEngineError) -> String {
        let others = roster.members.filter { $0.state == .joined && !$0.isBot }
        guard let identityId else {
            if let peerId, kind == .peerToPeer { return peerId }
            guard others.count == 1 else {
                throw .rejected("Say which participant acts: several people are in this call.")
            }
            return others[0].id
        }
        let wanted = identityId.lowercased()
        let digits = identityId.filter(\.isNumber)
        let match = others.first { member in
            let identity = member.participant.info?.identity
            return identity?.user?.id?.lowercased() == wanted
                || (!digits.isEmpty && identity?.phone?.id?.filter(\.isNumber) == digits)
                || member.id == identityId
        }
        guard let match else { throw .participantNotFound(identityId) }
        return match.id
    }

    /// What a person at the far end does, by participant id: from the control API or from
    /// their timeline.
    mutating func farEnd(_ action: FarEndEvent.Action, by participantId: String, now: Timestamp) throws(CallEngineError) -> [CallEffect] {
        switch action {
        case .hangUp:
            // A peer hanging up ends a peer-to-peer call; anyone else just leaves.
            if kind == .peerToPeer { return terminate(ResultCodes.peerEndedCall) }
            guard roster.member(participantId)?.isBot == false else { throw .participantNotFound(participantId) }
            return removeMember(participantId)
        case .pressKeys(let tones):
            return pressKeys(tones, now: now)
        case .startSharing:
            guard !contentSharingSessions.contains(where: { $0.presenterParticipantId == participantId }) else {
                throw .rejected("Participant '\(participantId)' is sharing already.")
            }
            sharingCount += 1
            var session = ContentSharingSession(id: Self.sharingSessionId(participantId, sharingCount))
            session.presenterParticipantId = participantId
            return contentSharingChanged(.created, session)
        case .updateSharing, .stopSharing:
            guard let session = contentSharingSessions.first(where: { $0.presenterParticipantId == participantId }) else {
                throw .rejected("Participant '\(participantId)' is not sharing.")
            }
            return contentSharingChanged(action == .updateSharing ? .updated : .deleted, session)
        case .mute, .unmute:
            let changed = (try? roster.handle(.setMuted(participantId, action == .mute))) ?? []
            return announceRoster(changed)
        case .joinMeeting:
            guard awaitingJoin.remove(participantId) != nil else {
                throw .rejected("Participant '\(participantId)' is in the meeting already.")
            }
            let changed = (try? roster.handle(.join(participantId))) ?? []
            return announceRoster(changed)
        }
    }

    /// A stop tone pressed while a recording runs ends it there (after its prompt and beep:
    /// a key pressed during those ends it empty).
    mutating func stopRecording(on tones: [Tone], now: Timestamp) -> [CallEffect] {
        guard let item = media.running, var recording = item.recording, let started = mediaStartedAt,
              tones.contains(where: recording.stopTones.contains) else { return [] }
        let recordingStarts = started.advanced(by: item.duration - recording.recordedFor)
        recording.recordedFor = max(.zero, recordingStarts.duration(to: now))
        recording.result = ResultCodes.stopToneDetected
        recording.completionReason = "stopToneDetected"
        var ended = item
        ended.recording = recording
        return disarm(CallTimer.Name(kind: .mediaOperationEnds, subject: item.operationId))
            + run(media.finish(item.operationId, as: ended), now: now)
    }

    /// Tone notifications for each key pressed, when the bot subscribed to tones.
    mutating func pressKeys(_ tones: [Tone], now: Timestamp) -> [CallEffect] {
        let effects = stopRecording(on: tones, now: now)
        guard toneSubscribed else { return effects }
        return effects + tones.map { tone in
            toneSequence += 1
            var data = Call()
            data.id = id
            data.state = state
            data.toneInfo = ToneInfo(sequenceId: toneSequence, tone: tone)
            call.toneInfo = data.toneInfo
            return notification(.updated, data)
        }
    }
}
