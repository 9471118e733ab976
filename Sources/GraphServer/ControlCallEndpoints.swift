import CallEngine
import CallStore
import CallRuntime
import Foundation
import GraphModel
import Hummingbird

/// `POST /_switchboard/calls/{id}/far-end`: what a person at the other end does in the call
/// the bot sees as `{id}` (the control API).
struct ControlCallEndpoints {
    let services: SwitchboardServices

    struct FarEndRequest: Decodable {
        var action: String?
        /// Who acts: a user id or phone number (default: the peer, or the only other person).
        var participant: String?
        /// `pressKeys`: the keys, such as `123#`.
        var tones: String?
    }

    /// One notification of the journal, as the control API shows it.
    struct JournalEntry: Encodable {
        struct Attempt: Encodable {
            var at: String
            var status: Int?
            var error: String?
            var durationMs: Int64

            init(_ attempt: DeliveryAttempt) {
                at = Timestamp(millisecondsSinceEpoch: attempt.at).iso8601
                status = attempt.status
                error = attempt.error
                durationMs = attempt.durationMilliseconds
            }
        }

        var sequence: Int64
        /// pending, delivered or dead.
        var state: String
        var url: String
        /// When the change that caused it was committed (as `Switchboard-Committed-At` says).
        var committedAt: String?
        /// The body POSTed (a commsNotifications object).
        var body: JSONValue
        var attempts: [Attempt]
    }

    /// A notification whose retries ran out.
    struct DeadLetter: Encodable {
        var sequence: Int64
        var callId: String
        var appId: String
        var url: String
        var attempts: Int
        var lastError: String?
        var body: JSONValue
    }

    struct DeadLetters: Encodable {
        var value: [DeadLetter]
    }

    /// Which dead letters to send again (none given: all), and which were.
    struct Redeliver: Codable {
        var sequences: [Int64]?
    }

    struct Journal: Encodable {
        var value: [JournalEntry]
        /// Faults injected on purpose into this call's notifications and requests.
        var faults: [FaultInjector.Event]
    }

    func register(on router: Router<SwitchboardRequestContext>) {
        router.post("/_switchboard/reset") { _, _ in
            try await services.runtime.reset()
            return Response(status: .noContent)
        }
        router.get("/_switchboard/calls/:id/notifications") { _, context in
            let id = try context.parameters.require("id")
            let journal = try await services.runtime.journal(callId: id)
            let live = try await services.runtime.isLive(id)
            guard !journal.isEmpty || live else {
                throw GraphError.notFound("No call '\(id)' and no notification for it (delivered ones are kept for the latest \(deliveredRetention) notifications).")
            }
            let entries = journal.map { delivery, attempts in
                JournalEntry(
                    sequence: delivery.sequence, state: delivery.status.rawValue, url: delivery.url,
                    committedAt: delivery.createdAt == 0 ? nil : Timestamp(millisecondsSinceEpoch: delivery.createdAt).iso8601Milliseconds,
                    body: (try? JSONDecoder().decode(JSONValue.self, from: Data(delivery.body))) ?? .null,
                    attempts: attempts.map(JournalEntry.Attempt.init)
                )
            }
            return jsonResponse(.ok, try GraphJSON.encoder(.beta).encode(Journal(value: entries, faults: services.faults?.events(callId: id) ?? [])))
        }
        router.get("/_switchboard/dead-letters") { _, _ in
            let dead = try await services.runtime.deadLetters()
            let entries = dead.map { delivery in
                DeadLetter(
                    sequence: delivery.sequence, callId: delivery.callId, appId: delivery.appId, url: delivery.url,
                    attempts: delivery.attempts, lastError: delivery.lastError,
                    body: (try? JSONDecoder().decode(JSONValue.self, from: Data(delivery.body))) ?? .null
                )
            }
            return jsonResponse(.ok, try GraphJSON.encoder(.beta).encode(DeadLetters(value: entries)))
        }
        router.post("/_switchboard/dead-letters/redeliver") { request, context in
            let body = try await readJSONBody(
                Redeliver.self, from: request, limit: context.maxUploadSize, unreadable: #"The body must be empty (all) or {"sequences": [1, 2]}."#
            )
            let sent = try await services.runtime.redeliver(sequences: body?.sequences)
            return jsonResponse(.ok, try GraphJSON.encoder(.beta).encode(Redeliver(sequences: sent)))
        }
        router.post("/_switchboard/calls/:id/far-end") { request, context in
            let id = try context.parameters.require("id")
            let body = try await controlBody(FarEndRequest.self, request, context, example: #"{"action": "hangUp"}"#)
            if let response = CallMachine.FarEndResponse(rawValue: body.action ?? "") {
                try await services.runtime.farEnd(.farEndResponds(response, identityId: body.participant), callId: id)
                return Response(status: .noContent)
            }
            let action = try Self.action(body)
            try await services.runtime.farEnd(.farEndActs(action, identityId: body.participant), callId: id)
            return Response(status: .noContent)
        }
    }

    static let actions = ["answer", "decline", "busy", "hangUp", "pressKeys", "startSharing", "stopSharing", "mute", "unmute"]

    static func action(_ body: FarEndRequest) throws -> FarEndEvent.Action {
        switch body.action {
        case "hangUp": return .hangUp
        case "startSharing": return .startSharing
        case "stopSharing": return .stopSharing
        case "mute": return .mute
        case "unmute": return .unmute
        case "pressKeys":
            guard let tones = body.tones, !tones.isEmpty else { throw GraphError.badRequest("pressKeys needs 'tones', such as \"123#\".") }
            return .pressKeys(try tones.map { key in
                guard let tone = Tone(key: String(key)) else {
                    throw GraphError.badRequest("'\(key)' is not a DTMF key (0-9, *, #, A-D).")
                }
                return tone
            })
        default:
            throw GraphError.badRequest("'action' must be one of \(actions.joined(separator: ", ")).")
        }
    }
}

/// Reads a control API body: JSON of the given shape, or a Graph-shaped 400 showing an example.
func controlBody<T: Decodable>(_ type: T.Type, _ request: Request, _ context: SwitchboardRequestContext, example: String) async throws -> T {
    let unreadable = "The body must be a JSON object such as \(example)."
    guard let body = try await readJSONBody(T.self, from: request, limit: context.maxUploadSize, unreadable: unreadable) else {
        throw GraphError.badRequest(unreadable)
    }
    return body
}
