import Hummingbird
import NIOCore

/// `GET /metrics`: Prometheus' text format (version 0.0.4).
struct MetricsEndpoint {
    let services: SwitchboardServices

    func register(on router: Router<SwitchboardRequestContext>) {
        guard let metrics = services.metrics else { return }
        router.get("/metrics") { _, _ in
            let text = try await metrics.render(runtime: services.runtime, backlog: services.backlog)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: text))
            )
        }
    }
}
