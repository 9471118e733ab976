import CallEngine
import GraphModel
import World

/// People joining and leaving the world's meetings (the control API): the world changes,
/// and the bots' calls in the meeting see the roster change.
extension CallRuntime {
    /// The meeting named by its control-API id or its chat thread.
    public func meeting(_ meetingId: String) throws(CallRuntimeError) -> WorldMeeting {
        guard let meeting = world.current.meetings.first(where: { $0.id == meetingId || $0.threadId == meetingId }) else {
            throw .meetingNotFound("No meeting '\(meetingId)' in the world (GET /_switchboard/meetings lists them).")
        }
        return meeting
    }

    /// User `userId` joins meeting `meetingId`. Returns their participant id in the bots'
    /// calls there, if any is live (nil: they will be in the roster of the next bot that joins).
    public func addAttendee(meetingId: String, userId: String) async throws -> String? {
        let found = try meeting(meetingId)
        guard let user = world.current.user(id: userId) else {
            throw CallRuntimeError.invalidRequest("'\(userId)' is no user of the world.")
        }
        let calls = calls(inMeeting: found.threadId)
        let inCall = calls.first.flatMap { machine(id: $0) }?.participants.contains {
            $0.info?.identity?.user?.id?.lowercased() == user.id.lowercased() && $0.removedState == nil
        } ?? false
        let attending = found.attendees.contains { $0.lowercased() == user.id.lowercased() }
        if attending || inCall {
            throw CallRuntimeError.conflict(code: "alreadyPresent", message: "'\(user.displayName)' is in meeting '\(found.id)' already.")
        }
        world.update { world in
            if let index = world.meetings.firstIndex(where: { $0.id == found.id }) { world.meetings[index].attendees.append(user.id) }
        }
        guard let callId = calls.first else { return nil }
        let participant = planner.attendee(user.id, modalities: nil)
        // One call takes them in; it tells the others in the meeting, with the same id.
        try await farEnd(.attendeeJoins(participant), callId: callId)
        return participant.id
    }

    /// The attendee `identityId` (a user id or participant id) leaves meeting `meetingId`.
    public func removeAttendee(meetingId: String, identityId: String) async throws {
        let found = try meeting(meetingId)
        let attending = found.attendees.contains { $0.lowercased() == identityId.lowercased() }
        world.update { world in
            if let index = world.meetings.firstIndex(where: { $0.id == found.id }) {
                world.meetings[index].attendees.removeAll { $0.lowercased() == identityId.lowercased() }
            }
        }
        let calls = calls(inMeeting: found.threadId)
        let inCall = calls.first.flatMap { machine(id: $0) }?.participants.contains {
            ($0.info?.identity?.user?.id?.lowercased() == identityId.lowercased() || $0.id == identityId) && $0.removedState == nil
        } ?? false
        guard attending || inCall else {
            throw CallRuntimeError.engine(.participantNotFound(identityId))
        }
        if inCall, let callId = calls.first {
            try await farEnd(.farEndActs(.hangUp, identityId: identityId), callId: callId)
        }
    }
}
