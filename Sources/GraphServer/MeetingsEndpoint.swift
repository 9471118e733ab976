import CallRuntime
import GraphModel
import Hummingbird
import World

/// `GET /_switchboard/meetings`: the world's scheduled meetings, how to join them, who is
/// in them, and the bots' calls in them now.
struct MeetingsEndpoint {
    let services: SwitchboardServices

    struct Meeting: Encodable {
        var id: String
        var threadId: String
        var tenantId: String
        var organizer: IdentitySet
        var joinMeetingId: String?
        var passcode: String?
        var joinToken: String?
        var attendees: [IdentitySet]
        var sharer: IdentitySet?
        var calls: [String]
    }

    /// An attendee added: who, and their participant id in the bots' calls in the meeting.
    struct Attendee: Encodable {
        var identity: IdentitySet
        var participantId: String?
    }

    struct Meetings: Encodable {
        var value: [Meeting]
    }

    func register(on router: Router<SwitchboardRequestContext>) {
        router.get("/_switchboard/meetings") { _, _ in
            // Another node may have changed who is in them a moment ago.
            try await services.runtime.adoptSharedWorld()
            let world = services.world
            func person(_ userId: String) -> IdentitySet {
                IdentitySet(user: Identity(id: userId, displayName: world.user(id: userId)?.displayName))
            }
            var meetings: [Meeting] = []
            for meeting in world.meetings {
                meetings.append(Meeting(
                    id: meeting.id, threadId: meeting.threadId, tenantId: meeting.tenantId, organizer: person(meeting.organizerId),
                    joinMeetingId: meeting.joinMeetingId, passcode: meeting.passcode, joinToken: meeting.token,
                    attendees: meeting.attendees.map(person), sharer: meeting.sharerId.map(person),
                    calls: try await services.runtime.calls(inMeeting: meeting.threadId)
                ))
            }
            return jsonResponse(.ok, try GraphJSON.encoder(.v1).encode(Meetings(value: meetings)))
        }
        router.post("/_switchboard/meetings/:meetingId/attendees") { request, context in
            let meetingId = try context.parameters.require("meetingId")
            _ = try services.runtime.meeting(meetingId)
            let body = try await controlBody(IdentitySet.self, request, context, example: #"{"user": {"id": "550fae72-d251-43ec-868c-373732c2704f"}}"#)
            guard let userId = body.user?.id else {
                throw GraphError.badRequest("An attendee is a Teams user of the world: {\"user\": {\"id\": …}}.")
            }
            let participantId = try await services.runtime.addAttendee(meetingId: meetingId, userId: userId)
            let world = services.world
            let added = Attendee(
                identity: IdentitySet(user: Identity(id: world.user(id: userId)?.id ?? userId, displayName: world.user(id: userId)?.displayName)),
                participantId: participantId
            )
            return jsonResponse(.created, try GraphJSON.encoder(.v1).encode(added))
        }
        router.delete("/_switchboard/meetings/:meetingId/attendees/:identityId") { _, context in
            let meetingId = try context.parameters.require("meetingId")
            let identityId = try context.parameters.require("identityId")
            try await services.runtime.removeAttendee(meetingId: meetingId, identityId: identityId)
            return Response(status: .noContent)
        }
    }
}
