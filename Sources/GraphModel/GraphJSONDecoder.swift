import Foundation

/// Decodes request bodies: straight from a parsed ``JSONNode`` tree when it can, otherwise
/// with Foundation's `JSONDecoder`.
///
/// The direct path only ever produces a value; it never produces an error. Anything it does
/// not take on — malformed JSON, a type mismatch, a number it would have to interpret, an
/// error a model throws — sends the whole body to Foundation's decoder, which decides. A
/// client therefore sees exactly Foundation's messages, and the two paths agree on every
/// value (the differential tests hold them to that).
public struct GraphJSONDecoder: Sendable {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) throws -> T {
        if let value = decodedDirectly(type, from: bytes) { return value }
        return try JSONDecoder().decode(T.self, from: Data(bytes))
    }

    public func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try data.withUnsafeBytes { try decode(type, from: $0) }
    }

    /// The value the direct path reads, or `nil` when it leaves `bytes` to Foundation.
    /// Public so tests can compare the two paths and check which one a body takes.
    public func decodedDirectly<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) -> T? {
        guard let root = JSONTreeParser.parse(bytes) else { return nil }
        let trail = DirectTrail()
        // A model may try one reading and fall back to another (`try?`); if any step of
        // the direct path gave up on the way, even one a model caught, Foundation decides.
        guard let value = try? NodeDecoder(node: root, trail: trail).decode(T.self), !trail.missed else { return nil }
        return value
    }
}

/// Whether the direct path gave up anywhere in one decode.
///
/// Two kinds of failure: a *mismatch* is one Foundation's decoder certainly fails at too (a
/// string where an object goes, a missing key), so a model that tries one reading and then
/// another behaves the same on both paths; a *miss* is a question the direct path leaves to
/// Foundation (how to read `1e2` as an `Int`), and sends the whole body there.
final class DirectTrail {
    var missed = false

    /// Marks the decode as left to Foundation; the error itself is never shown.
    func miss() -> any Error {
        missed = true
        return DirectPathFailure()
    }

    /// A failure Foundation's decoder has too (its error, not this one, is what is shown).
    func mismatch() -> any Error { DirectPathFailure() }
}

private struct DirectPathFailure: Error {}

