/// Writes JSON straight to bytes as `encode(to:)` calls arrive, without building a tree.
///
/// This holds for values that write each property once and finish a nested container
/// before writing the next property of its parent, as Graph's models and synthesized
/// `Codable` conformances do. A value that does anything else — writes to a container
/// after a later sibling was started, writes a key twice, asks for a super encoder —
/// marks the stream ``broken``, and ``OrderedJSONEncoder`` encodes it again through its
/// tree, which allows all of that: the bytes are the same either way.
///
/// One encode uses it, on one thread, start to finish: its properties are not checked for
/// exclusive access at run time (a check on every byte appended).
final class JSONStream {
    /// A container open in the output: `{` or `[` written, its `}` or `]` not yet.
    private struct Frame {
        /// The slot the container was opened in: its identity.
        var slot: Int
        var isArray: Bool
        /// Members written so far.
        var count: Int
        /// Where this object's property names start in ``keys``.
        var keysStart: Int
    }

    @exclusivity(unchecked) private var out: [UInt8] = []
    @exclusivity(unchecked) private var frames: [Frame] = []
    /// The property names of the open objects, outermost first.
    @exclusivity(unchecked) private var keys: [String] = []
    /// The place a value is about to be written (after a property name, an array's comma,
    /// or at the top), until something is written there.
    @exclusivity(unchecked) private var pending: Int?
    @exclusivity(unchecked) private var lastSlot = 0
    /// Set once a value wrote out of order; nothing more is written.
    @exclusivity(unchecked) private(set) var broken = false

    init() {
        out.reserveCapacity(1024)
        pending = 0
    }

    /// The slot of the top-level value.
    static let rootSlot = 0

    func breakOff() { broken = true }

    /// Closes the containers above `level`, after checking that the container at `level`
    /// is the one opened in `slot`.
    private func enter(level: Int, slot: Int) -> Bool {
        guard !broken, level < frames.count, frames[level].slot == slot, pending == nil else {
            broken = true
            return false
        }
        while frames.count > level + 1 { close() }
        return true
    }

    private func close() {
        let frame = frames.removeLast()
        keys.removeSubrange(frame.keysStart...)
        out.append(frame.isArray ? UInt8(ascii: "]") : UInt8(ascii: "}"))
    }

    /// Starts the next member of the container at `level` (a property named `key`, or an
    /// array element): its separator and name. Returns the new slot, or `nil` if out of order.
    func beginMember(level: Int, slot: Int, key: String?) -> Int? {
        guard enter(level: level, slot: slot) else { return nil }
        if let key {
            let start = frames[level].keysStart
            if keys[start...].contains(key) {
                broken = true
                return nil
            }
            keys.append(key)
        }
        if frames[level].count > 0 { out.append(UInt8(ascii: ",")) }
        frames[level].count += 1
        if let key {
            OrderedJSON.writeString(key, to: &out)
            out.append(UInt8(ascii: ":"))
        }
        lastSlot += 1
        pending = lastSlot
        return lastSlot
    }

    /// After a non-scalar value was encoded into `slot`: a value that wrote nothing is `{}`
    /// (the top-level value, `null`), as the tree writes it.
    func endValue(slot: Int) {
        guard pending == slot else { return }
        pending = nil
        out.append(contentsOf: slot == Self.rootSlot ? "null".utf8 : "{}".utf8)
    }

    /// Writes a scalar into the pending `slot` at `level`.
    func writeScalar(_ value: OrderedJSON, level: Int, slot: Int) throws {
        guard !broken, pending == slot, frames.count == level else {
            broken = true
            throw OutOfOrder()
        }
        pending = nil
        try value.write(to: &out)
    }

    /// The container at `level` for the encoder of `slot`: opened if the slot is still
    /// empty, the same one again if it was opened there. `false` if out of order.
    func container(level: Int, slot: Int, isArray: Bool) -> Bool {
        guard !broken else { return false }
        if pending == slot, frames.count == level {
            pending = nil
            out.append(isArray ? UInt8(ascii: "[") : UInt8(ascii: "{"))
            frames.append(Frame(slot: slot, isArray: isArray, count: 0, keysStart: keys.count))
            return true
        }
        guard level < frames.count, frames[level].isArray == isArray else {
            broken = true
            return false
        }
        return enter(level: level, slot: slot)
    }

    /// Members written so far into the array at `level` opened in `slot`.
    func count(level: Int, slot: Int) -> Int {
        level < frames.count && frames[level].slot == slot ? frames[level].count : 0
    }

    /// Closes everything still open; the finished text.
    func finish() -> [UInt8] {
        while !frames.isEmpty { close() }
        return out
    }
}

/// A value wrote out of order; the tree encoder takes over.
struct OutOfOrder: Error {}

/// An `Encoder` for one slot of a ``JSONStream``.
struct StreamEncoder: Encoder {
    let stream: JSONStream
    /// The index its container takes among the open ones.
    let level: Int
    let slot: Int
    let path: PathNode?
    /// Converted from the encoder's sendable `userInfo` once, not on every access.
    let userInfo: [CodingUserInfoKey: Any]
    /// The wire profile in `userInfo`, looked up once.
    let profile: GraphWireProfile

