import CallEngine
import GraphModel

/// A change to a call, as committed (``CallRuntime/observe(_:)``).
public struct CallUpdate: Sendable {
    /// The call after the change.
    public var machine: CallMachine
    /// Whether the call ended with it (it is no longer stored).
    public var ended: Bool
    /// When it was committed, on the runtime's clock.
    public var at: Timestamp
}
