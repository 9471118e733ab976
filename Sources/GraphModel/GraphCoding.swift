/// Which properties a value is written with.
///
/// Graph's v1.0 endpoint answers with v1.0 schema properties only; beta also carries the
/// beta-only properties and the open-type properties a client sent.
public enum GraphWireProfile: String, Codable, Sendable, Hashable {
    /// Only properties of the v1.0 metadata (plus instance annotations such as `@odata.type`).
    case v1
    /// v1.0 and beta properties, and every open-type property kept from input.
    case beta
}

extension CodingUserInfoKey {
    /// The ``GraphWireProfile`` an encoder writes with; absent means `.beta` (lossless).
    public static let graphWireProfile = CodingUserInfoKey(rawValue: "switchboard.graphWireProfile")!
}

/// A coding key made from any string: Graph objects are read and written property by property.
public struct GraphKey: CodingKey, Hashable, Sendable {
    public var stringValue: String
    public var intValue: Int? { nil }
    public init(_ string: String) { stringValue = string }
    public init?(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}

/// The `@odata.type` annotation key.
public let odataTypeKey = "@odata.type"

/// The `@odata.context` annotation key.
public let odataContextKey = "@odata.context"

/// Reads a JSON object property by property and keeps what it did not read.
///
/// From ``GraphJSONDecoder``'s tree it reads the nodes directly; from any other decoder,
/// through its keyed container.
public struct GraphObjectReader {
    private enum Source {
        /// The properties the object has, as a set: a model asks for each of its own, most
        /// of them absent.
        case container(KeyedDecodingContainer<GraphKey>, present: Set<String>)
        case tree(JSONNode.Members, DirectTrail)
    }

    private let source: Source
    private(set) var consumed: Set<String> = [odataTypeKey]
    /// `@odata.type` once ``typeAnnotation()`` has read and checked it.
    private var annotation: String?

    public init(_ decoder: any Decoder) throws {
        if let direct = decoder as? NodeDecoder {
            try self.init(node: direct.node, trail: direct.trail)
        } else {
            let container = try decoder.container(keyedBy: GraphKey.self)
            self.init(source: .container(container, present: Set(container.allKeys.map(\.stringValue))))
        }
    }

    /// Reads an object of ``GraphJSONDecoder``'s tree.
    init(node: JSONNode, trail: DirectTrail) throws {
        guard case .object(let members) = node else { throw trail.mismatch() }
        self.init(source: .tree(members, trail))
    }

    private init(source: Source) {
        self.source = source
    }

    /// Where the object is, for an error's message.
    var codingPath: [any CodingKey] {
        guard case .container(let container, _) = source else { return [] }
        return container.codingPath
    }

    /// `@odata.type` as given, when it is a string.
    private var givenType: String? {
        switch source {
        case .container(let container, _):
            return (try? container.decodeIfPresent(String.self, forKey: GraphKey(odataTypeKey))) ?? nil
        case .tree(let members, _):
            guard case .string(let value)? = JSONNode.value(of: odataTypeKey, in: members) else { return nil }
            return value
        }
    }

    /// The `@odata.type` the object names, if any (as ``typeAnnotation()`` read it, when it has).
    public var odataType: String? { annotation ?? givenType }

    /// The `@odata.type` given, checked: a string naming a type of Graph's namespace
    /// (`#microsoft.graph.call`); anything else is a bad request.
    public mutating func typeAnnotation() throws -> String? {
        guard has(odataTypeKey) else { return nil }
        guard let value = givenType else {
            throw invalidValue(self, odataTypeKey, "@odata.type must be a string such as \"#microsoft.graph.call\".")
        }
        guard Self.namesGraphType(value) else {
            throw invalidValue(self, odataTypeKey, "'\(value)' is not a type of Graph's namespace (such as \"#microsoft.graph.call\").")
        }
        annotation = value
        return value
    }

