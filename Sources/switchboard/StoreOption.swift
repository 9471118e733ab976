import ArgumentParser
import CallStore
import CallStoreSQLite

/// `--store`: `sqlite:PATH` or `memory`.
enum StoreOption: ExpressibleByArgument, CustomStringConvertible {
    case sqlite(path: String)
    case memory

    init?(argument: String) {
        if argument == "memory" {
            self = .memory
        } else if argument.hasPrefix("sqlite:"), argument.count > 7 {
            self = .sqlite(path: String(argument.dropFirst(7)))
        } else {
            return nil
        }
    }

    var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .memory: "memory"
        }
    }

    func open() async throws -> any CallStore {
        switch self {
        case .sqlite(let path): try await SQLiteCallStore.open(path: path)
        case .memory: InMemoryCallStore()
        }
    }
}
