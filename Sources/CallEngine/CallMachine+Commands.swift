import GraphModel

extension CallMachine {
    /// The most VoIP users an ad-hoc group call holds (Graph: "up to 5").
    public static let groupCallUserLimit = 5

    /// Handles a bot's command. Every refusal leaves the machine as it was.
    mutating func handle(_ command: CallCommand, now: Timestamp) throws(CallEngineError) -> [CallEffect] {
        switch command {
        case .hangUp:
            return terminate(ResultCodes.conversationEnded, announceTerminating: true)
        case .keepAlive:
            return arm(.keepAliveExpiry, at: now.advanced(by: Self.keepAliveWindow))
        case .createAudioRoutingGroup(let group):
            try requireEstablished(command)
            guard !audioRoutingGroups.contains(where: { $0.id == group.id }) else { throw .audioRoutingGroupExists(group.id ?? "") }
            try validate(group)
            audioRoutingGroups.append(group)
            return [.reply(.audioRoutingGroup(group))]
        case .updateAudioRoutingGroup(let patch):
            guard let index = audioRoutingGroups.firstIndex(where: { $0.id == patch.id }) else {
                throw .audioRoutingGroupNotFound(patch.id ?? "")
            }
            var group = audioRoutingGroups[index]
            if let mode = patch.routingMode { group.routingMode = mode }
            if let sources = patch.sources { group.sources = sources }
            if let receivers = patch.receivers { group.receivers = receivers }
            try validate(group)
            audioRoutingGroups[index] = group
            return [.reply(.audioRoutingGroup(group))]
        case .deleteAudioRoutingGroup(let groupId):
            guard audioRoutingGroups.contains(where: { $0.id == groupId }) else { throw .audioRoutingGroupNotFound(groupId) }
            audioRoutingGroups.removeAll { $0.id == groupId }
            return []
        case .answer, .reject, .redirect:
            return try handleIncoming(command, now: now)
        default:
            try requireEstablished(command)
            return try handleInCall(command, now: now)
        }
    }

    private func requireEstablished(_ command: CallCommand) throws(CallEngineError) {
        guard phase == .established else { throw .invalidState(action: command.actionName, state: state) }
    }

    private func requireServiceHostedMedia(_ command: CallCommand) throws(CallEngineError) {
        guard isServiceHostedMedia else {
            throw .notSupportedInCall(action: command.actionName, reason: "it needs service-hosted media (serviceHostedMediaConfig)")
        }
    }

    private func requireGroup(_ command: CallCommand) throws(CallEngineError) {
        guard kind != .peerToPeer else {
            throw .notSupportedInCall(action: command.actionName, reason: "it is supported in group calls and meetings only")
        }
    }

