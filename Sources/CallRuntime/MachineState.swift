import CallEngine
import CallStore
import Foundation

/// A call's engine state as the runtime hands it to the store: encoded (as JSON) only when
/// the store writes it out, decoded only when it was read back as bytes. One object per
/// committed state, shared by the runtime's cache and a store in memory (a `CallMachine` is
/// about a kilobyte inline: neither keeps a copy of its own).
final class MachineState: StoredStateValue {
    let machine: CallMachine
    /// The call's version in the store once this state is committed (see
    /// ``CallRecord/version``): the next change is made from it.
    let version: Int64

    init(_ machine: CallMachine, version: Int64) {
        self.machine = machine
        self.version = version
    }

    func encodedState() throws -> [UInt8] {
        Array(try JSONEncoder().encode(machine))
    }

    var nextDue: Int64? {
        machine.timers.map(\.due.millisecondsSinceEpoch).min()
    }

    func encodedSummary() throws -> [UInt8] {
        MachineSummary(machine).encoded
    }

    /// The state a stored record holds: the value it was given, or its bytes decoded.
    static func state(in record: CallRecord) throws -> MachineState {
        if let state = record.value as? MachineState, state.version == record.version ?? state.version { return state }
        return MachineState(try JSONDecoder().decode(CallMachine.self, from: Data(try record.state())), version: record.version ?? 1)
    }
}
