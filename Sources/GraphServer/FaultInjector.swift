import CallRuntime
import CallStore
import Foundation
import GraphModel
import Synchronization
import Webhooks
import World

/// Injects the world's faults (the world file's `faults`, `PUT /_switchboard/faults`) into
/// notifications and API answers, and keeps a log of each one so it shows in the call's
/// notification journal. Rules with a `rate` below 1 draw from a generator seeded by the
/// plan, so a run with a seed repeats; a new plan starts its counts and draws afresh.
public final class FaultInjector: DeliveryFaults, Sendable {
    /// One fault injected.
    public struct Event: Codable, Sendable, Hashable {
        public var at: String
        /// drop, duplicate, delay, reorder, legacyFormat, throttle, unavailable, latency.
        public var kind: String
        public var callId: String?
        /// The notification struck (its delivery id).
        public var sequence: Int64?
        /// The request struck (`POST /v1.0/communications/calls/…/playPrompt`).
        public var request: String?
    }

    private struct State {
        var plan = FaultPlan()
        var generator = SplitMix64(seed: 0)
        var used: [String: Int] = [:]
        var log: [Event] = []

        /// A plan other than the last one seen starts afresh.
        mutating func adopt(_ plan: FaultPlan) {
            guard plan != self.plan else { return }
            self.plan = plan
            generator = SplitMix64(seed: plan.seed ?? 0x5eed)
            used = [:]
        }

        /// Whether the rule strikes this time.
        mutating func draw(_ rule: String, rate: Double, count: Int?) -> Bool {
            if let count, used[rule, default: 0] >= count { return false }
            if rate < 1, generator.nextUnit() >= rate { return false }
            used[rule, default: 0] += 1
            return true
        }

        mutating func record(_ event: FaultInjector.Event) {
            log.append(event)
            if log.count > FaultInjector.logLimit { log.removeFirst(log.count - FaultInjector.logLimit) }
        }
    }

    private let world: WorldState
    private let clock: any WallClock
    private let state = Mutex(State())
    /// Events kept, newest last.
    static let logLimit = 10_000

    public init(world: WorldState, clock: any WallClock) {
        self.world = world
        self.clock = clock
    }

    /// Faults strike only a notification's first try: what follows is the retry a bot must survive.
    public func fault(for delivery: Delivery, attempt: Int) -> DeliveryFault? {
        guard attempt == 1 else { return nil }
        let plan = world.faults
        guard !plan.isEmpty else { return nil }
        let incoming = plan.legacyIncomingNotification ? Self.incomingCall(in: delivery.body) : nil
        return state.withLock { state -> DeliveryFault? in
            state.adopt(plan)
            if let incoming {
                state.record(Event(at: now, kind: "legacyFormat", callId: delivery.callId, sequence: delivery.sequence))
                return .legacyFormat(body: Self.legacyBody(incoming, callId: delivery.callId, appId: delivery.appId))
            }
            for (index, rule) in plan.notifications.enumerated() {
                if let callId = rule.callId, callId.lowercased() != delivery.callId.lowercased() { continue }
                guard state.draw("n\(index)", rate: rule.rate, count: rule.count) else { continue }
                state.record(Event(at: now, kind: rule.kind.rawValue, callId: delivery.callId, sequence: delivery.sequence))
                let duration = Duration.milliseconds(rule.delayMs)
                switch rule.kind {
                case .drop: return .drop
                case .duplicate: return .duplicate
                case .delay: return .delay(duration)
                case .reorder: return .reorder(hold: duration)
                }
            }
            return nil
        }
    }

    /// The fault for a Graph request, if one strikes it (logged, with the call its path names).
    public func apiFault(method: String, path: String) -> FaultPlan.APIFault? {
        let plan = world.faults
        guard !plan.api.isEmpty else { return nil }
        let lower = path.lowercased()
        return state.withLock { state -> FaultPlan.APIFault? in
            state.adopt(plan)
            for (index, rule) in plan.api.enumerated() {
                if let prefix = rule.path, !lower.hasPrefix(prefix.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "*"))) { continue }
                if let only = rule.method, only.uppercased() != method.uppercased() { continue }
                guard state.draw("a\(index)", rate: rule.rate, count: rule.count) else { continue }
                state.record(Event(at: now, kind: rule.kind.rawValue, callId: Self.callId(inPath: path), request: "\(method) \(path)"))
                return rule
            }
            return nil
        }
    }

    /// What was injected, oldest first: for one call, or all.
    public func events(callId: String? = nil) -> [Event] {
        state.withLock { state in
            guard let callId else { return state.log }
            return state.log.filter { $0.callId?.lowercased() == callId.lowercased() }
        }
    }

    private var now: String { clock.now().iso8601Milliseconds }

    /// The call a Graph path names (`…/calls/{id}/…`).
    static func callId(inPath path: String) -> String? {
        let segments = path.split(separator: "/")
        guard let calls = segments.firstIndex(where: { $0.lowercased() == "calls" }), calls + 1 < segments.count else { return nil }
        let id = String(segments[calls + 1])
        return id.lowercased() == "logteleconferencedevicequality" ? nil : id
    }

    /// The call of a `created` notification of an incoming call, if that is what `body` is.
    static func incomingCall(in body: [UInt8]) -> JSONValue? {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(body)),
              case .array(let notifications)? = value["value"], let notification = notifications.first,
              notification["changeType"] == .string("created"),
              let call = notification["resourceData"], call["state"] == .string("incoming") else { return nil }
        return call
    }

    /// Switchboard's stand-in for the legacy (Skype calling) format: a conversation object,
    /// not `commsNotifications`. Its exact shape is not published; a bot only has to see it
    /// is not Graph's and answer 204.
    static func legacyBody(_ call: JSONValue, callId: String, appId: String) -> [UInt8] {
        let caller = call["source"]?["identity"]?["user"]?["id"] ?? call["source"]?["identity"]?["phone"]?["id"] ?? .null
        let legacy: JSONValue = .object([
            "id": .string(callId),
            "appId": .string(appId),
            "callState": .string("incoming"),
            "isMultiparty": .bool(false),
            "presentedModalityTypes": call["requestedModalities"] ?? .array([.string("audio")]),
            "participants": .array([
                .object(["identity": caller, "originator": .bool(true)]),
                .object(["identity": .string(appId), "originator": .bool(false)]),
            ]),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return Array((try? encoder.encode(legacy)) ?? Data())
    }
}
