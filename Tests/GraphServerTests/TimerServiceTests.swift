@testable import CallRuntime
import CallEngine
import GraphModel
import ServiceLifecycle
import Synchronization
import Testing

/// The timer service fires every timer that comes due, earliest first, and timers due at
/// once share a few tasks: a fire that does not finish holds back only the few behind it in
/// its task, never the others.
@Suite struct TimerServiceTests {
    @Test func timersDueAtOnceShareTasksAtMostFourEach() {
        #expect(TimerService.shares(of: [Int]()).isEmpty)
        #expect(TimerService.shares(of: [1]) == [[1]])
        #expect(TimerService.shares(of: [1, 2, 3, 4]) == [[1, 2, 3, 4]])
        #expect(TimerService.shares(of: [1, 2, 3, 4, 5]) == [[1, 3, 5], [2, 4]])
        let shares = TimerService.shares(of: Array(1...11))
        #expect(shares == [[1, 4, 7, 10], [2, 5, 8, 11], [3, 6, 9]])
        for count in 0...40 {
            let shares = TimerService.shares(of: Array(0..<count))
            #expect(shares.allSatisfy { $0.count <= TimerService.timersPerTask && $0 == $0.sorted() })
            #expect(shares.flatMap { $0 }.sorted() == Array(0..<count))
        }
    }

    @Test func aFireThatHangsHoldsBackOnlyItsOwnShare() async throws {
        let clock = ManualClock()
        let fired = Mutex<[String]>([])
        let gate = AsyncStream<Void>.makeStream()
        let timers = TimerService(clock: clock) { callId, _, _ in
            if callId == "call-0" {
                // Never finishes while the test looks.
                for await _ in gate.stream {}
            }
            fired.withLock { $0.append(callId) }
        }
        let due = clock.now()
        timers.arm((0..<10).map { index in
            (callId: "call-\(index)", timer: CallTimer(kind: .farEndAnswers, due: due, generation: index + 1))
        })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await timers.run() }
            // call-0's task holds call-3, call-6 and call-9 behind it (three tasks for ten);
            // the other six fire.
            while fired.withLock({ $0.count }) < 6 { await Task.yield() }
            #expect(Set(fired.withLock { $0 }) == ["call-1", "call-2", "call-4", "call-5", "call-7", "call-8"])
            gate.continuation.finish()
            while fired.withLock({ $0.count }) < 10 { await Task.yield() }
            #expect(Set(fired.withLock { $0 }) == Set((0..<10).map { "call-\($0)" }))
            group.cancelAll()
        }
    }
}