    /// The commands that need an established call.
    private mutating func handleInCall(_ command: CallCommand, now: Timestamp) throws(CallEngineError) -> [CallEffect] {
        switch command {
        case .muteSelf(let ticket, let mute):
            try requireGroup(command)
            let botId = call.myParticipantId ?? ""
            let changed = (try? roster.handle(.setMuted(botId, mute))) ?? []
            let operation = record(mute ? .muteParticipantOperation : .unmuteParticipantOperation, ticket, status: .completed, result: ResultCodes.actionCompleted)
            return [.reply(.operation(operation))] + announceRoster(changed)

        case .playPrompt(let ticket, let duration):
            try requireServiceHostedMedia(command)
            let operation = record(.playPromptOperation, ticket, status: .running)
            return [.reply(.operation(operation))] + run(media.enqueue(.init(operationId: ticket.id, duration: duration)), now: now)

        case .recordResponse(let ticket, let promptDuration, let bargeIn, let recording):
            try requireServiceHostedMedia(command)
            let operation = record(.recordOperation, ticket, status: .running)
            let item = MediaQueue.Item(operationId: ticket.id, duration: promptDuration + recording.recordedFor, recording: recording)
            return [.reply(.operation(operation))] + run(media.enqueue(item, bargeIn: bargeIn), now: now)

        case .cancelMediaProcessing(let ticket):
            let cancelled = run(media.cancelAll(), now: now)
            let operation = record(.cancelMediaProcessingOperation, ticket, status: .completed, result: ResultCodes.actionCompleted)
            return [.reply(.operation(operation))] + cancelled

        case .subscribeToTone(let ticket):
            try requireServiceHostedMedia(command)
            toneSubscribed = true
            let operation = record(.subscribeToToneOperation, ticket, status: .completed, result: ResultCodes.actionCompleted)
            return [.reply(.operation(operation))]

        case .sendDtmfTones(let ticket, let duration):
            let operation = record(.sendDtmfTonesOperation, ticket, status: .running)
            return [.reply(.operation(operation))] + arm(.operationSettles, subject: ticket.id, at: now.advanced(by: duration))

        case .updateRecordingStatus(let ticket, let status):
            guard kind != .group else {
                throw .notSupportedInCall(action: command.actionName, reason: "ad-hoc group calls do not support recording")
            }
            // The bot's participant shows it (the recording indicator everyone in the call sees).
            let changed = (try? roster.handle(.setRecordingStatus(call.myParticipantId ?? "", status))) ?? []
            let operation = record(.updateRecordingStatusOperation, ticket, status: .completed)
            return [.reply(.operation(operation))] + announceRoster(changed)

        case .changeScreenSharingRole(let role):
            try requireGroup(command)
            guard !isServiceHostedMedia else {
                throw .notSupportedInCall(action: command.actionName, reason: "it needs app-hosted media (appHostedMediaConfig)")
            }
            let botId = call.myParticipantId ?? ""
            var streams = roster.member(botId)?.participant.mediaStreams ?? []
            streams.removeAll { $0.mediaType == .videoBasedScreenSharing }
            if role == .sharer {
                let sourceId = String((streams.compactMap { Int($0.sourceId ?? "") }.max() ?? 0) + 1)
                streams.append(MediaStream(mediaType: .videoBasedScreenSharing, label: "applicationsharing-video", sourceId: sourceId, direction: .sendOnly))
            }
            let changed = (try? roster.handle(.setMediaStreams(botId, streams))) ?? []
            return announceRoster(changed)

        case .addLargeGalleryView(let ticket, let participant):
            try requireGroup(command)
            let operation = record(.addLargeGalleryViewOperation, ticket, status: .running)
            let changed = (try? roster.handle(.add(participant, joined: true, isBot: false))) ?? []
            return [.reply(.operation(operation))] + announceRoster(changed)
                + arm(.operationSettles, subject: ticket.id, at: now)

        case .invite(let ticket, let invitees):
            if kind == .peerToPeer && invitees.count > 1 {
                throw .rejected("Inviting several participants at once is supported only in group calls and meetings.")
            }
            try checkInvitable(invitees)
            var operation = record(.inviteParticipantsOperation, ticket, status: .running)
            operation.participants = invitees.compactMap(\.invitation)
            replaceOperation(operation)
            if kind == .peerToPeer {
                // Inviting a third party turns a peer-to-peer call into a group call.
                kind = .group
            }
            pendingInvites[ticket.id] = invitees.compactMap(\.participant.id)
            var effects: [CallEffect] = [.reply(.operation(operation))]
            for invitee in invitees {
                effects += invite(invitee, operationId: ticket.id, now: now)
            }
            return effects

        case .removeParticipant(let participantId):
            try requireGroup(command)
            guard let member = roster.member(participantId), member.state != .left else { throw .participantNotFound(participantId) }
            guard !member.isBot else { throw .rejected("The bot cannot remove itself; hang up the call (DELETE) instead.") }
            return removeMember(participantId)

        case .muteParticipant(let participantId, let ticket):
            try requireGroup(command)
            let member = try joinedMember(participantId)
            let changed = (try? roster.handle(.setMuted(member.id, true))) ?? []
            let operation = record(.muteParticipantOperation, ticket, status: .completed, result: ResultCodes.actionCompleted)
            return [.reply(.operation(operation))] + announceRoster(changed)

        case .startHoldMusic(let participantId, let ticket):
            let member = try joinedMember(participantId)
            guard !member.isBot else { throw .rejected("The bot cannot put itself on hold.") }
            if let held = roster.members.first(where: { $0.onHold }) {
                throw .rejected(held.id == participantId
                    ? "Participant '\(participantId)' is on hold already."
                    : "Only one participant can be on hold at a time; '\(held.id)' is on hold.")
            }
            _ = try? roster.handle(.setOnHold(participantId, true))
            let operation = record(.startHoldMusicOperation, ticket, status: .running)
            return [.reply(.operation(operation))] + arm(.operationSettles, subject: ticket.id, at: now)

        case .stopHoldMusic(let participantId, let ticket):
            let member = try joinedMember(participantId)
            guard member.onHold else { throw .rejected("Participant '\(participantId)' is not on hold.") }
            _ = try? roster.handle(.setOnHold(participantId, false))
            let operation = record(.stopHoldMusicOperation, ticket, status: .running)
            return [.reply(.operation(operation))] + arm(.operationSettles, subject: ticket.id, at: now)

        case .transfer(let plan):
            if kind != .peerToPeer {
                guard let transfereeId = plan.transfereeId else {
                    throw .rejected("Transferring out of a group call needs a transferee.")
                }
                let transferee = try joinedMember(transfereeId)
                guard !transferee.isBot else { throw .rejected("The transferee must be another participant, not the bot.") }
            }
            transfer = plan
            phase = .transferring
            var effects = [stateNotification(.updated)]
            switch plan.behaviour.reach {
            case .rings(let response, _):
                effects += respond(response, of: Self.transferTargetSubject, answering: .transferTargetAnswers, now: now)
                effects += arm(.transferTimeout, at: now.advanced(by: Self.defaultRingingTimeout))
            case .fails:
                effects += transferFailed()
            }
            return effects

        case .hangUp, .keepAlive, .createAudioRoutingGroup, .updateAudioRoutingGroup, .deleteAudioRoutingGroup,
             .answer, .reject, .redirect:
            return try handle(command, now: now)
        }
    }