    var codingPath: [any CodingKey] { path?.keys ?? [] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        openObject()
        return KeyedEncodingContainer(StreamKeyedContainer<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        _ = stream.container(level: level, slot: slot, isArray: true)
        return StreamUnkeyedContainer(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        StreamSingleContainer(encoder: self)
    }

    /// The encoder of a member just begun in this encoder's container.
    func member(slot: Int, key: any CodingKey) -> StreamEncoder {
        StreamEncoder(stream: stream, level: level + 1, slot: slot, path: PathNode(key: key, parent: path), userInfo: userInfo, profile: profile)
    }

    /// Opens this slot's object, or finds it open.
    func openObject() {
        _ = stream.container(level: level, slot: slot, isArray: false)
    }

    /// Writes a scalar as the member begun in `slot`.
    func writeScalar(_ value: OrderedJSON, slot: Int) throws {
        try stream.writeScalar(value, level: level + 1, slot: slot)
    }

    /// Encodes `value` as the member begun in `slot`.
    func encode<T: Encodable>(_ value: T, slot: Int, key: any CodingKey) throws {
        if let scalar = TreeEncoder.scalar(value) {
            try writeScalar(scalar, slot: slot)
        } else {
            try encodeNested(value, slot: slot, key: key)
        }
    }

    /// Encodes `value`, known not to be a scalar, as the member begun in `slot`.
    func encodeNested<T: Encodable>(_ value: T, slot: Int, key: any CodingKey) throws {
        try value.encode(to: member(slot: slot, key: key))
        stream.endValue(slot: slot)
    }

    /// Writes Graph object `value` as the member begun in `slot`: what its `encode(to:)`
    /// does, without the `Encoder` existential and the cast that finds the stream again.
    func encodeObject<T: GraphObject>(_ value: T, slot: Int, key: any CodingKey) throws {
        try value.writeWhole { try GraphObjectWriter(stream: member(slot: slot, key: key), odataType: $0, context: $1) }
        stream.endValue(slot: slot)
    }

    /// Opens this slot's array; throws if out of order.
    func openArray() throws {
        guard stream.container(level: level, slot: slot, isArray: true) else { throw OutOfOrder() }
    }

    /// Begins a member (`key` for objects), or throws if the value wrote out of order.
    func begin(key: String?) throws -> Int {
        guard let slot = stream.beginMember(level: level, slot: slot, key: key) else { throw OutOfOrder() }
        return slot
    }

    /// Begins a member for a nested container (which cannot throw): an out-of-order one
    /// gets a slot that writes nothing, the stream being broken.
    func beginNested(key: String?) -> Int {
        stream.beginMember(level: level, slot: slot, key: key) ?? -1
    }
}

private struct StreamKeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: StreamEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    func encodeNil(forKey key: Key) throws {
        let slot = try encoder.begin(key: key.stringValue)
        try encoder.writeScalar(.null, slot: slot)
    }

    func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try encoder.encode(value, slot: encoder.begin(key: key.stringValue), key: key)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        encoder.member(slot: encoder.beginNested(key: key.stringValue), key: key).container(keyedBy: keyType)
    }

    func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        encoder.member(slot: encoder.beginNested(key: key.stringValue), key: key).unkeyedContainer()
    }

    func superEncoder() -> any Encoder {
        encoder.stream.breakOff()
        return encoder
    }

    func superEncoder(forKey key: Key) -> any Encoder {
        encoder.stream.breakOff()
        return encoder
    }
}

private struct StreamUnkeyedContainer: UnkeyedEncodingContainer {
    let encoder: StreamEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int { encoder.stream.count(level: encoder.level, slot: encoder.slot) }

    func encodeNil() throws {
        let slot = try encoder.begin(key: nil)
        try encoder.writeScalar(.null, slot: slot)
    }

    func encode<T: Encodable>(_ value: T) throws {
        let key = IndexKey(count)
        try encoder.encode(value, slot: encoder.begin(key: nil), key: key)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let key = IndexKey(count)
        return encoder.member(slot: encoder.beginNested(key: nil), key: key).container(keyedBy: keyType)
    }

    func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let key = IndexKey(count)
        return encoder.member(slot: encoder.beginNested(key: nil), key: key).unkeyedContainer()
    }

    func superEncoder() -> any Encoder {
        encoder.stream.breakOff()
        return encoder
    }
}

private struct StreamSingleContainer: SingleValueEncodingContainer {
    let encoder: StreamEncoder
    var codingPath: [any CodingKey] { encoder.codingPath }

    func encodeNil() throws {
        try encoder.stream.writeScalar(.null, level: encoder.level, slot: encoder.slot)
    }

    func encode<T: Encodable>(_ value: T) throws {
        if let scalar = TreeEncoder.scalar(value) {
            try encoder.stream.writeScalar(scalar, level: encoder.level, slot: encoder.slot)
        } else {
            try value.encode(to: encoder)
        }
    }
}
