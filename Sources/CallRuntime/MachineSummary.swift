import CallEngine
import Foundation
import GraphModel

/// What the runtime needs of a stored call at start without decoding its state: the timers
/// to arm, and the meeting it is in. Read for every call when the server starts, so it is a
/// few short lines rather than JSON:
///
///     s <Graph callState>                    (since the inspector; absent in older ones)
///     m <chat thread id>                     (a call in a meeting)
///     t <kind> <subject> <due ms> <generation>   (one per armed timer)
///
/// with `%`, space and newline percent-escaped in the strings.
struct MachineSummary: Hashable {
    /// Graph's state of the call (nil in summaries written before it was kept).
    var state: CallState?
    var timers: [CallTimer]
    /// The chat thread of the meeting the bot is in (``CallMachine/isInMeeting``).
    var meetingThreadId: String?

    init(_ machine: CallMachine) {
        state = machine.state
        timers = machine.timers
        meetingThreadId = machine.isInMeeting ? (machine.graphCall.chatInfo?.threadId ?? "") : nil
    }

    var encoded: [UInt8] {
        var text = ""
        if let state { text += "s \(state.rawValue)\n" }
        if let meetingThreadId { text += "m \(Self.escape(meetingThreadId))\n" }
        for timer in timers {
            text += "t \(timer.kind.rawValue) \(Self.escape(timer.subject)) \(timer.due.millisecondsSinceEpoch) \(timer.generation)\n"
        }
        return Array(text.utf8)
    }

    /// Reads ``encoded``; nil for anything else.
    init?(parsing bytes: [UInt8]) {
        state = nil
        timers = []
        meetingThreadId = nil
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            switch fields.first {
            case "s" where fields.count == 2:
                guard let known = CallState(rawValue: fields[1]) else { return nil }
                state = known
            case "m" where fields.count == 2:
                guard let thread = Self.unescape(fields[1]) else { return nil }
                meetingThreadId = thread
            case "t" where fields.count == 5:
                guard let kind = CallTimer.Kind(rawValue: fields[1]), let subject = Self.unescape(fields[2]),
                      let due = Int64(fields[3]), let generation = Int(fields[4]) else { return nil }
                timers.append(CallTimer(kind: kind, subject: subject, due: Timestamp(millisecondsSinceEpoch: due), generation: generation))
            default:
                return nil
            }
        }
    }

    private static func escape(_ text: String) -> String {
        guard text.contains(where: { $0 == "%" || $0 == " " || $0 == "\n" }) else { return text }
        return text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: " ", with: "%20").replacingOccurrences(of: "\n", with: "%0A")
    }

    private static func unescape(_ text: String) -> String? {
        guard text.contains("%") else { return text }
        return text.removingPercentEncoding
    }
}
