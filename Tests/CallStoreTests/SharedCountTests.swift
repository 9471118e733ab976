import CallRuntime
import CallStore
import GraphModel
import Testing

/// Waiters on a ``SharedCount`` go on when the count falls to their limit, at their
/// deadline, or when cancelled; one sleeper serves every deadline, and only while someone
/// waits with one.
@Suite(.timeLimit(.minutes(1))) struct SharedCountTests {
    /// Lets other tasks run until `condition` holds (never sleeps; gives up after a while).
    private func settle(_ condition: () -> Bool) async {
        for _ in 0..<100_000 where !condition() { await Task.yield() }
    }

    @Test func aWaitEndsWhenTheCountFallsAndItsSleeperGoesWithIt() async {
        let count = SharedCount()
        let clock = ManualClock()
        count.set(3)
        let waiter = Task { await count.wait(untilAtMost: 1, orUntil: clock.now().advanced(by: .seconds(1)), on: clock) }
        await settle { count.waiting == 1 && clock.sleeperCount == 1 }
        #expect(clock.nextDeadline == clock.now().advanced(by: .seconds(1)))
        count.set(2)
        #expect(count.waiting == 1, "2 is still above the limit")
        count.set(1)
        await waiter.value
        await settle { clock.sleeperCount == 0 }
        #expect(clock.sleeperCount == 0, "no deadline is left on the clock")
    }

    @Test func waitsEndAtTheirDeadlinesWithOneSleeperForAll() async {
        let count = SharedCount()
        let clock = ManualClock()
        let start = clock.now()
        count.set(5)
        let first = (0..<10).map { _ in Task { await count.wait(untilAtMost: 0, orUntil: start.advanced(by: .seconds(1)), on: clock) } }
        let later = Task { await count.wait(untilAtMost: 0, orUntil: start.advanced(by: .seconds(2)), on: clock) }
        await settle { count.waiting == 11 && clock.sleeperCount == 1 }
        #expect(clock.sleeperCount == 1)
        #expect(clock.nextDeadline == start.advanced(by: .seconds(1)))
        clock.advance(by: .seconds(1))
        for task in first { await task.value }
        await settle { count.waiting == 1 && clock.nextDeadline == start.advanced(by: .seconds(2)) }
        #expect(count.waiting == 1)
        #expect(clock.nextDeadline == start.advanced(by: .seconds(2)))
        clock.advance(by: .seconds(1))
        await later.value
        await settle { clock.sleeperCount == 0 }
        #expect(clock.sleeperCount == 0)
        #expect(count.current == 5, "deadlines do not change the count")
    }

    @Test func anEarlierDeadlineWakesTheSleeperEarlier() async {
        let count = SharedCount()
        let clock = ManualClock()
        let start = clock.now()
        count.set(1)
        let late = Task { await count.wait(untilAtMost: 0, orUntil: start.advanced(by: .seconds(5)), on: clock) }
        await settle { clock.nextDeadline == start.advanced(by: .seconds(5)) }
        let early = Task { await count.wait(untilAtMost: 0, orUntil: start.advanced(by: .seconds(1)), on: clock) }
        await settle { clock.nextDeadline == start.advanced(by: .seconds(1)) && clock.sleeperCount == 1 }
        #expect(clock.nextDeadline == start.advanced(by: .seconds(1)))
        clock.advance(by: .seconds(1))
        await early.value
        #expect(count.waiting == 1)
        count.set(0)
        await late.value
        await settle { clock.sleeperCount == 0 }
        #expect(clock.sleeperCount == 0)
    }

    @Test func aCancelledWaitEndsAndLeavesNoSleeper() async {
        let count = SharedCount()
        let clock = ManualClock()
        count.set(1)
        let waiter = Task { await count.wait(untilAtMost: 0, orUntil: clock.now().advanced(by: .seconds(1)), on: clock) }
        await settle { clock.sleeperCount == 1 }
        waiter.cancel()
        await waiter.value
        await settle { clock.sleeperCount == 0 }
        #expect(clock.sleeperCount == 0)
        #expect(count.waiting == 0)
    }

    @Test func aDeadlinePassedOrACountLowEnoughDoesNotWait() async {
        let count = SharedCount()
        let clock = ManualClock()
        count.set(1)
        await count.wait(untilAtMost: 0, orUntil: clock.now(), on: clock)
        await count.wait(untilAtMost: 1, orUntil: clock.now().advanced(by: .seconds(1)), on: clock)
        #expect(clock.sleeperCount == 0)
        #expect(count.waiting == 0)
    }
}
