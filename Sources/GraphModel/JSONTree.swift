/// A JSON document parsed once into values, for ``GraphJSONDecoder``'s direct path.
///
/// The parser is strict and narrow on purpose: it accepts RFC 8259 JSON in valid UTF-8 and
/// gives up (`nil`) on anything else — malformed input, a duplicated property, a lone
/// surrogate — which then goes to Foundation's decoder, so every error a client sees is
/// Foundation's own.
indirect enum JSONNode {
    case null
    case bool(Bool)
    /// A number as written (validated against JSON's grammar), read as the type asked for.
    case number(String)
    case string(String)
    case array([JSONNode])
    /// Members in document order; names are unique.
    case object(Members)

    typealias Members = [(key: String, value: JSONNode)]

    /// The value of `key` among an object's `members` (objects are small: a scan).
    static func value(of key: String, in members: Members) -> JSONNode? {
        members.first(where: { $0.key == key })?.value
    }

    /// What ``JSONValue``'s own `init(from:)` makes of this node under Foundation; a number
    /// Foundation would have to judge is left to it (`trail` records the miss).
    func jsonValue(_ trail: DirectTrail) throws -> JSONValue {
        switch self {
        case .null: return .null
        case .bool(let value): return .bool(value)
        case .number(let text):
            guard let value = NodeDecoder.double(text) else { throw trail.miss() }
            return .number(value)
        case .string(let value): return .string(value)
        case .array(let elements): return .array(try elements.map { try $0.jsonValue(trail) })
        case .object(let members):
            var object: [String: JSONValue] = [:]
            for member in members { object[member.key] = try member.value.jsonValue(trail) }
            return .object(object)
        }
    }
}

struct JSONTreeParser {
    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    /// Deeper than this gives up (request bodies are bounded far lower by ``JSONLimits``).
    private static let maxDepth = 512

    private init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// The document in `bytes`, or `nil` when the direct path leaves it to Foundation.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> JSONNode? {
        var parser = JSONTreeParser(bytes)
        guard let value = parser.value(depth: 0) else { return nil }
        parser.skipWhitespace()
        return parser.index == bytes.count ? value : nil
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) -> JSONNode? {
        skipWhitespace()
        guard index < bytes.count, depth < Self.maxDepth else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "{"): return object(depth: depth)
        case UInt8(ascii: "["): return array(depth: depth)
        case UInt8(ascii: "\""): return string().map(JSONNode.string)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        default: return number()
        }
    }

    private mutating func literal(_ word: StaticString, _ node: JSONNode) -> JSONNode? {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { return nil }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return nil }
        index += count
        return node
    }

    private mutating func object(depth: Int) -> JSONNode? {
        var members: JSONNode.Members = []
        let closed = list(closedBy: UInt8(ascii: "}")) { parser in
            parser.skipWhitespace()
            guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: "\""), let key = parser.string(),
                  // A repeated name: which one counts is Foundation's call.
                  JSONNode.value(of: key, in: members) == nil else { return false }
            parser.skipWhitespace()
            guard parser.index < parser.bytes.count, parser.bytes[parser.index] == UInt8(ascii: ":") else { return false }
            parser.index += 1
            guard let value = parser.value(depth: depth + 1) else { return false }
            members.append((key, value))
            return true
        }
        return closed ? .object(members) : nil
    }

    private mutating func array(depth: Int) -> JSONNode? {
        var elements: [JSONNode] = []
        let closed = list(closedBy: UInt8(ascii: "]")) { parser in
            guard let element = parser.value(depth: depth + 1) else { return false }
            elements.append(element)
            return true
        }
        return closed ? .array(elements) : nil
    }

    /// The items of an object or array, from its opening bracket at `index` to `close`,
    /// separated by commas; `item` reads one. Whether the list was well formed.
    private mutating func list(closedBy close: UInt8, _ item: (inout JSONTreeParser) -> Bool) -> Bool {
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == close {
            index += 1
            return true
        }
        while true {
            guard item(&self) else { return false }
            skipWhitespace()
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: ","): index += 1
            case close:
                index += 1
                return true
            default: return false
            }
        }
    }

    /// A string at `index` (its opening quote): copied in one piece when it has no escapes.
    private mutating func string() -> String? {
        index += 1
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                defer { index += 1 }
                return String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { return escapedString(from: start) }
            guard byte >= 0x20 else { return nil }
            index += 1
        }
        return nil
    }

    /// The rest of a string with escapes, from its first byte at `start`.
    private mutating func escapedString(from start: Int) -> String? {
        var utf8 = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return utf8.withUnsafeBufferPointer { String(validating: $0, as: UTF8.self) }
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    guard let scalar = unicodeEscape() else { return nil }
                    utf8.append(contentsOf: UTF8.encode(scalar)!)
                default: return nil
                }
            default:
                guard byte >= 0x20 else { return nil }
                utf8.append(byte)
            }
        }
        return nil
    }

    /// `XXXX` after `\u`, with the low half of a surrogate pair when it is the high half.
    private mutating func unicodeEscape() -> Unicode.Scalar? {
        guard let unit = hex4() else { return nil }
        switch unit {
        case 0xD800...0xDBFF:
            guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else { return nil }
            index += 2
            guard let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
            return Unicode.Scalar(0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00))
        case 0xDC00...0xDFFF: return nil
        default: return Unicode.Scalar(unit)
        }
    }

    private mutating func hex4() -> UInt16? {
        guard bytes.count - index >= 4 else { return nil }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, kept as written.
    private mutating func number() -> JSONNode? {
        let start = index
        func digits() -> Int {
            let first = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - first
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            return nil
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return nil }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return nil }
        }
        // A number must end where a value may end.
        if index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"): break
            default: return nil
            }
        }
        return .number(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
    }
}