    private func joinedMember(_ participantId: String) throws(CallEngineError) -> Roster.Member {
        guard let member = roster.member(participantId), member.state == .joined else { throw .participantNotFound(participantId) }
        return member
    }

    /// Graph's invitation rules: the same identity cannot be invited twice, and an ad-hoc
    /// group call holds at most five VoIP users.
    private func checkInvitable(_ invitees: [PlannedParticipant]) throws(CallEngineError) {
        let present = roster.members.filter { $0.state != .left }
        var seen = Set(present.compactMap { identityKey($0.participant) })
        for invitee in invitees {
            guard let key = identityKey(invitee.participant) else { continue }
            guard seen.insert(key).inserted else {
                throw .rejected("The same identity cannot be invited twice: '\(key)' is already in the call.")
            }
        }
        if kind != .meeting {
            let users = present.count { $0.participant.info?.identity?.user != nil }
                + invitees.count { $0.participant.info?.identity?.user != nil }
            if users > Self.groupCallUserLimit {
                throw .rejected("A group call supports up to \(Self.groupCallUserLimit) VoIP users.")
            }
        }
    }

    private func identityKey(_ participant: Participant) -> String? {
        let identity = participant.info?.identity
        if let id = identity?.user?.id { return "user:\(id.lowercased())" }
        if let id = identity?.phone?.id { return "phone:\(id.filter(\.isNumber))" }
        if let id = identity?.application?.id, identity?.applicationInstance == nil { return "application:\(id.lowercased())" }
        if let id = identity?.applicationInstance?.id { return "applicationInstance:\(id.lowercased())" }
        return nil
    }

    /// Audio routing group rules: `oneToOne` has one source and one receiver, `multicast`
    /// one source and one or more receivers, all of them participants of the call.
    private func validate(_ group: AudioRoutingGroup) throws(CallEngineError) {
        let sources = group.sources ?? []
        let receivers = group.receivers ?? []
        switch group.routingMode {
        case .oneToOne:
            guard sources.count == 1, receivers.count == 1 else {
                throw .rejected("A oneToOne audio routing group has exactly one source and one receiver.")
            }
        case .multicast:
            guard sources.count == 1, !receivers.isEmpty else {
                throw .rejected("A multicast audio routing group has one source and at least one receiver.")
            }
        case .unknownFutureValue, nil:
            throw .rejected("routingMode must be oneToOne or multicast.")
        }
        for participantId in sources + receivers where roster.member(participantId)?.state != .joined {
            throw .participantNotFound(participantId)
        }
    }

    // MARK: Operations

    /// Records a new operation in the call's history and returns it.
    mutating func record(_ kind: CommsOperation.Kind, _ ticket: OperationTicket, status: OperationStatus, result: ResultInfo? = nil) -> CommsOperation {
        var operation = CommsOperation(kind: kind, id: ticket.id, status: status, clientContext: ticket.clientContext)
        operation.resultInfo = result
        operations.append(operation)
        if operations.count > Self.operationHistoryLimit { operations.removeFirst(operations.count - Self.operationHistoryLimit) }
        return operation
    }

    mutating func replaceOperation(_ operation: CommsOperation) {
        guard let index = operations.firstIndex(where: { $0.id == operation.id }) else { return }
        operations[index] = operation
    }

