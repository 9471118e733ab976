import Foundation
import GraphModel
import Histogram
import NIOCore
import Synchronization

/// What the bench saw, joined per call: when each create was sent (or, in the open loop,
/// due), when its `established` notification arrived, and how late every notification was
/// after its change was committed. Latencies go into HdrHistograms (microseconds, three
/// significant digits), so a long run costs no more memory than a short one.
final class BenchRecorder: Sendable {
    fileprivate struct State {
        /// Creates answered whose `established` has not arrived yet.
        var sent: [String: ContinuousClock.Instant] = [:]
        /// `established` notifications that overtook their create's 201.
        var early: [String: ContinuousClock.Instant] = [:]
        var established = 0
        var lastEstablished: ContinuousClock.Instant?
        var createToEstablished = BenchRecorder.histogram()
        var notificationLatency = BenchRecorder.histogram()
    }

    private let state = Mutex(State())

    static func histogram() -> Histogram<UInt64> {
        // Up to an hour, in microseconds.
        Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
    }

    /// Create of call `id` was sent (closed loop) or due (open loop) at `instant`.
    func sent(_ id: String, at instant: ContinuousClock.Instant) {
        state.withLock { state in
            if let arrived = state.early.removeValue(forKey: id) {
                state.record(from: instant, to: arrived)
            } else {
                state.sent[id] = instant
            }
        }
    }

    /// Call `id`'s `established` notification arrived at `instant`.
    func established(_ id: String, at instant: ContinuousClock.Instant) {
        state.withLock { state in
            if let sent = state.sent.removeValue(forKey: id) {
                state.record(from: sent, to: instant)
            } else {
                state.early[id] = instant
            }
        }
    }

    /// A notification arrived `latency` after its change was committed.
    func notification(latency: Duration) {
        state.withLock { _ = $0.notificationLatency.record(microseconds(latency)) }
    }

    /// Calls whose create and `established` were both seen.
    var established: Int { state.withLock { $0.established } }
    var lastEstablished: ContinuousClock.Instant? { state.withLock { $0.lastEstablished } }
    var createToEstablished: Histogram<UInt64> { state.withLock { $0.createToEstablished } }
    var notificationLatency: Histogram<UInt64> { state.withLock { $0.notificationLatency } }

    /// Waits (polling every 10 ms; this is a benchmark, not a test) until `count` calls are
    /// established or `timeout` passes; returns whether they were.
    func wait(forEstablished count: Int, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            if established >= count { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return established >= count
    }

    /// Reads one notification POST as the receiver got it.
    func received(body: ByteBuffer, committedAt: String?, at instant: ContinuousClock.Instant, wallNow: Date) {
        if let committedAt, let committed = Timestamp(iso8601: committedAt) {
            let late = wallNow.timeIntervalSince1970 * 1000 - Double(committed.millisecondsSinceEpoch)
            notification(latency: .microseconds(Int64(max(0, late) * 1000)))
        }
        if let id = Self.establishedCallId(in: body) { established(id, at: instant) }
    }

    /// The id of the call a notification says is established, if it says so. The receiver
    /// stands in for a bot but must not be what the bench measures: it looks for the two
    /// properties it needs in the bytes (Switchboard writes them always alike) instead of
    /// decoding every notification.
    static func establishedCallId(in body: ByteBuffer) -> String? {
        body.withUnsafeReadableBytes { bytes -> String? in
            guard find(#""state":"established""#, in: bytes) != nil,
                  let start = find(#""resourceUrl":"/communications/calls/"#, in: bytes)?.upperBound,
                  let end = bytes[start...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
            let id = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            // A call's own notification, not one of its participants or operations.
            return id.contains(UInt8(ascii: "/")) ? nil : String(decoding: id, as: UTF8.self)
        }
    }

    /// Where `needle` first occurs in `bytes`: each place its first byte occurs, compared
    /// with `memcmp` (the generic `firstRange(of:)` on a buffer view took a tenth of the
    /// bench's time).
    private static func find(_ needle: StaticString, in bytes: UnsafeRawBufferPointer) -> Range<Int>? {
        let count = needle.utf8CodeUnitCount
        guard let base = bytes.baseAddress, count > 0, bytes.count >= count else { return nil }
        var from = 0
        while let start = bytes[from...(bytes.count - count)].firstIndex(of: needle.utf8Start[0]) {
            if memcmp(base + start, needle.utf8Start, count) == 0 { return start..<start + count }
            from = start + 1
            if from > bytes.count - count { return nil }
        }
        return nil
    }
}

extension BenchRecorder.State {
    fileprivate mutating func record(from sent: ContinuousClock.Instant, to arrived: ContinuousClock.Instant) {
        established += 1
        _ = createToEstablished.record(microseconds(sent.duration(to: arrived)))
        if lastEstablished.map({ arrived > $0 }) ?? true { lastEstablished = arrived }
    }
}

/// `duration` in whole microseconds, 0 for a negative one.
private func microseconds(_ duration: Duration) -> UInt64 {
    let (seconds, attoseconds) = duration.components
    return UInt64(max(0, seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
}

extension Histogram where Count == UInt64 {
    /// `p50=… p90=… p99=… p999=… max=…` in milliseconds (one decimal), under `prefix`;
    /// `nan` for each when nothing was recorded.
    func summary(_ prefix: String) -> String {
        let points: [(String, Double?)] = [("p50", 50), ("p90", 90), ("p99", 99), ("p999", 99.9), ("max", nil)]
        return points.map { name, percentile in
            guard totalCount > 0 else { return "\(prefix)_\(name)_ms=nan" }
            let micros = percentile.map { valueAtPercentile($0) } ?? max
            return "\(prefix)_\(name)_ms=\(String(format: "%.1f", Double(micros) / 1000))"
        }.joined(separator: " ")
    }

    /// `p50 1.2 ms, p99 3.4 ms, max 5.6 ms` for people.
    var readable: String {
        guard totalCount > 0 else { return "none" }
        func ms(_ micros: UInt64) -> String { String(format: "%.1f ms", Double(micros) / 1000) }
        return "p50 \(ms(valueAtPercentile(50))), p90 \(ms(valueAtPercentile(90))), p99 \(ms(valueAtPercentile(99))), "
            + "p99.9 \(ms(valueAtPercentile(99.9))), max \(ms(max)) (\(totalCount))"
    }
}
