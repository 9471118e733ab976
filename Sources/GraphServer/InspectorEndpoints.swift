import CallEngine
import CallRuntime
import CallStore
import Foundation
import GraphModel
import Hummingbird
import NIOCore
import ServiceLifecycle

/// The inspector: the page at `/_switchboard/` and what it reads — the calls
/// (`GET /_switchboard/calls`), a call's timeline (`GET /_switchboard/calls/{id}/timeline`),
/// the world (`GET /_switchboard/world`) and a stream of changes
/// (`GET /_switchboard/events`, server-sent events). Its controls use the control API.
struct InspectorEndpoints {
    let services: SwitchboardServices

    struct CallListing: Encodable {
        struct Entry: Encodable {
            var id: String
            var state: String
            var kind: String
            var direction: String?
            var appId: String
            var app: String?
            var tenantId: String
            var participants: [String]
            var started: String?
            var updated: String?
        }

        var value: [Entry]
    }

    /// One thing on a call's timeline, in time order. `kind` says which fields it has:
    /// `request` (the bot's or the control API's, with the answer), `notification` (with
    /// each try), and, read from the notifications, `state`, `roster` and `operation`.
    struct TimelineEvent: Encodable {
        var kind: String
        var at: String
        var from: String?
        var method: String?
        var path: String?
        var status: Int?
        var durationMs: Int64?
        var request: JSONValue?
        var response: JSONValue?
        var sequence: Int64?
        var delivery: String?
        var summary: String?
        var state: String?
        var participants: [String]?
        var operation: String?
        var body: JSONValue?
        var attempts: [ControlCallEndpoints.JournalEntry.Attempt]?
    }

    struct Timeline: Encodable {
        var call: CallListing.Entry?
        var events: [TimelineEvent]
    }

    /// How long the page's event stream stays open before the browser reconnects (bounds
    /// how long a forgotten tab holds a connection).
    static let streamLifetime: Duration = .seconds(300)