    /// Ends an operation: its final state is stored, and (unless the synchronous answer
    /// already said so) announced with a `deleted` notification on the operation.
    mutating func finishOperation(
        _ operationId: String, status: OperationStatus, result: ResultInfo?, notify: Bool = true,
        update: (inout CommsOperation) -> Void = { _ in }
    ) -> [CallEffect] {
        guard let index = operations.firstIndex(where: { $0.id == operationId }) else { return [] }
        operations[index].status = status
        operations[index].resultInfo = result
        update(&operations[index])
        guard notify else { return [] }
        let url = "/communications/calls/\(id)/operations/\(operationId)"
        var data = operations[index]
        data.additionalData["@odata.id"] = .string(url)
        return [.notify(CommsNotification(changeType: .deleted, resourceUrl: url, resourceData: .single(.operation(data)), callbackUri: callbackUri))]
    }

    /// Turns media-queue outputs into effects: a started item arms its timer, a finished one
    /// completes its operation, a cancelled one fails it with 400/8508.
    mutating func run(_ outputs: [MediaQueue.Output], now: Timestamp) -> [CallEffect] {
        var effects: [CallEffect] = []
        for output in outputs {
            switch output {
            case .started(let item):
                mediaStartedAt = now
                effects += arm(.mediaOperationEnds, subject: item.operationId, at: now.advanced(by: item.duration))
            case .finished(let item):
                if let recording = item.recording {
                    effects.append(.recordingReady(operationId: item.operationId, recording))
                    effects += finishOperation(item.operationId, status: .completed, result: recording.result) { operation in
                        operation.recordingLocation = recording.location
                        operation.recordingAccessToken = recording.accessToken
                        operation.completionReason = recording.completionReason
                    }
                } else {
                    effects += finishOperation(item.operationId, status: .completed, result: ResultCodes.actionCompleted) { operation in
                        operation.completionReason = "completedSuccessfully"
                    }
                }
            case .cancelled(let item):
                effects += disarm(CallTimer.Name(kind: .mediaOperationEnds, subject: item.operationId))
                effects += finishOperation(item.operationId, status: .failed, result: ResultCodes.operationCancelled) { operation in
                    if item.recording != nil {
                        operation.recordingLocation = ""
                        operation.recordingAccessToken = ""
                        operation.completionReason = "operationCanceled"
                    } else {
                        operation.completionReason = "mediaOperationCanceled"
                    }
                }
            }
        }
        return effects
    }

    // MARK: Invitations

    /// Invites one participant: it rings as its behaviour says and joins, or its
    /// invitation fails.
    mutating func invite(_ invitee: PlannedParticipant, operationId: String?, now: Timestamp) -> [CallEffect] {
        let participantId = invitee.participant.id ?? ""
        _ = try? roster.handle(.add(invitee.participant, joined: false, isBot: false))
        if let replaced = invitee.replacesCallId { replacements[participantId] = replaced }
        switch invitee.behaviour.reach {
        case .rings(let response, let timeline):
            timelines[participantId] = timeline
            return respond(response, of: participantId, answering: .participantAnswers, now: now)
                + arm(.participantRingingTimeout, subject: participantId, at: now.advanced(by: Self.defaultRingingTimeout))
        case .fails(let result):
            _ = try? roster.handle(.leave(participantId))
            replacements[participantId] = nil
            return resolveInvitation(of: participantId, joined: false, failure: result)
        }
    }

    /// An invitee joined or will not: when the last one of its invite operation is
    /// resolved, the operation completes (or fails, when someone could not be added).
    mutating func resolveInvitation(of participantId: String, joined: Bool, failure: ResultInfo?) -> [CallEffect] {
        guard let operationId = pendingInvites.first(where: { $0.value.contains(participantId) })?.key else { return [] }
        pendingInvites[operationId]?.removeAll { $0 == participantId }
        if let failure, let index = operations.firstIndex(where: { $0.id == operationId }) {
            operations[index].resultInfo = failure
        }
        guard pendingInvites[operationId]?.isEmpty == true else { return [] }
        pendingInvites[operationId] = nil
        let failed = operation(operationId)?.resultInfo
        return finishOperation(operationId, status: failed == nil ? .completed : .failed, result: failed ?? ResultCodes.actionCompleted)
    }

    // MARK: Transfers

    /// The subject a transfer target's own timers (declining) carry.
    static let transferTargetSubject = "transferTarget"

    /// The transfer target declined or never answered: the call is established again.
    mutating func transferFailed() -> [CallEffect] {
        let consultative = transfer?.isConsultative ?? false
        transfer = nil
        phase = .established
        let effects = disarm(CallTimer.Name(kind: .transferTargetAnswers)) + disarm(CallTimer.Name(kind: .transferTimeout))
        return effects + [stateNotification(.updated, result: consultative ? ResultCodes.consultativeTransferFailed : ResultCodes.transferFailed)]
    }
}
