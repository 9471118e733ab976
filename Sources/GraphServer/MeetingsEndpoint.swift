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

    struct Meetings: Encodable {
        var value: [Meeting]
    }

    func register(on router: Router<SwitchboardRequestContext>) {
        router.get("/_switchboard/meetings") { _, _ in
            let world = services.world
            func person(_ userId: String) -> IdentitySet {
                IdentitySet(user: Identity(id: userId, displayName: world.user(id: userId)?.displayName))
            }
            let meetings = world.meetings.map { meeting in
                Meeting(
                    id: meeting.id, threadId: meeting.threadId, tenantId: meeting.tenantId, organizer: person(meeting.organizerId),
                    joinMeetingId: meeting.joinMeetingId, passcode: meeting.passcode, joinToken: meeting.token,
                    attendees: meeting.attendees.map(person), sharer: meeting.sharerId.map(person),
                    calls: services.runtime.calls(inMeeting: meeting.threadId)
                )
            }
            return jsonResponse(.ok, try GraphJSON.encoder(.v1).encode(Meetings(value: meetings)))
        }
    }
}
