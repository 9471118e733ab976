import AsyncHTTPClient
import Foundation
import GraphModel
import NIOCore

/// One bench run against one server, or several nodes on one database taken in turn: the
/// client, the bot's token, and the three modes.
struct BenchSession: Sendable {
    let client: HTTPClient
    let bases: [String]
    private let turn = Counter()
    let recorder: BenchRecorder
    let controlToken: String?
    let timeout: Duration
    private let token: String
    private let body: ByteBuffer
    private let throttled = Counter()

    init(client: HTTPClient, bases: [String], callback: String, recorder: BenchRecorder, controlToken: String?, timeout: Duration) async throws {
        self.client = client
        self.bases = bases
        self.recorder = recorder
        self.controlToken = controlToken
        self.timeout = timeout
        token = try await Bench.token(client: client, base: bases[0])
        body = ByteBuffer(string: """
        {"@odata.type":"#microsoft.graph.call","callbackUri":"\(callback)",
         "targets":[{"@odata.type":"#microsoft.graph.invitationParticipantInfo","identity":{"@odata.type":"#microsoft.graph.identitySet",
           "user":{"@odata.type":"#microsoft.graph.identity","displayName":"John","id":"112f7296-5fa4-42ca-bae8-6a692b15d4b8"}}}],
         "requestedModalities":["audio"],"mediaConfig":{"@odata.type":"#microsoft.graph.serviceHostedMediaConfig"}}
        """)
    }

    // MARK: Modes

    /// `calls` creates, `concurrency` at a time, after as many `/health` requests the same way.
    func closedLoop(calls: Int, concurrency: Int) async throws {
        let before = try await healthRate(requests: calls, concurrency: concurrency)
        let started = ContinuousClock.now
        let failures = try await Bench.closedLoop(count: calls, concurrency: concurrency) {
            try await create(sentAt: .now)
        }
        let created = ContinuousClock.now
        let finished = await recorder.wait(forEstablished: calls - failures, timeout: timeout)
        let establishedRate = rate(recorder.established, from: started, to: recorder.lastEstablished ?? created)
        // Measured again after the calls, and averaged: a machine whose speed drifts during
        // the run (shared cores) skews the ratio less than one measurement before.
        let after = try await healthRate(requests: calls, concurrency: concurrency)
        let health = (rate: (before.rate + after.rate) / 2, failures: before.failures + after.failures)
        let latency = recorder.createToEstablished
        let notifications = recorder.notificationLatency
        print("""
        closed loop:           \(calls) calls, \(concurrency) at a time
        /health per second:    \(format(health.rate)) (\(format(before.rate)) before the calls, \(format(after.rate)) after; \(health.failures) failed; the same client and concurrency)
        calls created:         \(calls - failures) (\(failures) failed; \(throttled.value) times throttled and retried after Retry-After)
        calls established:     \(recorder.established)\(finished ? "" : " (timed out waiting)")
        created per second:    \(format(rate(calls - failures, from: started, to: created)))
        established per s:     \(format(establishedRate)) (\(String(format: "%.1f", 100 * establishedRate / health.rate)) % of /health)
        create→established:    \(latency.readable)
        commit→receiver:       \(notifications.readable)
        summary mode=closed nodes=\(bases.count) calls=\(calls) concurrency=\(concurrency) health_rps=\(format(health.rate)) created_rps=\(format(rate(calls - failures, from: started, to: created))) \
        established_rps=\(format(establishedRate)) ratio=\(String(format: "%.4f", establishedRate / health.rate)) \
        \(latency.summary("create_established")) \(notifications.summary("notification")) \
        failures=\(failures) throttled=\(throttled.value) timed_out=\(!finished)
        """)
    }

    /// `rate` creates a second for `duration` seconds, each sent when it is due whatever
    /// the others' answers (at most `concurrency` × 64 outstanding, against a server that
    /// stops answering); latency counts from when each was due.
    func openLoop(rate callsPerSecond: Double, duration: Double, concurrency: Int) async throws {
        let health = try await healthRate(requests: 5000, concurrency: concurrency)
        let total = Int(callsPerSecond * duration)
        let interval = Duration.seconds(1 / callsPerSecond)
        let failures = Counter()
        let outstanding = Counter()
        var maxOutstanding = 0
        var late = 0
        let started = ContinuousClock.now.advanced(by: .milliseconds(10))
        await withDiscardingTaskGroup { group in
            for index in 0..<total {
                let due = started.advanced(by: interval * index)
                if due > .now {
                    try? await Task.sleep(until: due, clock: .continuous)
                } else if due.duration(to: .now) > .milliseconds(10) {
                    late += 1
                }
                let now = outstanding.add()
                maxOutstanding = max(maxOutstanding, now)
                guard now <= concurrency * 64 else {
                    // The server has stopped keeping up; counted, not sent.
                    outstanding.add(-1)
                    failures.add()
                    continue
                }
                group.addTask {
                    if (try? await create(sentAt: due)) != true { failures.add() }
                    outstanding.add(-1)
                }
            }
        }
        let sent = ContinuousClock.now
        let finished = await recorder.wait(forEstablished: total - failures.value, timeout: timeout)
        let latency = recorder.createToEstablished
        let notifications = recorder.notificationLatency
        let achieved = rate(total - failures.value, from: started, to: sent)
        print("""
        open loop:             \(format(callsPerSecond)) calls a second for \(format(duration)) s (\(total) calls)
        /health per second:    \(format(health.rate)) (\(concurrency) at a time)
        calls created:         \(total - failures.value) (\(failures.value) failed; \(throttled.value) times throttled; \(late) sent over 10 ms late by the bench)
        created per second:    \(format(achieved)); at most \(maxOutstanding) outstanding
        calls established:     \(recorder.established)\(finished ? "" : " (timed out waiting)")
        create→established:    \(latency.readable)
        commit→receiver:       \(notifications.readable)
        summary mode=open nodes=\(bases.count) rate=\(format(callsPerSecond)) duration_s=\(format(duration)) calls=\(total) health_rps=\(format(health.rate)) \
        created_rps=\(format(achieved)) rate_of_health=\(String(format: "%.4f", callsPerSecond / health.rate)) max_outstanding=\(maxOutstanding) \
        \(latency.summary("create_established")) \(notifications.summary("notification")) \
        failures=\(failures.value) throttled=\(throttled.value) late_sends=\(late) timed_out=\(!finished)
        """)
    }

