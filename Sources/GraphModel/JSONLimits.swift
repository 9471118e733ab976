/// Bounds on the shape of a request body, checked in one pass over its bytes before it is
/// decoded: how deep it nests, how long its arrays and strings are. The decoder never sees
/// a body that could make it recurse deeply or allocate without bound, and the bot gets a
/// 400 that names the property.
public struct JSONLimits: Sendable, Hashable {
    /// Objects and arrays inside one another (Graph's deepest legitimate body, a meeting
    /// join with app-hosted media, nests 6 deep).
    public var maxDepth: Int
    /// Elements in one array (Graph's own limits — 5 VoIP targets, 25 redirect targets,
    /// 20 prompts — are far lower and checked with their own messages).
    public var maxArrayLength: Int
    /// Bytes in one string as sent (escapes counted as written); app-hosted media blobs and
    /// meeting join tokens run to a few kilobytes.
    public var maxStringLength: Int

    public init(maxDepth: Int = 32, maxArrayLength: Int = 1000, maxStringLength: Int = 32 * 1024) {
        self.maxDepth = maxDepth
        self.maxArrayLength = maxArrayLength
        self.maxStringLength = maxStringLength
    }

    /// What is wrong with `body`'s shape, as a message naming the property; `nil` when it
    /// is within the limits. Malformed JSON is left to the decoder, which says so.
    public func violation(in body: some Collection<UInt8>) -> String? {
        if let found = body.withContiguousStorageIfAvailable({ violation(in: UnsafeRawBufferPointer($0)) }) { return found }
        return Array(body).withUnsafeBytes { violation(in: $0) }
    }

    /// The one pass, over the body's bytes in place (property names are made into strings
    /// only for a message).
    private func violation(in body: UnsafeRawBufferPointer) -> String? {
        var frames: [Frame] = []
        var index = 0
        var pendingKey: Range<Int>?
        let end = body.count
        func path(_ frames: [Frame]) -> String { self.path(frames, in: body) }
        while index < end {
            let byte = body[index]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if var parent = frames.last, parent.isArray {
                    parent.count += 1
                    frames[frames.count - 1] = parent
                    if parent.count > maxArrayLength { return arrayMessage(path(frames)) }
                }
                frames.append(Frame(isArray: byte == UInt8(ascii: "["), key: pendingKey, count: 0, expectingKey: byte == UInt8(ascii: "{")))
                pendingKey = nil
                if frames.count > maxDepth {
                    return "The request body nests deeper than \(maxDepth) levels at \(path(frames))."
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if !frames.isEmpty { frames.removeLast() }
            case UInt8(ascii: ","):
                if !frames.isEmpty, !frames[frames.count - 1].isArray {
                    frames[frames.count - 1].expectingKey = true
                }
            case UInt8(ascii: "\""):
                let start = index + 1
                var stop = start
                var escaped = false
                while stop < end {
                    let character = body[stop]
                    if escaped { escaped = false } else if character == UInt8(ascii: "\\") { escaped = true } else if character == UInt8(ascii: "\"") { break }
                    stop += 1
                }
                let length = stop - start
                if var frame = frames.last, !frame.isArray, frame.expectingKey {
                    frame.expectingKey = false
                    frames[frames.count - 1] = frame
                    if length > maxStringLength {
                        return "A property name in \(path(frames)) is longer than \(maxStringLength) bytes."
                    }
                    pendingKey = start..<stop
                } else {
                    if let parent = frames.last, parent.isArray {
                        frames[frames.count - 1].count += 1
                        if parent.count + 1 > maxArrayLength { return arrayMessage(path(frames)) }
                    }
                    if length > maxStringLength {
                        var named = frames
                        named.append(Frame(isArray: false, key: pendingKey, count: 0, expectingKey: false))
                        return "\(path(named)) is longer than \(maxStringLength) bytes."
                    }
                    pendingKey = nil
                }
                index = stop < end ? stop : stop - 1
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"), UInt8(ascii: ":"):
                break
            default:
                // The first byte of a number, true, false or null: one element.
                if let parent = frames.last, parent.isArray, index == 0 || !Self.continuesScalar(body[index - 1]) {
                    frames[frames.count - 1].count += 1
                    if parent.count + 1 > maxArrayLength { return arrayMessage(path(frames)) }
                }
                pendingKey = nil
            }
            index += 1
        }
        return nil
    }

    private struct Frame {
        var isArray: Bool
        /// Where the name of the property this container is the value of lies in the body.
        var key: Range<Int>?
        /// Elements so far (arrays).
        var count: Int
        /// Objects: the next string is a property name.
        var expectingKey: Bool
    }

    private func arrayMessage(_ path: String) -> String {
        "\(path) has more than \(maxArrayLength) elements."
    }

    /// `targets[3].identity.user`, or `the request body` at the top.
    private func path(_ frames: [Frame], in body: UnsafeRawBufferPointer) -> String {
        var text = ""
        for (position, frame) in frames.enumerated() {
            if let range = frame.key {
                let key = String(decoding: body[range], as: UTF8.self)
                text += text.isEmpty ? key : ".\(key)"
            } else if position > 0, frames[position - 1].isArray {
                text += "[\(frames[position - 1].count - 1)]"
            }
        }
        return text.isEmpty ? "the request body" : text
    }

    private static func continuesScalar(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }
}
