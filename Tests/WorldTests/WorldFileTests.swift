import CallEngine
import Foundation
import GraphModel
import Testing
import World

/// The world file: what it reads into, and how it says what is wrong.
@Suite struct WorldFileTests {
    static let file = """
    ringTimeMs: 250
    tenants:
      - {id: t1, name: Tenant One, allowRemoveParticipantApps: [app1]}
    applications:
      - id: app1
        name: Bot
        tenant: t1
        secret: s3cret
        permissions: [Calls.Initiate.All]
        callingWebhook: https://bot.example/calls
    applicationInstances:
      - {id: inst1, application: app1, tenant: t1, name: Bot line, phone: "+15550100"}
    users:
      - {id: u-plain, tenant: t1}
      - {id: u-busy, name: Busy, tenant: t1, behaviour: busy}
      - id: u-keys
        tenant: t1
        behaviour:
          ringMs: 2000
          then:
            - {afterSeconds: 1.5, action: pressKeys, keys: "9#"}
            - {afterSeconds: 30, action: hangUp}
      - {id: u-manual, tenant: t1, behaviour: {kind: manual, then: [{afterSeconds: 5, action: mute}]}}
      - {id: u-decline, tenant: t1, behaviour: {kind: decline, ringMs: 3000}}
      - {id: u-timeline, tenant: t1, behaviour: {then: [{afterSeconds: 1, action: startSharing}]}}
    phoneNumbers:
      - {number: "+15550199", behaviour: noAnswer}
      - {number: "+15550198", behaviour: unreachable}
    meetings:
      - id: standup
        threadId: "19:meeting_standup@thread.v2"
        organizer: u-plain
        tenant: t1
        joinMeetingId: "111 222"
        attendees:
          - user: u-plain
            shares: true
            then: [{afterSeconds: 10, action: stopSharing}]
          - user: u-busy
          - user: u-keys
            joinsAfterSeconds: 45
            then: [{afterSeconds: 100, action: leaveMeeting}]
    """

