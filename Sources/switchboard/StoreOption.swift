import ArgumentParser
import CallStore
import CallStorePostgres
import CallStoreSQLite

/// `--store`: `sqlite:PATH`, `memory`, or `postgres://USER@HOST:PORT/DB` (`postgresql://` too).
enum StoreOption: ExpressibleByArgument, CustomStringConvertible {
    case sqlite(path: String)
    case memory
    case postgres(PostgresURL)

    init?(argument: String) {
        if argument == "memory" {
            self = .memory
        } else if argument.hasPrefix("sqlite:"), argument.count > 7 {
            self = .sqlite(path: String(argument.dropFirst(7)))
        } else if let url = try? PostgresURL(argument) {
            self = .postgres(url)
        } else {
            return nil
        }
    }

    /// Reads a `--store` value, saying why when it is refused.
    static func parse(_ argument: String) throws -> StoreOption {
        if argument.lowercased().hasPrefix("postgres") {
            do { return .postgres(try PostgresURL(argument)) } catch { throw ValidationError("--store: \(error)") }
        }
        guard let option = StoreOption(argument: argument) else {
            throw ValidationError("--store takes sqlite:PATH, memory or postgres://USER@HOST:PORT/DATABASE (got \(argument))")
        }
        return option
    }

    var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .memory: "memory"
        case .postgres(let url): url.description
        }
    }

    func open() async throws -> any CallStore {
        switch self {
        case .sqlite(let path): try await SQLiteCallStore.open(path: path)
        case .memory: InMemoryCallStore()
        case .postgres(let url): try await PostgresCallStore.open(url)
        }
    }
}
