import Dispatch
import Foundation
import GraphServer
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import SwitchboardTesting
import World

/// Runs fuzz inputs through Switchboard's real router, one at a time, on a stack that lives
/// for the whole run (a manual clock, the built-in world, an in-memory store and webhook
/// receiver). libFuzzer calls in synchronously; the router is async: the driver hands each
/// input to a task that serves them in order and waits for its status.
final class FuzzDriver: Sendable {
    static let shared = FuzzDriver()

    private struct Job: Sendable {
        var route: FuzzRoute
        var body: [UInt8]
        var reply: @Sendable (UInt) -> Void
    }

    private let jobs: AsyncStream<Job>.Continuation

    private init() {
        let (stream, continuation) = AsyncStream<Job>.makeStream()
        jobs = continuation
        Task.detached {
            do {
                try await Self.serve(stream)
            } catch {
                FileHandle.standardError.write(Data("fuzz driver stopped: \(error)\n".utf8))
                abort()
            }
        }
    }

    /// The status Switchboard answered `body` on `route` with.
    func status(route: FuzzRoute, body: [UInt8]) -> UInt {
        let semaphore = DispatchSemaphore(value: 0)
        let status = Mutex<UInt>(0)
        jobs.yield(Job(route: route, body: body) { code in
            status.withLock { $0 = code }
            semaphore.signal()
        })
        semaphore.wait()
        return status.withLock { $0 }
    }

    private static func serve(_ stream: AsyncStream<Job>) async throws {
        try await TestHarness.run(world: .builtIn(defaultRingTime: .zero)) { harness in
            let token = try await harness.token()
            try await Application(router: harness.stack.router()).test(.router) { client in
                var served = 0
                var call = try await liveCall(client, token: token, harness: harness)
                for await job in stream {
                    served += 1
                    if served % 500 == 0 {
                        // Keep the store small: what the inputs made is forgotten.
                        _ = try await client.execute(uri: "/_switchboard/reset", method: .post, headers: [.contentLength: "0"], body: nil)
                    }
                    if (try await client.execute(uri: "/v1.0/communications/calls/\(call.id)", method: .get, headers: [.authorization: "Bearer \(token)"])).status != .ok {
                        call = try await liveCall(client, token: token, harness: harness)
                    }
                    var path = job.route.path.replacingOccurrences(of: "{id}", with: call.id).replacingOccurrences(of: "{pid}", with: call.participantId)
                    if path.contains("{incoming}") {
                        path = path.replacingOccurrences(of: "{incoming}", with: try await incomingCall(client))
                    }
                    var headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: job.route.contentType]
                    headers[.contentLength] = String(job.body.count)
                    let response = try await client.execute(uri: path, method: job.route.method, headers: headers, body: ByteBuffer(bytes: job.body))
                    job.reply(UInt(response.status.code))
                }
            }
        }
    }

    private struct LiveCall {
        var id: String
        var participantId: String
    }

    /// A call from the bot to John, established (no ringing in this world).
    private static func liveCall(_ client: some TestClientProtocol, token: String, harness: TestHarness) async throws -> LiveCall {
        let body = ##"{"@odata.type": "#microsoft.graph.call", "callbackUri": "https://bot.contoso.com/callback", "targets": [{"@odata.type": "#microsoft.graph.invitationParticipantInfo", "identity": {"@odata.type": "#microsoft.graph.identitySet", "user": {"@odata.type": "#microsoft.graph.identity", "id": "112f7296-5fa4-42ca-bae8-6a692b15d4b8"}}}], "requestedModalities": ["audio"], "mediaConfig": {"@odata.type": "#microsoft.graph.serviceHostedMediaConfig"}}"##
        let created = try await client.execute(
            uri: "/v1.0/communications/calls", method: .post,
            headers: [.authorization: "Bearer \(token)", .contentType: "application/json", .contentLength: String(body.utf8.count)],
            body: ByteBuffer(string: body)
        )
        let id = try JSONDecoder().decode(Created.self, from: Data(buffer: created.body)).id
        harness.clock.advance(by: .milliseconds(1))
        let participants = try await client.execute(uri: "/v1.0/communications/calls/\(id)/participants", method: .get, headers: [.authorization: "Bearer \(token)"])
        let listed = try? JSONDecoder().decode(Participants.self, from: Data(buffer: participants.body))
        return LiveCall(id: id, participantId: listed?.value.last?.id ?? "no-participant")
    }

    /// A call ringing at the bot; returns the id it sees.
    private static func incomingCall(_ client: some TestClientProtocol) async throws -> String {
        let body = #"{"from": {"user": {"id": "112f7296-5fa4-42ca-bae8-6a692b15d4b8"}}, "to": {"application": {"id": "\#(World.callingBotAppId)"}}, "callbackUri": "https://bot.contoso.com/incoming"}"#
        let created = try await client.execute(
            uri: "/_switchboard/incoming-calls", method: .post,
            headers: [.contentType: "application/json", .contentLength: String(body.utf8.count)], body: ByteBuffer(string: body)
        )
        return try JSONDecoder().decode(Created.self, from: Data(buffer: created.body)).id
    }

    private struct Created: Decodable { var id: String }
    private struct Participants: Decodable {
        struct Participant: Decodable { var id: String }
        var value: [Participant]
    }
}
