/// A JSON encoder that writes object properties in the order they were encoded.
///
/// Foundation's `JSONEncoder` keeps objects in dictionaries, so the same value can come out
/// with its properties in a different order each run. Graph writes `@odata.context`, then
/// `@odata.type`, then the properties in the metadata's order; bots snapshot responses in
/// their tests, so Switchboard must write the same bytes every time. This encoder keeps the
/// order each `encode(to:)` chose, and writes no escaped slashes.
public struct OrderedJSONEncoder: Sendable {
    /// Values handed to every `encode(to:)` (the wire profile, for one).
    public var userInfo: [CodingUserInfoKey: any Sendable]

    /// Whether ``encodeBytes(_:)`` writes values that encode in order straight to bytes
    /// (the default); `false` always builds the tree first. The bytes are the same.
    public var writesInPlace: Bool

    public init(userInfo: [CodingUserInfoKey: any Sendable] = [:], writesInPlace: Bool = true) {
        self.userInfo = userInfo
        self.writesInPlace = writesInPlace
    }

    /// The JSON text of `value`, as UTF-8 bytes.
    public func encodeBytes<T: Encodable>(_ value: T) throws -> [UInt8] {
        if writesInPlace, let bytes = try streamed(value) { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        try encodeBoxes(value).write(to: &out)
        return out
    }

    /// Whether `value` writes in order, so ``encodeBytes(_:)`` needs no tree for it (tests
    /// check that Graph's models do).
    public func writesInOrder<T: Encodable>(_ value: T) -> Bool {
        (try? streamed(value)) != nil
    }

    /// `value` written as it encodes; `nil` if it wrote out of order (see ``JSONStream``).
    private func streamed<T: Encodable>(_ value: T) throws -> [UInt8]? {
        let stream = JSONStream()
        do {
            if let scalar = TreeEncoder.scalar(value) {
                try stream.writeScalar(scalar, level: 0, slot: JSONStream.rootSlot)
            } else {
                try value.encode(to: StreamEncoder(
                    stream: stream, level: 0, slot: JSONStream.rootSlot, path: nil, userInfo: userInfo,
                    profile: userInfo[.graphWireProfile] as? GraphWireProfile ?? .beta
                ))
                stream.endValue(slot: JSONStream.rootSlot)
            }
        } catch {
            if stream.broken || error is OutOfOrder { return nil }
            throw error
        }
        return stream.broken ? nil : stream.finish()
    }

    /// The ordered tree `value` encodes to (tests read property order from it).
    public func encodeTree<T: Encodable>(_ value: T) throws -> OrderedJSON {
        try encodeBoxes(value).resolved ?? .null
    }

    private func encodeBoxes<T: Encodable>(_ value: T) throws -> NodeBox {
        let root = NodeBox()
        let encoder = TreeEncoder(box: root, path: nil, userInfo: userInfo)
        if let scalar = TreeEncoder.scalar(value) {
            root.value = scalar
        } else {
            try value.encode(to: encoder)
        }
        return root
    }
}

/// A JSON value whose objects keep their properties in order.
public indirect enum OrderedJSON: Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case unsigned(UInt64)
    case double(Double)
    case string(String)
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    /// The property names of an object, in order.
    public var keys: [String] {
        if case .object(let members) = self { return members.map(\.0) }
        return []
    }

    /// The value of `key` when this is an object.
    public subscript(key: String) -> OrderedJSON? {
        if case .object(let members) = self { return members.first { $0.0 == key }?.1 }
        return nil
    }