    /// Whether `value` is `[#]microsoft.graph.Name` (the namespace in any case, the name
    /// letters and digits). Read as bytes when it is ASCII, as it always is from a bot.
    static func namesGraphType(_ value: String) -> Bool {
        var utf8 = value
        let ascii = utf8.withUTF8 { bytes -> Bool? in
            guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
            var index = bytes.first == UInt8(ascii: "#") ? 1 : 0
            // The namespace, in any case: "microsoft." then "graph.".
            for word in ["microsoft.", "graph."] {
                for expected in word.utf8 {
                    guard index < bytes.count, bytes[index] | (expected == UInt8(ascii: ".") ? 0 : 0x20) == expected else { return false }
                    index += 1
                }
            }
            guard index < bytes.count else { return false }
            return bytes[index...].allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            }
        }
        if let ascii { return ascii }
        var name = Substring(value)
        if name.hasPrefix("#") { name = name.dropFirst() }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].lowercased() == "microsoft", parts[1].lowercased() == "graph", let type = parts.last else { return false }
        return !type.isEmpty && type.allSatisfy { $0.isLetter || $0.isNumber }
    }

    /// Whether the object has `key` at all (null included).
    public func has(_ key: String) -> Bool {
        switch source {
        case .container(_, let present): return present.contains(key)
        case .tree(let members, _): return JSONNode.value(of: key, in: members) != nil
        }
    }

    private enum Found {
        case container(KeyedDecodingContainer<GraphKey>)
        case node(JSONNode, DirectTrail)
    }

    /// Where the value of `key` is, marked as read; `nil` when the object does not have it.
    private mutating func take(_ key: String) -> Found? {
        switch source {
        case .container(let container, let present):
            guard present.contains(key) else { return nil }
            consumed.insert(key)
            return .container(container)
        case .tree(let members, let trail):
            guard let node = JSONNode.value(of: key, in: members) else { return nil }
            consumed.insert(key)
            return .node(node, trail)
        }
    }

    /// The value of `key`; `nil` when absent or null. A value of the wrong type throws.
    public mutating func read<T: Decodable>(_ key: String, as type: T.Type = T.self) throws -> T? {
        switch take(key) {
        case nil, .node(.null, _)?: return nil
        case .container(let container)?: return try container.decodeIfPresent(T.self, forKey: GraphKey(key))
        case .node(let node, let trail)?: return try NodeDecoder(node: node, trail: trail).decode(T.self)
        }
    }

    /// The string value of `key` (chosen when the model is compiled): the decoder reads it
    /// directly, without a decoder of its own as a generic value gets.
    public mutating func read(_ key: String, as type: String.Type = String.self) throws -> String? {
        switch take(key) {
        case nil, .node(.null, _)?: return nil
        case .container(let container)?: return try container.decodeIfPresent(String.self, forKey: GraphKey(key))
        case .node(.string(let value), _)?: return value
        case .node(_, let trail)?: throw trail.mismatch()
        }
    }

    /// A nested Graph object (chosen when the model is compiled): from the tree it is read
    /// with a reader of its own, without a decoder, the type tests a generic value gets and
    /// the cast that finds the tree again.
    public mutating func read<T: GraphObject>(_ key: String, as type: T.Type = T.self) throws -> T? {
        switch take(key) {
        case nil, .node(.null, _)?: return nil
        case .container(let container)?: return try container.decodeIfPresent(T.self, forKey: GraphKey(key))
        case .node(let node, let trail)?: return try T(node: node, trail: trail)
        }
    }

    /// A collection of Graph objects, each read as above.
    public mutating func read<T: GraphObject>(_ key: String, as type: [T].Type = [T].self) throws -> [T]? {
        try readArray(key) { node, trail in try T(node: node, trail: trail) }
    }

    /// A collection of enumeration members, each read as `GraphEnum`'s `init(from:)` reads one.
    public mutating func read<T: GraphEnum>(_ key: String, as type: [T].Type = [T].self) throws -> [T]? {
        try readArray(key) { node, trail in
            guard case .string(let raw) = node, let member = T(memberName: raw) else { throw trail.mismatch() }
            return member
        }
    }

    /// The array value of `key`, each element read by `readElement` from the tree (a value
    /// that is not an array fails as it does for Foundation's decoder); `nil` when absent or null.
    private mutating func readArray<T: Decodable>(_ key: String, _ readElement: (JSONNode, DirectTrail) throws -> T) throws -> [T]? {
        switch take(key) {
        case nil, .node(.null, _)?: return nil
        case .container(let container)?: return try container.decodeIfPresent([T].self, forKey: GraphKey(key))
        case .node(.array(let elements), let trail)?: return try elements.map { try readElement($0, trail) }
        case .node(_, let trail)?: throw trail.mismatch()
        }
    }

    /// Reads `key`, or the legacy spelling `alias` when `key` is absent.
    public mutating func read<T: Decodable>(_ key: String, alias: String, as type: T.Type = T.self) throws -> T? {
        if let value: T = try read(key) { return value }
        return try read(alias)
    }

    /// Every property not read, as open-type data.
    public func remaining() throws -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        switch source {
        case .container(let container, let present):
            for key in present where !consumed.contains(key) {
                result[key] = try container.decode(JSONValue.self, forKey: GraphKey(key))
            }
        case .tree(let members, let trail):
            for member in members where !consumed.contains(member.key) {
                result[member.key] = try member.value.jsonValue(trail)
            }
        }
        return result
    }
}

