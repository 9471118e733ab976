/// An optional value kept out of line: the property is one pointer wide, nothing is
/// allocated while it is nil, and copies of the value around it share the box.
///
/// Graph's types nest deeply (a call holds participant infos holding identity sets holding
/// ten optional identities), so held inline a `Call` was 6.9 KB and every copy moved all of
/// it. Large optional members are declared `@Indirect` instead: a write replaces the box.
@propertyWrapper
public struct Indirect<Value: Sendable & Hashable>: Sendable, Hashable {
    private final class Box: Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    private var box: Box?

    public init(wrappedValue: Value?) {
        box = wrappedValue.map(Box.init)
    }

    public var wrappedValue: Value? {
        get { box?.value }
        set { box = newValue.map(Box.init) }
    }

    public static func == (lhs: Indirect, rhs: Indirect) -> Bool {
        lhs.box === rhs.box || lhs.wrappedValue == rhs.wrappedValue
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(wrappedValue)
    }
}