    func register(on router: Router<SwitchboardRequestContext>) {
        guard let log = services.inspector else { return }
        router.get("/_switchboard/") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                     body: .init(byteBuffer: ByteBuffer(string: InspectorPage.html)))
        }
        router.get("/_switchboard/calls") { _, _ in
            jsonResponse(.ok, try GraphJSON.encoder(.beta).encode(try await listing(log)))
        }
        router.get("/_switchboard/calls/:id/timeline") { _, context in
            let id = try context.parameters.require("id")
            return jsonResponse(.ok, try GraphJSON.encoder(.beta).encode(try await timeline(id, log)))
        }
        router.get("/_switchboard/world") { _, _ in
            try await services.runtime.adoptSharedWorld()
            return jsonResponse(.ok, try GraphJSON.encoder(.beta).encode(WorldView(services.world)))
        }
        router.get("/_switchboard/events") { _, _ in
            let shared = services.runtime.isShared
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                body: ResponseBody { writer in
                    let (events, control) = log.events(tick: .seconds(shared ? 1 : 15))
                    try await writer.write(ByteBuffer(string: "retry: 1000\nevent: changed\ndata: \(log.version)\n\n"))
                    let deadline = ContinuousClock.now.advanced(by: Self.streamLifetime)
                    // Ends with the server's graceful shutdown, the client, or the lifetime.
                    try await withGracefulShutdownHandler {
                        for await event in events {
                            switch event {
                            case .changed(let version):
                                try await writer.write(ByteBuffer(string: "event: changed\ndata: \(version)\n\n"))
                            case .tick:
                                // Other nodes' changes are seen by asking again.
                                try await writer.write(ByteBuffer(string: shared ? "event: changed\ndata: \(log.version)\n\n" : ": quiet\n\n"))
                            }
                            if ContinuousClock.now > deadline { break }
                        }
                    } onGracefulShutdown: {
                        control.finish()
                    }
                    try await writer.finish(nil)
                }
            )
        }
    }

    /// Every call this node has seen, and every live one (on a shared store, any node's),
    /// newest first.
    private func listing(_ log: InspectorLog) async throws -> CallListing {
        var cards = Dictionary(log.cards.map { ($0.machine.id, $0) }, uniquingKeysWith: { first, _ in first })
        for machine in try await services.runtime.liveCalls(limit: InspectorLog.maxCalls) {
            // The store's state is the latest (another node may have moved it on).
            cards[machine.id, default: InspectorLog.Card(machine: machine, ended: false)].machine = machine
        }
        let sorted = cards.values.sorted { a, b in
            let (x, y) = (a.started?.millisecondsSinceEpoch ?? 0, b.started?.millisecondsSinceEpoch ?? 0)
            return x != y ? x > y : a.machine.id < b.machine.id
        }
        return CallListing(value: sorted.map(entry))
    }

    private func entry(_ card: InspectorLog.Card) -> CallListing.Entry {
        let machine = card.machine
        return CallListing.Entry(
            id: machine.id, state: card.ended ? CallState.terminated.rawValue : machine.state.rawValue, kind: machine.kind.rawValue,
            direction: machine.graphCall.direction?.rawValue, appId: machine.appId,
            app: services.world.application(id: machine.appId)?.displayName, tenantId: machine.tenantId,
            participants: InspectorLog.people(in: machine),
            started: card.started?.iso8601Milliseconds, updated: card.updated?.iso8601Milliseconds
        )
    }

    private func timeline(_ id: String, _ log: InspectorLog) async throws -> Timeline {
        let journal = try await services.runtime.journal(callId: id)
        let exchanges = log.exchanges(id)
        var card = log.card(id)
        if let machine = try await services.runtime.machine(id: id) {
            card = InspectorLog.Card(machine: machine, ended: false, started: card?.started, updated: card?.updated)
        }
        let call = card.map(entry)
        guard call != nil || !journal.isEmpty || !exchanges.isEmpty else {
            throw GraphError.notFound("Switchboard knows nothing of call '\(id)'.")
        }
        var timed: [(at: Int64, order: Int, event: TimelineEvent)] = []
        for exchange in exchanges {
            timed.append((exchange.at.millisecondsSinceEpoch, timed.count, TimelineEvent(
                kind: "request", at: exchange.at.iso8601Milliseconds, from: exchange.source.rawValue, method: exchange.method,
                path: exchange.path, status: exchange.status, durationMs: exchange.durationMilliseconds,
                request: exchange.request.map(Self.json), response: exchange.response.map(Self.json)
            )))
        }
        for (delivery, attempts) in journal {
            let body = (try? JSONDecoder().decode(JSONValue.self, from: Data(delivery.body))) ?? .null
            let notifications = try? JSONDecoder().decode(CommsNotifications.self, from: Data(delivery.body))
            let at = Timestamp(millisecondsSinceEpoch: delivery.createdAt)
            // What the notification says happened, before the notification itself.
            for derived in Self.derived(from: notifications) {
                var event = derived
                event.at = at.iso8601Milliseconds
                timed.append((at.millisecondsSinceEpoch, timed.count, event))
            }
            timed.append((at.millisecondsSinceEpoch, timed.count, TimelineEvent(
                kind: "notification", at: at.iso8601Milliseconds, path: delivery.url, sequence: delivery.sequence,
                delivery: delivery.status.rawValue, summary: Self.summary(of: notifications), body: body,
                attempts: attempts.map(ControlCallEndpoints.JournalEntry.Attempt.init)
            )))
        }
        timed.sort { ($0.at, $0.order) < ($1.at, $1.order) }
        return Timeline(call: call, events: timed.map(\.event))
    }

    static func json(_ text: String) -> JSONValue {
        (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .string(text)
    }

    /// What a notification says, one resource at a time: its change, what kind of
    /// resource, and the resource.
    private static func resources(_ notifications: CommsNotifications?) -> [(changeType: String, resource: ResourceData?)] {
        (notifications?.value ?? []).map { ($0.changeType?.rawValue ?? "", $0.resourceData) }
    }

    /// The state changes, rosters and operations a notification tells of.
    static func derived(from notifications: CommsNotifications?) -> [TimelineEvent] {
        resources(notifications).compactMap { changeType, resource -> TimelineEvent? in
            switch resource {
            case .collection(let items)?:
                let people = items.compactMap { item -> String? in
                    if case .participant(let participant) = item { return participant.info?.identity?.displayNameOrId }
                    return nil
                }
                return TimelineEvent(kind: "roster", at: "", summary: "roster \(changeType)", participants: people)
            case .single(.call(let call))?:
                guard let state = call.state?.rawValue else { return nil }
                return TimelineEvent(kind: "state", at: "", summary: "call \(state)", state: state)
            case .single(.operation(let operation))?:
                let name = operation.kind.rawValue
                return TimelineEvent(kind: "operation", at: "", summary: [name, operation.status?.rawValue].compactMap { $0 }.joined(separator: " "), operation: name)
            default:
                return nil
            }
        }
    }

    /// One line for a notification: what changed.
    static func summary(of notifications: CommsNotifications?) -> String {
        resources(notifications).map { changeType, resource in
            let detail: [String?] = switch resource {
            case .collection(let items)?: ["participants (\(items.count))"]
            case .single(.call(let call))?: ["call", call.state?.rawValue]
            case .single(.operation(let operation))?: [operation.kind.rawValue, operation.status?.rawValue]
            case .single(.participant)?: ["participant"]
            case .single(.deltaParticipants)?: ["deltaParticipants"]
            case .single(.contentSharingSession)?: ["contentSharingSession"]
            case .single(.participantRosterNotification)?: ["participant roster"]
            case .single(.other)?, nil: []
            }
            return ([changeType] + detail.compactMap { $0 }).filter { !$0.isEmpty }.joined(separator: " ")
        }.joined(separator: "; ")
    }
}