    func write(to out: inout [UInt8]) throws {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .integer(let value): out.append(contentsOf: String(value).utf8)
        case .unsigned(let value): out.append(contentsOf: String(value).utf8)
        case .double(let value):
            guard value.isFinite else {
                throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "JSON has no \(value)."))
            }
            if value == value.rounded(), abs(value) < 9.007_199_254_740_992e15 {
                out.append(contentsOf: String(Int64(value)).utf8)
            } else {
                out.append(contentsOf: "\(value)".utf8)
            }
        case .string(let value): Self.writeString(value, to: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                try value.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                try value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    static func writeString(_ string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most strings (names, ids, URIs) need no escape: copied in one piece.
        let copied = string.utf8.withContiguousStorageIfAvailable { bytes in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if copied == true {
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

// MARK: - The Encoder behind it

/// A slot a value is encoded into; containers fill it in place.
final class NodeBox {
    var value: OrderedJSON?
    var object: [(String, NodeBox)]?
    var array: [NodeBox]?

    var resolved: OrderedJSON? {
        if let object { return .object(object.compactMap { key, box in box.resolved.map { (key, $0) } }) }
        if let array { return .array(array.map { $0.resolved ?? .null }) }
        return value
    }

    /// Whether anything was encoded into the slot.
    var isFilled: Bool { object != nil || array != nil || value != nil }

    /// Writes what ``resolved`` would give, without building it first.
    func write(to out: inout [UInt8]) throws {
        if let object {
            out.append(UInt8(ascii: "{"))
            var first = true
            for (key, box) in object where box.isFilled {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                OrderedJSON.writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                try box.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        } else if let array {
            out.append(UInt8(ascii: "["))
            for (index, box) in array.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                if box.isFilled { try box.write(to: &out) } else { out.append(contentsOf: "null".utf8) }
            }
            out.append(UInt8(ascii: "]"))
        } else {
            try (value ?? .null).write(to: &out)
        }
    }

    func child(forKey key: String) -> NodeBox {
        if object == nil { object = [] }
        if let existing = object!.first(where: { $0.0 == key }) {
            existing.1.value = nil
            existing.1.object = nil
            existing.1.array = nil
            return existing.1
        }
        let box = NodeBox()
        object!.append((key, box))
        return box
    }

    func appendChild() -> NodeBox {
        if array == nil { array = [] }
        let box = NodeBox()
        array!.append(box)
        return box
    }
}

/// A coding path as a chain of keys, built only when someone asks for it (an error).
final class PathNode {
    let key: any CodingKey
    let parent: PathNode?

    init(key: any CodingKey, parent: PathNode?) {
        self.key = key
        self.parent = parent
    }

    var keys: [any CodingKey] {
        var keys: [any CodingKey] = []
        var node: PathNode? = self
        while let current = node {
            keys.append(current.key)
            node = current.parent
        }
        return keys.reversed()
    }
}

/// The types written as JSON scalars: one cast finds them, not one per type.
private protocol JSONScalar {
    var orderedJSON: OrderedJSON { get }
}

extension String: JSONScalar { var orderedJSON: OrderedJSON { .string(self) } }
extension Bool: JSONScalar { var orderedJSON: OrderedJSON { .bool(self) } }
extension Int: JSONScalar { var orderedJSON: OrderedJSON { .integer(Int64(self)) } }
extension Int64: JSONScalar { var orderedJSON: OrderedJSON { .integer(self) } }
extension Int32: JSONScalar { var orderedJSON: OrderedJSON { .integer(Int64(self)) } }
extension Int16: JSONScalar { var orderedJSON: OrderedJSON { .integer(Int64(self)) } }
extension Int8: JSONScalar { var orderedJSON: OrderedJSON { .integer(Int64(self)) } }
extension UInt: JSONScalar { var orderedJSON: OrderedJSON { .unsigned(UInt64(self)) } }
extension UInt64: JSONScalar { var orderedJSON: OrderedJSON { .unsigned(self) } }
extension UInt32: JSONScalar { var orderedJSON: OrderedJSON { .unsigned(UInt64(self)) } }
extension UInt16: JSONScalar { var orderedJSON: OrderedJSON { .unsigned(UInt64(self)) } }
extension UInt8: JSONScalar { var orderedJSON: OrderedJSON { .unsigned(UInt64(self)) } }
extension Double: JSONScalar { var orderedJSON: OrderedJSON { .double(self) } }
extension Float: JSONScalar { var orderedJSON: OrderedJSON { .double(Double(self)) } }

struct TreeEncoder: Encoder {
    let box: NodeBox
    let path: PathNode?
    let storedUserInfo: [CodingUserInfoKey: any Sendable]

    init(box: NodeBox, path: PathNode?, userInfo: [CodingUserInfoKey: any Sendable]) {
        self.box = box
        self.path = path
        storedUserInfo = userInfo
    }

    var codingPath: [any CodingKey] { path?.keys ?? [] }

    var userInfo: [CodingUserInfoKey: Any] { storedUserInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if box.object == nil { box.object = [] }
        return KeyedEncodingContainer(KeyedContainer<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if box.array == nil { box.array = [] }
        return UnkeyedContainer(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(encoder: self)
    }

    func nested(_ box: NodeBox, key: any CodingKey) -> TreeEncoder {
        TreeEncoder(box: box, path: PathNode(key: key, parent: path), userInfo: storedUserInfo)
    }

    /// Encodes `value` into `target`: scalars directly, everything else through its `encode(to:)`.
    func encode<T: Encodable>(_ value: T, into target: NodeBox, key: any CodingKey) throws {
        if let scalar = Self.scalar(value) {
            target.value = scalar
        } else {
            try value.encode(to: nested(target, key: key))
            if target.object == nil && target.array == nil && target.value == nil { target.value = .object([]) }
        }
    }

    static func scalar<T>(_ value: T) -> OrderedJSON? {
        (value as? any JSONScalar)?.orderedJSON
    }
}

struct IndexKey: CodingKey {
    var stringValue: String { String(intValue!) }
    var intValue: Int?
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: TreeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    func encodeNil(forKey key: Key) throws { encoder.box.child(forKey: key.stringValue).value = .null }

    func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try encoder.encode(value, into: encoder.box.child(forKey: key.stringValue), key: key)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        encoder.nested(encoder.box.child(forKey: key.stringValue), key: key).container(keyedBy: keyType)
    }

    func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder.nested(encoder.box.child(forKey: key.stringValue), key: key).unkeyedContainer()
    }

    func superEncoder() -> any Encoder {
        encoder.nested(encoder.box.child(forKey: "super"), key: GraphKey("super"))
    }

    func superEncoder(forKey key: Key) -> any Encoder {
        encoder.nested(encoder.box.child(forKey: key.stringValue), key: key)
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let encoder: TreeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { encoder.box.array?.count ?? 0 }

    func encodeNil() throws { encoder.box.appendChild().value = .null }

    func encode<T: Encodable>(_ value: T) throws {
        let key = IndexKey(count)
        try encoder.encode(value, into: encoder.box.appendChild(), key: key)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let key = IndexKey(count)
        return encoder.nested(encoder.box.appendChild(), key: key).container(keyedBy: keyType)
    }

    func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let key = IndexKey(count)
        return encoder.nested(encoder.box.appendChild(), key: key).unkeyedContainer()
    }

    func superEncoder() -> any Encoder {
        let key = IndexKey(count)
        return encoder.nested(encoder.box.appendChild(), key: key)
    }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let encoder: TreeEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    func encodeNil() throws { encoder.box.value = .null }

    func encode<T: Encodable>(_ value: T) throws {
        if let scalar = TreeEncoder.scalar(value) {
            encoder.box.value = scalar
        } else {
            try value.encode(to: encoder)
        }
    }
}