/// A `Decoder` over one node of the tree. Coding paths are empty: an error here is never
/// shown (Foundation's decoder runs again and reports it with its own path).
struct NodeDecoder: Decoder, SingleValueDecodingContainer {
    let node: JSONNode
    let trail: DirectTrail

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = node else { throw trail.mismatch() }
        return KeyedDecodingContainer(NodeKeyedContainer<Key>(members: members, trail: trail))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = node else { throw trail.mismatch() }
        return NodeUnkeyedContainer(elements: elements, trail: trail)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    /// A value of any type: the scalars and ``JSONValue`` read from the node, anything else
    /// through its own `init(from:)`.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == String.self { return try decode(String.self) as! T }
        if T.self == JSONValue.self { return try node.jsonValue(trail) as! T }
        if T.self == Bool.self { return try decode(Bool.self) as! T }
        if T.self == Double.self { return try decode(Double.self) as! T }
        if T.self == Int.self { return try decode(Int.self) as! T }
        // Foundation's decoder reads these its own way (strategies), not by their `init(from:)`.
        if T.self == Data.self || T.self == URL.self || T.self == Date.self || T.self == Decimal.self { throw trail.miss() }
        return try T(from: self)
    }

    func decodeNil() -> Bool {
        if case .null = node { return true }
        return false
    }

    func decode(_ type: String.Type) throws -> String {
        guard case .string(let value) = node else { throw trail.mismatch() }
        return value
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .bool(let value) = node else { throw trail.mismatch() }
        return value
    }

    func decode(_ type: Double.Type) throws -> Double {
        guard case .number(let text) = node else { throw trail.mismatch() }
        guard let value = Self.double(text) else { throw trail.miss() }
        return value
    }

    /// `Float`'s rounding and range are Foundation's call.
    func decode(_ type: Float.Type) throws -> Float { throw trail.miss() }
    func decode(_ type: Int.Type) throws -> Int { try integer() }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer() }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer() }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer() }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer() }
    func decode(_ type: UInt.Type) throws -> UInt { try integer() }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer() }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer() }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer() }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer() }

    /// Plain digits within range; fractions, exponents and `-0` are Foundation's call.
    private func integer<I: FixedWidthInteger>() throws -> I {
        guard case .number(let text) = node else { throw trail.mismatch() }
        guard !text.hasPrefix("-0"),
              !text.utf8.contains(where: { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") }),
              let value = I(text) else { throw trail.miss() }
        return value
    }

    /// A finite double; a number that rounds to zero from non-zero digits is Foundation's call.
    static func double(_ text: String) -> Double? {
        guard let value = Double(text), value.isFinite else { return nil }
        if value == 0 {
            let mantissa = text.utf8.prefix { $0 | 0x20 != UInt8(ascii: "e") }
            guard mantissa.allSatisfy({ !(UInt8(ascii: "1")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        }
        return value
    }
}

struct NodeKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: JSONNode.Members
    let trail: DirectTrail

    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { members.compactMap { Key(stringValue: $0.key) } }

    func contains(_ key: Key) -> Bool { node(key) != nil }

    private func node(_ key: Key) -> JSONNode? { JSONNode.value(of: key.stringValue, in: members) }

    private func decoder(_ key: Key) throws -> NodeDecoder {
        guard let node = node(key) else { throw trail.mismatch() }
        return NodeDecoder(node: node, trail: trail)
    }

    func decodeNil(forKey key: Key) throws -> Bool { try decoder(key).decodeNil() }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decoder(key).decode(T.self) }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard let node = node(key) else { return nil }
        if case .null = node { return nil }
        return try NodeDecoder(node: node, trail: trail).decode(T.self)
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder(key).decode(type) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder(key).decode(type) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoder(key).decode(type) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decoder(key).decode(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decoder(key).decode(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decoder(key).decode(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decoder(key).decode(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decoder(key).decode(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decoder(key).decode(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decoder(key).decode(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decoder(key).decode(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decoder(key).decode(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decoder(key).decode(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decoder(key).decode(type) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try decoder(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try decoder(key).unkeyedContainer() }

    func superDecoder() throws -> any Decoder { throw trail.miss() }
    func superDecoder(forKey key: Key) throws -> any Decoder { throw trail.miss() }
}

struct NodeUnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONNode]
    let trail: DirectTrail
    private(set) var currentIndex = 0

    init(elements: [JSONNode], trail: DirectTrail) {
        self.elements = elements
        self.trail = trail
    }

    var codingPath: [any CodingKey] { [] }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    /// The next element's decoder, moving past it once `read` succeeds.
    private mutating func next<T>(_ read: (NodeDecoder) throws -> T) throws -> T {
        guard !isAtEnd else { throw trail.mismatch() }
        let value = try read(NodeDecoder(node: elements[currentIndex], trail: trail))
        currentIndex += 1
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { throw trail.mismatch() }
        guard case .null = elements[currentIndex] else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next { try $0.decode(T.self) } }
    mutating func decode(_ type: Bool.Type) throws -> Bool { try next { try $0.decode(type) } }
    mutating func decode(_ type: String.Type) throws -> String { try next { try $0.decode(type) } }
    mutating func decode(_ type: Double.Type) throws -> Double { try next { try $0.decode(type) } }
    mutating func decode(_ type: Float.Type) throws -> Float { try next { try $0.decode(type) } }
    mutating func decode(_ type: Int.Type) throws -> Int { try next { try $0.decode(type) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next { try $0.decode(type) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next { try $0.decode(type) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next { try $0.decode(type) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next { try $0.decode(type) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next { try $0.decode(type) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next { try $0.decode(type) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next { try $0.decode(type) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next { try $0.decode(type) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next { try $0.decode(type) } }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next { try $0.container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next { try $0.unkeyedContainer() } }

    mutating func superDecoder() throws -> any Decoder { throw trail.miss() }
}