    /// `calls` calls established (`concurrency` creates at a time) and held for `hold`
    /// seconds; the server's resident memory before, after and at the end of the hold.
    func soak(calls: Int, concurrency: Int, hold: Double) async throws {
        let before = try await stats()
        let started = ContinuousClock.now
        let failures = try await Bench.closedLoop(count: calls, concurrency: concurrency) {
            try await create(sentAt: .now)
        }
        let finished = await recorder.wait(forEstablished: calls - failures, timeout: timeout)
        let established = recorder.established
        let elapsed = started.duration(to: .now)
        let after = try await stats()
        if hold > 0 { try await Task.sleep(for: .milliseconds(Int64(hold * 1000))) }
        let held = hold > 0 ? try await stats() : after
        let perCall = established > 0 ? Double(after.residentBytes - before.residentBytes) / Double(established) : .nan
        func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1_048_576) }
        print("""
        soak:                  \(calls) calls, \(concurrency) at a time, held \(format(hold)) s
        calls established:     \(established) in \(format(seconds(elapsed))) s (\(failures) failed)\(finished ? "" : " (timed out waiting)")
        live calls (server):   \(before.calls) → \(after.calls) → \(held.calls)
        resident memory:       \(megabytes(before.residentBytes)) MB → \(megabytes(after.residentBytes)) MB → \(megabytes(held.residentBytes)) MB after the hold
        per established call:  \(String(format: "%.0f", perCall)) bytes
        create→established:    \(recorder.createToEstablished.readable)
        summary mode=soak nodes=\(bases.count) calls=\(calls) established=\(established) live_calls=\(held.calls) rss_before_mb=\(megabytes(before.residentBytes)) \
        rss_after_mb=\(megabytes(after.residentBytes)) rss_held_mb=\(megabytes(held.residentBytes)) bytes_per_call=\(String(format: "%.0f", perCall)) \
        failures=\(failures) throttled=\(throttled.value) timed_out=\(!finished)
        """)
    }

    // MARK: Requests

    /// The server for the next request: each in turn.
    private var base: String { bases[turn.add() % bases.count] }

    /// Creates one call (waiting out any 429 as told, as a good client does) and records
    /// when it was sent; returns whether it was created.
    func create(sentAt sent: ContinuousClock.Instant) async throws -> Bool {
        var request = HTTPClientRequest(url: "\(base)/v1.0/communications/calls")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(body)
        var response = try await client.execute(request, timeout: .seconds(30))
        while response.status == .tooManyRequests {
            throttled.add()
            _ = try await response.body.collect(upTo: 1 << 20)
            let wait = response.headers.first(name: "Retry-After").flatMap(Double.init) ?? 1
            try await Task.sleep(for: .milliseconds(Int64(wait * 1000)))
            response = try await client.execute(request, timeout: .seconds(30))
        }
        let data = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .created, let id = try? JSONDecoder().decode(CreatedCall.self, from: Data(buffer: data)).id else { return false }
        recorder.sent(id, at: sent)
        return true
    }

    /// `/_switchboard/health`, `requests` times, `concurrency` at a time: the ceiling of this
    /// stack here, with the same client.
    private func healthRate(requests: Int, concurrency: Int) async throws -> (rate: Double, failures: Int) {
        let started = ContinuousClock.now
        let failures = try await Bench.closedLoop(count: requests, concurrency: concurrency) {
            let response = try await client.execute(HTTPClientRequest(url: "\(base)/_switchboard/health"), timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 16)
            return response.status == .ok
        }
        return (rate(requests - failures, from: started, to: .now), failures)
    }

    struct Stats: Decodable {
        var calls: Int
        var residentBytes: Int
    }

    /// The servers' `/_switchboard/stats`: their memory added up; the live calls as the
    /// most any says (nodes on one database each count them all).
    private func stats() async throws -> Stats {
        var total = Stats(calls: 0, residentBytes: 0)
        for base in bases {
            var request = HTTPClientRequest(url: "\(base)/_switchboard/stats")
            if let controlToken { request.headers.add(name: "Authorization", value: "Bearer \(controlToken)") }
            let response = try await client.execute(request, timeout: .seconds(10))
            let data = try await response.body.collect(upTo: 1 << 20)
            guard response.status == .ok, let stats = try? JSONDecoder().decode(Stats.self, from: Data(buffer: data)) else {
                throw BenchError("The server gave no memory figures (HTTP \(response.status.code)): \(String(buffer: data))")
            }
            total.calls = max(total.calls, stats.calls)
            total.residentBytes += stats.residentBytes
        }
        return total
    }

    private func rate(_ count: Int, from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Double {
        Double(count) / seconds(start.duration(to: end))
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func format(_ value: Double) -> String {
        value.isFinite ? String(format: value < 100 && value != value.rounded() ? "%.1f" : "%.0f", value) : "nan"
    }
}

/// A bench that cannot measure what it was asked to.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
