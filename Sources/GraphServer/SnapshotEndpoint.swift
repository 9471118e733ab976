import CallRuntime
import Foundation
import GraphModel
import Hummingbird

/// `GET /_switchboard/snapshot`: all state as one JSON document; `PUT` restores it exactly.
struct SnapshotEndpoint {
    let services: SwitchboardServices

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    func register(on router: Router<SwitchboardRequestContext>) {
        router.get("/_switchboard/snapshot") { _, _ in
            jsonResponse(.ok, try Self.encoder().encode(try await services.runtime.snapshot()))
        }
        router.put("/_switchboard/snapshot") { request, context in
            let buffer = try await request.body.collect(upTo: RequestLimits.maxBody(path: "/_switchboard/snapshot", default: context.maxUploadSize))
            let snapshot: RuntimeSnapshot
            do {
                snapshot = try JSONDecoder().decode(RuntimeSnapshot.self, from: Data(buffer: buffer))
            } catch {
                throw GraphError.badRequest("The body must be a snapshot as GET /_switchboard/snapshot returns it.")
            }
            try await services.runtime.restore(snapshot)
            return Response(status: .noContent)
        }
    }
}