/// Writes a JSON object property by property, honouring the encoder's ``GraphWireProfile``.
///
/// Under ``OrderedJSONEncoder`` it writes straight into the encoder's stream: no container
/// per object, and strings, enumerations and nested Graph objects without a test of their
/// type per property (the overloads below, chosen when the model is compiled).
public struct GraphObjectWriter {
    private enum Target {
        case container(KeyedEncodingContainer<GraphKey>)
        case stream(StreamEncoder)
    }

    private var target: Target
    public let profile: GraphWireProfile

    /// Starts an object: `@odata.context` (when given) and `@odata.type` come first, as Graph
    /// writes them.
    public init(_ encoder: any Encoder, odataType: String?, context: JSONValue? = nil) throws {
        if let stream = encoder as? StreamEncoder {
            try self.init(stream: stream, odataType: odataType, context: context)
        } else {
            self.init(target: .container(encoder.container(keyedBy: GraphKey.self)),
                      profile: encoder.userInfo[.graphWireProfile] as? GraphWireProfile ?? .beta)
            try begin(odataType: odataType, context: context)
        }
    }

    /// Starts an object in ``OrderedJSONEncoder``'s stream (a nested Graph object, without
    /// asking what the encoder is).
    init(stream: StreamEncoder, odataType: String?, context: JSONValue?) throws {
        stream.openObject()
        self.init(target: .stream(stream), profile: stream.profile)
        try begin(odataType: odataType, context: context)
    }

    private init(target: Target, profile: GraphWireProfile) {
        self.target = target
        self.profile = profile
    }

    private mutating func begin(odataType: String?, context: JSONValue?) throws {
        if let context { try write(context, odataContextKey) }
        if let odataType { try write(odataType, odataTypeKey) }
    }

    /// Writes a v1.0 property; `nil` is omitted.
    public mutating func write<T: Encodable>(_ value: T?, _ key: String) throws {
        guard let value else { return }
        guard case .stream(let encoder) = target else { return try encodeInContainer(value, key) }
        try encoder.encode(value, slot: encoder.begin(key: key), key: GraphKey(key))
    }

    /// Any encoder but ``OrderedJSONEncoder``'s: through the keyed container.
    private mutating func encodeInContainer<T: Encodable>(_ value: T, _ key: String) throws {
        guard case .container(var container) = target else { return }
        try container.encode(value, forKey: GraphKey(key))
        target = .container(container)
    }

    /// Writes a string property; `nil` is omitted.
    public mutating func write(_ value: String?, _ key: String) throws {
        guard let value else { return }
        guard case .stream(let encoder) = target else { return try encodeInContainer(value, key) }
        try encoder.writeScalar(.string(value), slot: encoder.begin(key: key))
    }

    /// Writes an enumeration property (its member name); `nil` is omitted.
    public mutating func write<T: GraphEnum>(_ value: T?, _ key: String) throws {
        guard let value else { return }
        guard case .stream(let encoder) = target else { return try encodeInContainer(value, key) }
        try encoder.writeScalar(.string(value.rawValue), slot: encoder.begin(key: key))
    }

    /// Writes a nested Graph object; `nil` is omitted.
    public mutating func write<T: GraphObject>(_ value: T?, _ key: String) throws {
        guard let value else { return }
        guard case .stream(let encoder) = target else { return try encodeInContainer(value, key) }
        try encoder.encodeObject(value, slot: encoder.begin(key: key), key: GraphKey(key))
    }

    /// Writes a collection of Graph objects; `nil` is omitted. In the stream each element is
    /// written as the property above writes one, with no `Array.encode(to:)`, container or
    /// cast per element between.
    public mutating func write<T: GraphObject>(_ value: [T]?, _ key: String) throws {
        try writeArray(value, key) { array, slot, index, element in
            try array.encodeObject(element, slot: slot, key: IndexKey(index))
        }
    }

    /// Writes a collection of enumeration members; `nil` is omitted.
    public mutating func write<T: GraphEnum>(_ value: [T]?, _ key: String) throws {
        try writeArray(value, key) { array, slot, _, element in
            try array.writeScalar(.string(element.rawValue), slot: slot)
        }
    }

