import CallRuntime
import Foundation
import GraphModel
import Hummingbird

/// `GET /_switchboard/stats`: how much the server holds right now (live calls, the
/// notification backlog, resident memory), for the benchmark's soak mode and for anyone
/// watching a long run. Prometheus metrics are another matter (`/metrics`).
struct StatsEndpoint {
    let services: SwitchboardServices

    struct Stats: Encodable {
        /// Calls in memory (not ended).
        var calls: Int
        /// Notifications waiting, in flight or to be retried.
        var notificationsPending: Int
        /// Notifications due and not yet sent.
        var notificationsDue: Int
        /// The process's resident memory, where the system tells it (Linux).
        var residentBytes: Int?
    }

    func register(on router: Router<SwitchboardRequestContext>) {
        router.get("/_switchboard/stats") { _, _ in
            let stats = Stats(
                calls: try await services.runtime.activeCallCount(),
                notificationsPending: services.backlog?.pending.current ?? 0,
                notificationsDue: services.backlog?.due.current ?? 0,
                residentBytes: Self.residentBytes()
            )
            return jsonResponse(.ok, try GraphJSON.encoder(.beta).encode(stats))
        }
    }

    /// Resident set size from `/proc/self/statm` (pages), or nil where there is none.
    static func residentBytes() -> Int? {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
