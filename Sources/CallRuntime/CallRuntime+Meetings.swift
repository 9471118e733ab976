import CallEngine
import GraphModel
import World

/// People joining and leaving the world's meetings (the control API): the world changes,
/// and the bots' calls in the meeting see the roster change.
extension CallRuntime {
    /// The meeting named by its control-API id or its chat thread.
    public func meeting(_ meetingId: String) throws(CallRuntimeError) -> WorldMeeting {
        guard let meeting = world.current.meeting(named: meetingId) else {
            throw .meetingNotFound("No meeting '\(meetingId)' in the world (GET /_switchboard/meetings lists them).")
        }
        return meeting
    }

    /// User `userId` joins meeting `meetingId`. Returns their participant id in the bots'
    /// calls there, if any is live (nil: they will be in the roster of the next bot that joins).
    public func addAttendee(meetingId: String, userId: String) async throws -> String? {
        try await adoptSharedWorld()
        let found = try meeting(meetingId)
        guard let user = world.current.user(id: userId) else {
            throw CallRuntimeError.invalidRequest("'\(userId)' is no user of the world.")
        }
        let (callId, participants) = try await liveRoster(of: found)
        if found.attendees.contains(where: { $0.lowercased() == user.id.lowercased() }) || participants.contains(where: { Self.names($0, user.id) }) {
            throw CallRuntimeError.conflict(code: "alreadyPresent", message: "'\(user.displayName)' is in meeting '\(found.id)' already.")
        }
        updateAttendees(of: found) { $0.append(user.id) }
        try await shareWorld()
        guard let callId else { return nil }
        let participant = planner.attendee(user.id, modalities: nil)
        // One call takes them in; it tells the others in the meeting, with the same id.
        try await farEnd(.attendeeJoins(participant), callId: callId)
        return participant.id
    }

    /// The attendee `identityId` (a user id or participant id) leaves meeting `meetingId`.
    public func removeAttendee(meetingId: String, identityId: String) async throws {
        try await adoptSharedWorld()
        let found = try meeting(meetingId)
        let attending = found.attendees.contains { $0.lowercased() == identityId.lowercased() }
        let (callId, participants) = try await liveRoster(of: found)
        let inCall = participants.contains { Self.names($0, identityId) }
        guard attending || inCall else { throw CallRuntimeError.engine(.participantNotFound(identityId)) }
        updateAttendees(of: found) { $0.removeAll { $0.lowercased() == identityId.lowercased() } }
        try await shareWorld()
        if inCall, let callId {
            try await farEnd(.farEndActs(.hangUp, identityId: identityId), callId: callId)
        }
    }

    /// One of the bots' calls in the meeting, and the roster they all see (the same in each).
    private func liveRoster(of meeting: WorldMeeting) async throws -> (callId: String?, participants: [Participant]) {
        guard let callId = try await calls(inMeeting: meeting.threadId).first else { return (nil, []) }
        return (callId, try await machine(id: callId)?.participants ?? [])
    }

    private func updateAttendees(of meeting: WorldMeeting, _ change: (inout [String]) -> Void) {
        world.update { world in
            if let index = world.meetings.firstIndex(where: { $0.id == meeting.id }) { change(&world.meetings[index].attendees) }
        }
    }

    /// Whether `participant` is the user `identityId` names, or has that participant id.
    private static func names(_ participant: Participant, _ identityId: String) -> Bool {
        participant.id == identityId || participant.info?.identity?.user?.id?.lowercased() == identityId.lowercased()
    }
}