    /// Writes array property `key`, each element by `writeElement` (given the array's
    /// encoder, the element's slot and its index) in the stream; through the container
    /// under any other encoder.
    private mutating func writeArray<T: Encodable>(
        _ value: [T]?, _ key: String, _ writeElement: (StreamEncoder, Int, Int, T) throws -> Void
    ) throws {
        guard let value else { return }
        guard case .stream(let encoder) = target else { return try encodeInContainer(value, key) }
        let slot = try encoder.begin(key: key)
        let array = encoder.member(slot: slot, key: GraphKey(key))
        try array.openArray()
        for (index, element) in value.enumerated() {
            try writeElement(array, try array.begin(key: nil), index, element)
        }
        encoder.stream.endValue(slot: slot)
    }

    /// Writes a beta-only property: omitted on the v1.0 profile.
    public mutating func writeBeta<T: Encodable>(_ value: T?, _ key: String) throws {
        guard profile == .beta else { return }
        try write(value, key)
    }

    /// Writes open-type data: instance annotations (`@...`) always, other properties only
    /// on the beta profile.
    public mutating func finish(_ additionalData: [String: JSONValue]) throws {
        for key in additionalData.keys.sorted() where key != odataContextKey && (profile == .beta || key.hasPrefix("@")) {
            try write(additionalData[key]!, key)
        }
    }
}

/// A Graph object read and written by property name, keeping open-type properties.
///
/// Its `init(from:)` and `encode(to:)` are the ones below: ``GraphJSONDecoder`` reads nested
/// Graph objects by calling ``init(reading:)`` itself and ``OrderedJSONEncoder`` writes them
/// by calling ``write(to:)``, so a conformance that replaced either would be read or written
/// differently there.
public protocol GraphObject: Codable, Sendable, Hashable {
    /// The `@odata.type` written for this value.
    var odataTypeName: String? { get }
    /// Properties outside the model (open types) and instance annotations.
    var additionalData: [String: JSONValue] { get set }
    /// Reads the typed properties; the rest becomes ``additionalData``.
    init(reading reader: inout GraphObjectReader) throws
    /// Writes the typed properties.
    func write(to writer: inout GraphObjectWriter) throws
    /// Whether `@odata.type` naming `typeName` may stand for this value (see the default).
    func accepts(typeName: String) -> Bool
}

extension GraphObject {
    public init(from decoder: any Decoder) throws {
        var reader = try GraphObjectReader(decoder)
        try self.init(readingWhole: &reader)
    }

    /// Reads an object of ``GraphJSONDecoder``'s tree, as `init(from:)` does through a decoder.
    init(node: JSONNode, trail: DirectTrail) throws {
        var reader = try GraphObjectReader(node: node, trail: trail)
        try self.init(readingWhole: &reader)
    }

    /// The whole value from `reader`: `@odata.type` checked, the typed properties, and the
    /// rest as open-type data.
    private init(readingWhole reader: inout GraphObjectReader) throws {
        let given = try reader.typeAnnotation()
        try self.init(reading: &reader)
        if let given, !accepts(typeName: given.graphTypeName) {
            throw invalidValue(reader, odataTypeKey, "'\(given)' is not a type this property takes\(odataTypeName.map { " (expected \($0))" } ?? "").")
        }
        additionalData = try reader.remaining()
    }

    /// Whether an object annotated with `typeName` (no namespace) can be this value: by
    /// default its own type (as read: polymorphic values take their kind from it).
    public func accepts(typeName: String) -> Bool {
        guard let own = odataTypeName else { return true }
        return own.graphTypeName.lowercased() == typeName.lowercased()
    }

    public func encode(to encoder: any Encoder) throws {
        try writeWhole { try GraphObjectWriter(encoder, odataType: $0, context: $1) }
    }

    /// Writes the whole value — the typed properties, then open-type data — with the writer
    /// `begin` starts for its `@odata.type` and `@odata.context`.
    func writeWhole(_ begin: (String?, JSONValue?) throws -> GraphObjectWriter) throws {
        var writer = try begin(odataTypeName, additionalData[odataContextKey])
        try write(to: &writer)
        try writer.finish(additionalData)
    }
}

/// The error a reader throws for a value of the right JSON type but an unacceptable content.
func invalidValue(_ reader: GraphObjectReader, _ key: String, _ message: String) -> DecodingError {
    DecodingError.dataCorrupted(.init(codingPath: reader.codingPath + [GraphKey(key)], debugDescription: message))
}
