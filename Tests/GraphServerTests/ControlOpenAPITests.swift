import Foundation
import GraphModel
import GraphServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardTesting
import Testing

/// The control API's OpenAPI document is served, well formed, and every route it lists
/// exists (scripts/test also validates it with openapi-spec-validator).
@Suite(.timeLimit(.minutes(1))) struct ControlOpenAPITests {
    @Test func everyListedRouteIsServed() async throws {
        try await TestHarness.run { harness in
            try await Application(router: harness.stack.router()).test(.router) { client in
                let served = try await client.send(.get, "/_switchboard/openapi.json")
                #expect(served.status == .ok)
                #expect(served.headers[.contentType] == "application/json")
                let document = try served.json
                #expect(document["openapi"] == .string("3.1.0"))
                guard case .object(let paths)? = document["paths"] else { Issue.record("no paths"); return }
                #expect(paths.count >= 6)
                for (path, item) in paths.sorted(by: { $0.key < $1.key }) {
                    guard case .object(let operations) = item else { continue }
                    for (method, operation) in operations {
                        #expect(operation["responses"] != nil, "\(method) \(path) lists no responses")
                        // A stream never ends: the browser test reads it (Tests/SDK/test_inspector.py).
                        if operation["responses"]?["200"]?["content"]?["text/event-stream"] != nil { continue }
                        let concrete = path.replacingOccurrences(of: #"\{[^}]+\}"#, with: "x", options: .regularExpression)
                        let response = try await client.send(HTTPRequest.Method(method.uppercased())!, concrete, body: "{}")
                        let text = String(decoding: response.body.readableBytesView, as: UTF8.self)
                        // A route that does not exist is the router's 404; a listed one answers for itself.
                        #expect(!text.contains("Resource not found for the request path"), "\(method.uppercased()) \(path) is not served")
                    }
                }
            }
        }
    }
}
