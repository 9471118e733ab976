import GraphModel
import Testing
import Webhooks

@Suite struct RetryPolicyTests {
    let now = Timestamp(millisecondsSinceEpoch: 10_000)

    @Test func successIsDelivered() {
        #expect(RetryPolicy().outcome(status: 202, attempt: 1, now: now) == .delivered)
        #expect(RetryPolicy().outcome(status: 200, attempt: 7, now: now) == .delivered)
    }

    @Test func failuresBackOffExponentiallyUpToTheCap() {
        let policy = RetryPolicy(jitter: 0)
        #expect(policy.outcome(status: 500, attempt: 1, now: now) == .retry(notBefore: now.advanced(by: .seconds(1))))
        #expect(policy.outcome(status: nil, attempt: 3, now: now) == .retry(notBefore: now.advanced(by: .seconds(4))))
        #expect(policy.backoff(afterAttempt: 6) == .seconds(32))
        #expect(policy.backoff(afterAttempt: 7) == .seconds(60))
        #expect(policy.backoff(afterAttempt: 19) == .seconds(60))
    }

    @Test func theLastAttemptDeadLetters() {
        #expect(RetryPolicy(maxAttempts: 3).outcome(status: 404, attempt: 3, now: now) == .deadLetter)
    }

    @Test func jitterSpreadsEachWaitWithinItsFractionAndNeverPastTheCap() {
        let policy = RetryPolicy(jitter: 0.2)
        #expect(policy.backoff(afterAttempt: 3, random: 0) == .milliseconds(3200))
        #expect(policy.backoff(afterAttempt: 3, random: 0.5) == .seconds(4))
        #expect(policy.backoff(afterAttempt: 3, random: 0.75) == .milliseconds(4400))
        #expect(policy.backoff(afterAttempt: 10, random: 0.99) == .seconds(60))
        #expect(policy.outcome(status: 503, attempt: 1, now: now, random: 0) == .retry(notBefore: now.advanced(by: .milliseconds(800))))
    }

    @Test func theMaximumAgeCutsTheLastWaitToTheDeadlineThenGivesUp() {
        let policy = RetryPolicy(maxAge: .seconds(10), jitter: 0)
        let created = now
        #expect(policy.outcome(status: 500, attempt: 1, createdAt: created, now: now) == .retry(notBefore: now.advanced(by: .seconds(1))))
        // 8 s of backoff would pass the deadline at 10 s: the last try is at the deadline.
        #expect(policy.outcome(status: 500, attempt: 4, createdAt: created, now: now.advanced(by: .seconds(7)))
                == .retry(notBefore: now.advanced(by: .seconds(10))))
        #expect(policy.outcome(status: 500, attempt: 5, createdAt: created, now: now.advanced(by: .seconds(10))) == .deadLetter)
        // Delivered is delivered, however old.
        #expect(policy.outcome(status: 202, attempt: 9, createdAt: created, now: now.advanced(by: .seconds(99))) == .delivered)
        // No limit on tries unless one is set.
        #expect(RetryPolicy(maxAge: nil).outcome(status: 500, attempt: 1000, now: now) != .deadLetter)
    }
}
