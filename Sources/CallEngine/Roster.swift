import GraphModel

/// The participants of one call, each with its own state, and the roster updates Graph
/// sends when they change.
///
/// A value: inputs in, the participants that changed out. The call machine decides whether
/// a change is announced (group calls and meetings; not peer-to-peer calls) and wraps it in
/// a notification with ``notificationData(_:)``.
public struct Roster: Codable, Sendable, Hashable {
    /// Where a member is in the call.
    public enum MemberState: String, Codable, Sendable, Hashable {
        /// Invited; its endpoints are ringing.
        case invited
        /// In the call (shown in the roster).
        case joined
        /// Gone: left, removed, or never answered.
        case left
    }

    /// One member: the participant as Graph shows it, plus what the roster needs to know.
    public struct Member: Codable, Sendable, Hashable {
        public var participant: Participant
        public var state: MemberState
        /// Whether hold music is playing to this member.
        public var onHold: Bool
        /// The bot itself.
        public var isBot: Bool

        public var id: String { participant.id ?? "" }
    }

    /// What can happen to the roster.
    public enum Input: Sendable, Hashable {
        /// A member is added: `joined` at once (the bot, a meeting attendee) or `invited`.
        case add(Participant, joined: Bool, isBot: Bool)
        /// An invited member answers.
        case join(String)
        /// A member leaves, is removed, or its invitation ends.
        case leave(String)
        /// Server mute (or unmute) of a member.
        case setMuted(String, Bool)
        /// Hold music starts or stops for a member.
        case setOnHold(String, Bool)
        /// A member's media streams change (screen-sharing role and the like).
        case setMediaStreams(String, [MediaStream])
        /// A member starts or stops recording (updateRecordingStatus for the bot).
        case setRecordingStatus(String, RecordingStatus)
        /// A participant another call in the same meeting reports: added as joined, or its
        /// state (mute, streams) taken over when it is in the roster already.
        case upsert(Participant)
    }

    /// Why the roster refused an input.
    public enum Refusal: Error, Sendable, Hashable {
        case unknownParticipant(String)
        case alreadyPresent(String)
    }

    public private(set) var members: [Member] = []
    /// The number of the last roster update (delta rosters carry it).
    public private(set) var sequenceNumber: Int64 = 0
    /// Whether updates are delta rosters (`isDeltaRosterEnabled`).
    public private(set) var isDelta: Bool

    public init(isDelta: Bool) {
        self.isDelta = isDelta
    }

    /// The same members, announced as `isDelta` says (an answer's call options decide).
    public init(rebuilding roster: Roster, isDelta: Bool) {
        self = roster
        self.isDelta = isDelta
    }

    /// The members in the call, as `GET .../participants` and full rosters show them.
    public var participants: [Participant] {
        members.filter { $0.state == .joined }.map(\.participant)
    }

    /// The member with this participant id, whatever its state.
    public func member(_ id: String) -> Member? {
        members.first { $0.id == id }
    }

    /// Joined members other than the bot.
    public var othersJoined: Int {
        members.count { $0.state == .joined && !$0.isBot }
    }

    /// Members other than the bot that are invited and not yet resolved.
    public var othersInvited: Int {
        members.count { $0.state == .invited && !$0.isBot }
    }

    /// Applies `input`; returns the changed participants as a roster update would list
    /// them (nothing when nothing visible changed).
    public mutating func handle(_ input: Input) throws(Refusal) -> [Participant] {
        switch input {
        case .add(let participant, let joined, let isBot):
            let id = participant.id ?? ""
            if let existing = member(id), existing.state != .left { throw .alreadyPresent(id) }
            members.removeAll { $0.id == id }
            members.append(Member(participant: participant, state: joined ? .joined : .invited, onHold: false, isBot: isBot))
            return joined ? changed([id]) : []
        case .join(let id):
            let index = try indexOf(id)
            guard members[index].state == .invited else { return [] }
            members[index].state = .joined
            return changed([id])
        case .leave(let id):
            let index = try indexOf(id)
            let wasJoined = members[index].state == .joined
            guard members[index].state != .left else { return [] }
            members[index].state = .left
            members[index].onHold = false
            guard wasJoined else { return [] }
            return changed([id], removed: true)
        case .setMuted(let id, let muted):
            let index = try indexOf(id)
            guard members[index].participant.isMuted != muted else { return [] }
            members[index].participant.isMuted = muted
            members[index].participant.mediaStreams = members[index].participant.mediaStreams?.map { stream in
                var stream = stream
                if stream.mediaType == .audio { stream.serverMuted = muted }
                return stream
            }
            return members[index].state == .joined ? changed([id]) : []
        case .setOnHold(let id, let onHold):
            let index = try indexOf(id)
            members[index].onHold = onHold
            return []
        case .setRecordingStatus(let id, let status):
            let index = try indexOf(id)
            guard members[index].participant.recordingInfo?.recordingStatus != status else { return [] }
            members[index].participant.recordingInfo = RecordingInfo(recordingStatus: status)
            return members[index].state == .joined ? changed([id]) : []
        case .upsert(let participant):
            let id = participant.id ?? ""
            guard let index = members.firstIndex(where: { $0.id == id && $0.state != .left }) else {
                return try handle(.add(participant, joined: true, isBot: false))
            }
            guard members[index].participant.isMuted != participant.isMuted
                || members[index].participant.mediaStreams != participant.mediaStreams
                || members[index].participant.recordingInfo != participant.recordingInfo else { return [] }
            members[index].participant.isMuted = participant.isMuted
            members[index].participant.mediaStreams = participant.mediaStreams
            members[index].participant.recordingInfo = participant.recordingInfo
            members[index].state = .joined
            return changed([id])
        case .setMediaStreams(let id, let streams):
            let index = try indexOf(id)
            guard members[index].participant.mediaStreams != streams else { return [] }
            members[index].participant.mediaStreams = streams
            return members[index].state == .joined ? changed([id]) : []
        }
    }

    private func indexOf(_ id: String) throws(Refusal) -> Int {
        guard let index = members.firstIndex(where: { $0.id == id }) else { throw .unknownParticipant(id) }
        return index
    }

    /// Bumps the sequence number and returns the participants as a delta lists them.
    private mutating func changed(_ ids: [String], removed: Bool = false) -> [Participant] {
        sequenceNumber += 1
        return ids.compactMap { id in
            guard let index = members.firstIndex(where: { $0.id == id }) else { return nil }
            members[index].participant.rosterSequenceNumber = sequenceNumber
            var participant = members[index].participant
            if removed { participant.removedState = RemovedState(reason: "Removed from roster") }
            return participant
        }
    }

    /// The `resourceData` of the roster update for `changed`: every joined participant
    /// (full roster), or one `deltaParticipants` with the changes and the sequence number.
    public func notificationData(_ changed: [Participant]) -> ResourceData {
        if isDelta {
            return .collection([.deltaParticipants(DeltaParticipants(sequenceNumber: sequenceNumber, participants: changed))])
        }
        return .collection(participants.map { participant in
            var participant = participant
            participant.rosterSequenceNumber = nil
            return .participant(participant)
        })
    }
}
