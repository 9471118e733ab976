import CallEngine
import Synchronization

/// The recordings recordResponse made, kept so a bot can fetch them from
/// `recordingLocation` with `recordingAccessToken`.
///
/// Graph discards a recording soon after the call ends and tells bots to fetch it promptly;
/// Switchboard keeps the most recent ``capacity`` in memory (they do not survive a restart).
public final class RecordingVault: Sendable {
    public static let capacity = 1000

    private struct Entry: Sendable {
        var operationId: String
        var plan: RecordingPlan
    }

    private let entries = Mutex<[Entry]>([])

    public init() {}

    func keep(operationId: String, plan: RecordingPlan) {
        entries.withLock { entries in
            entries.append(Entry(operationId: operationId, plan: plan))
            if entries.count > Self.capacity { entries.removeFirst(entries.count - Self.capacity) }
        }
    }

    func reset() {
        entries.withLock { $0 = [] }
    }

    /// How long the recording of `operationId` is, when `token` is its access token.
    public func recording(operationId: String, token: String) -> Duration? {
        entries.withLock { entries in
            entries.last { $0.operationId == operationId && $0.plan.accessToken == token }?.plan.recordedFor
        }
    }
}

/// WAV files as Graph's media wants them: PCM, mono, 16-bit, 16 kHz.
public enum WAV {
    public static let sampleRate = 16_000

    /// A recording of `duration` of silence.
    public static func silence(_ duration: Duration) -> [UInt8] {
        let (seconds, attoseconds) = duration.components
        let samples = Int(seconds) * sampleRate + Int(attoseconds / 1_000_000_000_000) * sampleRate / 1_000_000
        let dataBytes = samples * 2
        var out: [UInt8] = []
        out.reserveCapacity(44 + dataBytes)
        func put(_ text: String) { out.append(contentsOf: Array(text.utf8)) }
        func put32(_ value: Int) { withUnsafeBytes(of: UInt32(value).littleEndian) { out.append(contentsOf: $0) } }
        func put16(_ value: Int) { withUnsafeBytes(of: UInt16(value).littleEndian) { out.append(contentsOf: $0) } }
        put("RIFF"); put32(36 + dataBytes); put("WAVE")
        put("fmt "); put32(16); put16(1); put16(1); put32(sampleRate); put32(sampleRate * 2); put16(2); put16(16)
        put("data"); put32(dataBytes)
        out.append(contentsOf: repeatElement(0, count: dataBytes))
        return out
    }

    /// The playing time of a PCM WAV file, or `nil` when `bytes` is not one.
    public static func duration(of bytes: [UInt8]) -> Duration? {
        guard bytes.count >= 12, String(decoding: bytes[0..<4], as: UTF8.self) == "RIFF",
              String(decoding: bytes[8..<12], as: UTF8.self) == "WAVE" else { return nil }
        func le32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
        var offset = 12
        var byteRate: Int?
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = le32(offset + 4)
            if id == "fmt ", offset + 20 <= bytes.count {
                byteRate = le32(offset + 16)
            } else if id == "data", let byteRate, byteRate > 0 {
                let dataSize = min(size, bytes.count - offset - 8)
                return .milliseconds(Int64(dataSize) * 1000 / Int64(byteRate))
            }
            offset += 8 + size + (size & 1)
        }
        return nil
    }
}