    @Test func aWorldFileReadsIntoTheWorld() throws {
        let world = try WorldFile.load(Self.file)
        #expect(world.defaultRingTime == .milliseconds(250))
        #expect(world.tenant(id: "T1")?.allowsRemovingParticipants(by: "other") == false)
        #expect(world.application(id: "app1")?.callingWebhook == "https://bot.example/calls")
        #expect(world.application(id: "app1")?.permissions == ["Calls.Initiate.All"])
        #expect(world.applicationInstance(phoneNumber: "+1 555 0100")?.id == "inst1")
        #expect(world.user(id: "u-plain")?.behaviour == nil)
        #expect(world.user(id: "u-plain")?.displayName == "u-plain")
        #expect(world.user(id: "u-busy")?.behaviour == .busy)
        #expect(world.user(id: "u-keys")?.behaviour == .answer(ringFor: .seconds(2), then: [
            FarEndEvent(after: .milliseconds(1500), .pressKeys([.tone9, .pound])), FarEndEvent(after: .seconds(30), .hangUp),
        ]))
        #expect(world.user(id: "u-manual")?.behaviour == .manual(then: [FarEndEvent(after: .seconds(5), .mute)]))
        #expect(world.user(id: "u-decline")?.behaviour == .decline(ringFor: .seconds(3)))
        // A timeline without ringMs rings for the world's ring time.
        #expect(world.user(id: "u-timeline")?.behaviour == .answer(ringFor: .milliseconds(250), then: [FarEndEvent(after: .seconds(1), .startSharing)]))
        #expect(world.phoneNumber("+15550199")?.behaviour == .noAnswer)
        #expect(world.phoneNumber("+15550198")?.behaviour == .unreachable)
        let meeting = try #require(world.meeting(joinMeetingId: "111222"))
        #expect(meeting.id == "standup")
        #expect(meeting.attendees == ["u-plain", "u-busy", "u-keys"])
        #expect(meeting.joinsAfter == ["u-keys": .seconds(45)])
        #expect(meeting.timelines["u-keys"] == [FarEndEvent(after: .seconds(100), .hangUp)])
        #expect(meeting.sharerId == "u-plain")
        #expect(meeting.timelines["u-plain"] == [FarEndEvent(after: .seconds(10), .stopSharing)])
        // The magic numbers are in every world.
        #expect(world.phoneNumber("+12065550102")?.behaviour == .busy)
    }

    @Test func jsonIsAWorldFileToo() throws {
        let world = try WorldFile.load(#"{"tenants": [{"id": "t1"}], "users": [{"id": "u1", "tenant": "t1", "behaviour": "decline"}]}"#)
        #expect(world.user(id: "u1")?.behaviour == .decline(ringFor: .seconds(1)))
    }

    @Test func theBuiltInWorldIsTheDocumentWorldPrintWrites() throws {
        let printed = try WorldFile.load(WorldFile.builtInDocument)
        let builtIn = World.builtIn()
        #expect(printed.tenants == builtIn.tenants)
        #expect(printed.applications == builtIn.applications)
        #expect(printed.users == builtIn.users)
        #expect(printed.meetings == builtIn.meetings)
        #expect(builtIn.meeting(joinMeetingId: "1234567")?.sharerId == "112f7296-5fa4-42ca-bae8-6a692b15d4b8")
        #expect(World.builtIn(defaultRingTime: .zero).defaultRingTime == .zero)
    }

    @Test func everyProblemIsReportedWithItsLine() throws {
        let text = """
        tenants:
          - id: t1
        applications:
          - id: app1
            tenant: t2
            secret: s
            permissions: [Calls.Bogus]
        users:
          - id: u1
            tenant: t1
            behavior: busy
          - {id: u2, tenant: t1, behaviour: {kind: ring}}
          - {id: u1, tenant: t1}
        phoneNumbers:
          - {number: "12345", behaviour: {kind: busy, then: [{afterSeconds: 1, action: hangUp}]}}
          - {number: "+15550100", behaviour: {then: [{afterSeconds: 1, action: pressKeys, keys: "1x"}, {action: mute}, {afterSeconds: 1, action: dance}]}}
        meetings:
          - {threadId: th, organizer: nobody, tenant: t1, attendees: [{user: ghost}]}
        colour: blue
        """
        let problems: [WorldFile.Problem]
        do {
            _ = try WorldFile.load(text)
            Issue.record("the file loaded")
            return
        } catch {
            problems = error.problems
        }
        let lines = problems.map { $0.line ?? 0 }
        #expect(lines == lines.sorted())
        func at(_ line: Int, _ words: String) {
            #expect(problems.contains { $0.line == line && $0.message.contains(words) }, "line \(line): \(words) in \(problems)")
        }
        at(4, "no tenant 't2'")
        at(7, "unknown permission 'Calls.Bogus'")
        at(11, "no 'behavior'")
        at(12, "unknown behaviour 'ring'")
        at(13, "'u1' is listed twice")
        at(15, "not an E.164 number")
        at(15, "only answer and manual behaviours have a 'then'")
        at(16, "'x' is not a DTMF key")
        at(16, "needs 'afterSeconds'")
        at(16, "unknown action 'dance'")
        at(18, "organizer 'nobody' is no user")
        at(18, "attendee 'ghost' is no user")
        at(19, "no 'colour'")
    }

    @Test func faultsReadFromTheWorldFile() throws {
        let world = try WorldFile.load("""
        faults:
          seed: 42
          legacyIncomingNotification: true
          notifications:
            - {kind: reorder, rate: 0.5, delayMs: 3000}
            - {kind: drop, callId: abc, count: 2}
          api:
            - {kind: throttle, path: /v1.0/communications/calls, method: POST, retryAfterSeconds: 5}
        """)
        #expect(world.faults == FaultPlan(
            seed: 42,
            notifications: [.init(kind: .reorder, rate: 0.5, delayMs: 3000), .init(kind: .drop, callId: "abc", count: 2)],
            api: [.init(kind: .throttle, path: "/v1.0/communications/calls", method: "POST", retryAfterSeconds: 5)],
            legacyIncomingNotification: true
        ))
        #expect(World.builtIn().faults.isEmpty)
        do {
            _ = try WorldFile.load("""
            faults:
              notifications:
                - {kind: explode}
                - {kind: drop, rate: 3}
              api:
                - {kind: latency, every: 2}
            """)
            Issue.record("a bad fault plan was taken")
        } catch {
            #expect(error.problems.map(\.line) == [3, 4, 6])
            #expect(error.problems[0].message.contains("drop, duplicate, delay, reorder"))
        }
    }

    @Test func unreadableFilesSayWhere() {
        for (text, line) in [("tenants: [\n", 2), ("", 1), ("- just\n- a list\n", 1)] {
            do {
                _ = try WorldFile.load(text)
                Issue.record("'\(text)' loaded")
            } catch {
                #expect(error.problems.first?.line == line, "\(error.problems)")
            }
        }
    }

    @Test func mediaFilesAreFoundBesideTheWorldFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-world-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("RIFF".utf8).write(to: directory.appendingPathComponent("beep.wav"))
        let path = directory.appendingPathComponent("world.yaml").path
        try Data("media:\n  - {uri: 'https://cdn.example/beep.wav', file: beep.wav}\n".utf8).write(to: URL(fileURLWithPath: path))
        let world = try WorldFile.load(path: path)
        #expect(world.media.first?.file == directory.appendingPathComponent("beep.wav").path)
        try Data("media:\n  - {uri: 'https://cdn.example/x.wav', file: missing.wav}\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: WorldFile.Problems.self) { try WorldFile.load(path: path) }
    }
}
