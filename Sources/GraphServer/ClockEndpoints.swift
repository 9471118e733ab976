import CallRuntime
import Foundation
import GraphModel
import Hummingbird

/// `GET /_switchboard/clock` and `POST /_switchboard/clock/advance`: the server's clock, and
/// moving it when it is manual (`--clock manual`).
struct ClockEndpoints {
    let services: SwitchboardServices

    /// The longest single advance: a year of virtual time.
    static let maxAdvance: Double = 366 * 24 * 3600

    struct ClockState: Encodable {
        var now: String
        var mode: String
    }

    struct Advance: Decodable {
        var seconds: Double?
    }

    func register(on router: Router<SwitchboardRequestContext>) {
        router.get("/_switchboard/clock") { _, _ in
            try state()
        }
        router.post("/_switchboard/clock/advance") { request, context in
            guard let control = services.clockControl else { throw GraphError.notFound("There is no clock to control.") }
            let body = try await controlBody(Advance.self, request, context, example: #"{"seconds": 60}"#)
            guard let seconds = body.seconds, seconds.isFinite, seconds >= 0, seconds <= Self.maxAdvance else {
                throw GraphError.badRequest("'seconds' must be a number from 0 to \(Int(Self.maxAdvance)).")
            }
            do {
                try await control.advance(by: .milliseconds(Int64((seconds * 1000).rounded())))
            } catch ClockControl.Refusal.notManual {
                throw GraphError(.conflict, code: "clockNotManual", message: "The clock is real time; start the server with --clock manual to move it.")
            }
            return try state()
        }
    }

    private func state() throws -> Response {
        let now = services.clockControl?.now ?? services.clock.now()
        let body = ClockState(now: now.iso8601, mode: services.clockControl?.mode.rawValue ?? "real")
        return jsonResponse(.ok, try GraphJSON.encoder(.v1).encode(body))
    }
}
