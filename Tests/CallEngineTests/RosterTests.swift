import CallEngine
import GraphModel
import Testing

@Suite struct RosterTests {
    func person(_ id: String, _ name: String) -> Participant {
        Participant(id: id, info: ParticipantInfo(identity: IdentitySet(user: Identity(id: "u-\(id)", displayName: name))),
                    mediaStreams: [MediaStream(mediaType: .audio, label: "main-audio", sourceId: "1", direction: .sendReceive)])
    }

    @Test func invitedMembersAreHiddenUntilTheyJoin() throws {
        var roster = Roster(isDelta: false)
        #expect(try roster.handle(.add(person("bot", "Bot"), joined: true, isBot: true)).map(\.id) == ["bot"])
        #expect(try roster.handle(.add(person("a", "Ann"), joined: false, isBot: false)) == [])
        #expect(roster.participants.map(\.id) == ["bot"])
        #expect(roster.othersInvited == 1)
        #expect(try roster.handle(.join("a")).map(\.id) == ["a"])
        #expect(roster.participants.map(\.id) == ["bot", "a"])
        #expect(roster.othersJoined == 1)
        #expect(roster.sequenceNumber == 2)
    }

    @Test func leavingIsADeltaWithRemovedState() throws {
        var roster = Roster(isDelta: true)
        _ = try roster.handle(.add(person("bot", "Bot"), joined: true, isBot: true))
        _ = try roster.handle(.add(person("a", "Ann"), joined: true, isBot: false))
        let changed = try roster.handle(.leave("a"))
        #expect(changed.count == 1)
        #expect(changed[0].removedState?.reason == "Removed from roster")
        #expect(changed[0].rosterSequenceNumber == 3)
        guard case .collection(let items) = roster.notificationData(changed), case .deltaParticipants(let delta)? = items.first else {
            Issue.record("not a delta roster")
            return
        }
        #expect(delta.sequenceNumber == 3)
        #expect(delta.participants?.map(\.id) == ["a"])
        #expect(roster.participants.map(\.id) == ["bot"])
        // Leaving twice changes nothing.
        #expect(try roster.handle(.leave("a")) == [])
    }

    @Test func aFullRosterListsEveryoneInTheCall() throws {
        var roster = Roster(isDelta: false)
        _ = try roster.handle(.add(person("bot", "Bot"), joined: true, isBot: true))
        _ = try roster.handle(.add(person("a", "Ann"), joined: true, isBot: false))
        let changed = try roster.handle(.setMuted("a", true))
        guard case .collection(let items) = roster.notificationData(changed) else { Issue.record("not a collection"); return }
        #expect(items.count == 2)
        guard case .participant(let ann) = items[1] else { Issue.record("not a participant"); return }
        #expect(ann.isMuted == true)
        #expect(ann.mediaStreams?.first?.serverMuted == true)
        #expect(ann.rosterSequenceNumber == nil)
    }

    @Test func unknownAndDuplicateMembersAreRefused() throws {
        var roster = Roster(isDelta: false)
        _ = try roster.handle(.add(person("a", "Ann"), joined: true, isBot: false))
        #expect(throws: Roster.Refusal.alreadyPresent("a")) { try roster.handle(.add(person("a", "Ann"), joined: true, isBot: false)) }
        #expect(throws: Roster.Refusal.unknownParticipant("zz")) { try roster.handle(.setMuted("zz", true)) }
        // Someone who left can be added again.
        _ = try roster.handle(.leave("a"))
        #expect(try roster.handle(.add(person("a", "Ann"), joined: true, isBot: false)).map(\.id) == ["a"])
    }
}

@Suite struct MediaQueueTests {
    func item(_ id: String, _ seconds: Int64 = 3) -> MediaQueue.Item {
        MediaQueue.Item(operationId: id, duration: .seconds(seconds))
    }

    @Test func oneRunsAtATimeFirstInFirstOut() {
        var queue = MediaQueue()
        #expect(queue.enqueue(item("a")) == [.started(item("a"))])
        #expect(queue.enqueue(item("b")) == [])
        #expect(queue.enqueue(item("c")) == [])
        #expect(queue.finish("b") == [])
        #expect(queue.finish("a") == [.finished(item("a")), .started(item("b"))])
        #expect(queue.finish("b") == [.finished(item("b")), .started(item("c"))])
        #expect(queue.finish("c") == [.finished(item("c"))])
        #expect(queue.isIdle)
    }

    @Test func cancellingEndsTheRunningAndEveryQueuedItem() {
        var queue = MediaQueue()
        _ = queue.enqueue(item("a"))
        _ = queue.enqueue(item("b"))
        #expect(queue.cancelAll() == [.cancelled(item("a")), .cancelled(item("b"))])
        #expect(queue.isIdle)
        #expect(queue.finish("a") == [])
    }

    @Test func bargeInCancelsWhatRunsAndStartsAtOnce() {
        var queue = MediaQueue()
        _ = queue.enqueue(item("a"))
        _ = queue.enqueue(item("b"))
        #expect(queue.enqueue(item("r"), bargeIn: true) == [.cancelled(item("a")), .cancelled(item("b")), .started(item("r"))])
    }
}
