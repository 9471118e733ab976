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
        let policy = RetryPolicy()
        #expect(policy.outcome(status: 500, attempt: 1, now: now) == .retry(notBefore: now.advanced(by: .seconds(1))))
        #expect(policy.outcome(status: nil, attempt: 3, now: now) == .retry(notBefore: now.advanced(by: .seconds(4))))
        #expect(policy.backoff(afterAttempt: 6) == .seconds(32))
        #expect(policy.backoff(afterAttempt: 7) == .seconds(60))
        #expect(policy.backoff(afterAttempt: 19) == .seconds(60))
    }

    @Test func theLastAttemptDeadLetters() {
        #expect(RetryPolicy(maxAttempts: 3).outcome(status: 404, attempt: 3, now: now) == .deadLetter)
    }
}
