/// A wall-clock instant in milliseconds since the Unix epoch.
///
/// Timers are persisted with the call and must survive a restart, so the engine speaks
/// wall-clock time; the runtime's injected clock supplies it.
public struct Timestamp: Codable, Sendable, Hashable, Comparable {
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// This instant moved by `duration` (millisecond precision).
    public func advanced(by duration: Duration) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + duration.milliseconds)
    }

    /// The time from `self` to `other`.
    public func duration(to other: Timestamp) -> Duration {
        .milliseconds(other.millisecondsSinceEpoch - millisecondsSinceEpoch)
    }

    /// ISO 8601 UTC with second precision, e.g. `2026-11-23T06:46:00Z`.
    public var iso8601: String {
        let totalSeconds = millisecondsSinceEpoch >= 0 ? millisecondsSinceEpoch / 1000 : (millisecondsSinceEpoch - 999) / 1000
        let days = totalSeconds >= 0 ? totalSeconds / 86_400 : (totalSeconds - 86_399) / 86_400
        let secondsOfDay = totalSeconds - days * 86_400
        // Civil-from-days (Howard Hinnant).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondsOfDay / 3600, 2)):\(pad(secondsOfDay % 3600 / 60, 2)):\(pad(secondsOfDay % 60, 2))Z"
    }
}

extension Timestamp {
    /// ISO 8601 UTC with milliseconds, e.g. `2026-11-23T06:46:00.250Z`: exact, for snapshots.
    public var iso8601Milliseconds: String {
        let millis = ((millisecondsSinceEpoch % 1000) + 1000) % 1000
        let text = String(millis)
        return String(iso8601.dropLast()) + "." + String(repeating: "0", count: 3 - text.count) + text + "Z"
    }

    /// Reads `YYYY-MM-DDTHH:MM:SS[.fff]Z` (UTC, as ``iso8601`` and ``iso8601Milliseconds`` write).
    public init?(iso8601 text: String) {
        let parts = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= parts.count else { return nil }
            var value: Int64 = 0
            for byte in parts[range] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard parts.count >= 20, parts[4] == 45, parts[7] == 45, parts[10] == 84, parts[13] == 58, parts[16] == 58, parts.last == 90,
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var millis: Int64 = 0
        if parts.count > 20 {
            guard parts[19] == 46, parts.count == 24, let fraction = number(20..<23) else { return nil }
            millis = fraction
        } else if parts.count != 20 {
            return nil
        }
        // Days from civil (Howard Hinnant).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        self.init(millisecondsSinceEpoch: ((days * 86_400) + hour * 3600 + minute * 60 + second) * 1000 + millis)
    }
}

/// Where Switchboard reads the time and waits for it: injected everywhere, so tests drive
/// time by hand and never sleep.
public protocol WallClock: Sendable {
    /// The current time.
    func now() -> Timestamp
    /// Suspends until `deadline` (returns at once if it has passed); throws when cancelled.
    func sleep(until deadline: Timestamp) async throws
}

extension Duration {
    /// Whole milliseconds (what the store keeps and the wire shows), truncated.
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
