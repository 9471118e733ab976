import CallRuntime
import Foundation
import GraphModel
import Hummingbird
import World

/// `GET`, `PUT` and `DELETE /_switchboard/faults`: the faults injected on purpose (the
/// control API), and what they have struck so far.
struct FaultsEndpoint {
    let services: SwitchboardServices

    struct Listing: Encodable {
        var plan: FaultPlan
        var injected: [FaultInjector.Event]
    }

    func register(on router: Router<SwitchboardRequestContext>) {
        let runtime = services.runtime
        let world = runtime.world
        let faults = services.faults
        router.get("/_switchboard/faults") { _, _ in
            try await runtime.adoptSharedWorld()
            return jsonResponse(.ok, try GraphJSON.encoder(.beta).encode(Listing(plan: world.faults, injected: faults?.events() ?? [])))
        }
        router.put("/_switchboard/faults") { request, context in
            let plan = try await controlBody(FaultPlan.self, request, context, example: #"{"notifications": [{"kind": "duplicate", "rate": 0.5}], "api": [{"kind": "throttle", "path": "/v1.0/communications/calls", "count": 1}]}"#)
            if let problem = plan.problem { throw GraphError.badRequest(problem + ".") }
            world.update { $0.faults = plan }
            try await runtime.shareWorld()
            return jsonResponse(.ok, try GraphJSON.encoder(.beta).encode(Listing(plan: plan, injected: faults?.events() ?? [])))
        }
        router.delete("/_switchboard/faults") { _, _ in
            world.update { $0.faults = FaultPlan() }
            try await runtime.shareWorld()
            return Response(status: .noContent)
        }
    }
}
