import CallEngine
import CallStore
import Foundation

/// A call's engine state as the runtime hands it to the store: encoded (as JSON) only when
/// the store writes it out, decoded only when it was read back as bytes.
struct MachineState: StoredStateValue {
    let machine: CallMachine

    init(_ machine: CallMachine) {
        self.machine = machine
    }

    func encodedState() throws -> [UInt8] {
        Array(try JSONEncoder().encode(machine))
    }

    func encodedSummary() throws -> [UInt8] {
        MachineSummary(machine).encoded
    }

    /// The machine a stored record holds: the value it was given, or its bytes decoded.
    static func machine(in record: CallRecord) throws -> CallMachine {
        if let state = record.value as? MachineState { return state.machine }
        return try JSONDecoder().decode(CallMachine.self, from: Data(try record.state()))
    }
}
