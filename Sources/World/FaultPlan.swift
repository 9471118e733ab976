/// Faults Switchboard injects on purpose, so bots meet what Graph does in the wild: the
/// world file's `faults` and `PUT /_switchboard/faults`. Off (empty) by default.
public struct FaultPlan: Codable, Sendable, Hashable {
    /// Seeds the random choices of rules with a `rate` below 1, so a run can be repeated.
    public var seed: UInt64?
    /// Faults in the notifications Switchboard delivers.
    public var notifications: [NotificationFault]
    /// Faults in the answers to the bot's Graph requests.
    public var api: [APIFault]
    /// The first notification of an incoming call is sent in the legacy (Skype) format; a bot
    /// that answers it with 204 then gets the same notification in Graph's format.
    public var legacyIncomingNotification: Bool

    public init(seed: UInt64? = nil, notifications: [NotificationFault] = [], api: [APIFault] = [], legacyIncomingNotification: Bool = false) {
        self.seed = seed
        self.notifications = notifications
        self.api = api
        self.legacyIncomingNotification = legacyIncomingNotification
    }

    public var isEmpty: Bool { notifications.isEmpty && api.isEmpty && !legacyIncomingNotification }

    enum CodingKeys: String, CodingKey {
        case seed, notifications, api, legacyIncomingNotification
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        seed = try container.decodeIfPresent(UInt64.self, forKey: .seed)
        notifications = try container.decodeIfPresent([NotificationFault].self, forKey: .notifications) ?? []
        api = try container.decodeIfPresent([APIFault].self, forKey: .api) ?? []
        legacyIncomingNotification = try container.decodeIfPresent(Bool.self, forKey: .legacyIncomingNotification) ?? false
    }

    /// What can go wrong with a notification.
    public struct NotificationFault: Codable, Sendable, Hashable {
        public enum Kind: String, Codable, Sendable, CaseIterable {
            /// Not sent on this try (lost on the way); retried as any failure.
            case drop
            /// Sent twice, the same delivery id and attempt.
            case duplicate
            /// Held back for `delayMs` before it is sent.
            case delay
            /// Swapped with the next notification of its call (establishing after
            /// established, as Graph's docs warn); held back up to `delayMs` for one to come.
            case reorder
        }

        public var kind: Kind
        /// The share of notifications (0…1) it strikes; 1 by default.
        public var rate: Double
        /// Only this call's notifications (the id the bot sees); all calls by default.
        public var callId: String?
        /// At most this many times; no limit by default.
        public var count: Int?
        /// `delay`: how long; `reorder`: how long to wait for a next notification. 2000 by default.
        public var delayMs: Int

        public init(kind: Kind, rate: Double = 1, callId: String? = nil, count: Int? = nil, delayMs: Int = 2000) {
            self.kind = kind
            self.rate = rate
            self.callId = callId
            self.count = count
            self.delayMs = delayMs
        }

        enum CodingKeys: String, CodingKey { case kind, rate, callId, count, delayMs }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            kind = try container.decode(Kind.self, forKey: .kind)
            rate = try container.decodeIfPresent(Double.self, forKey: .rate) ?? 1
            callId = try container.decodeIfPresent(String.self, forKey: .callId)
            count = try container.decodeIfPresent(Int.self, forKey: .count)
            delayMs = try container.decodeIfPresent(Int.self, forKey: .delayMs) ?? 2000
        }
    }

    /// What can go wrong with an answer to the bot.
    public struct APIFault: Codable, Sendable, Hashable {
        public enum Kind: String, Codable, Sendable, CaseIterable {
            /// 429 Too Many Requests with `Retry-After`.
            case throttle
            /// 503 Service Unavailable with `Retry-After`.
            case unavailable
            /// The real answer, `latencyMs` late.
            case latency
        }

        public var kind: Kind
        public var rate: Double
        /// Only requests whose path starts with this (case-insensitive), such as
        /// `/v1.0/communications/calls`; every Graph request by default.
        public var path: String?
        /// Only this method (`POST`); any by default.
        public var method: String?
        public var count: Int?
        /// `throttle` and `unavailable`: the `Retry-After` seconds. 1 by default.
        public var retryAfterSeconds: Int
        /// `latency`: the delay. 1000 by default.
        public var latencyMs: Int

        public init(kind: Kind, rate: Double = 1, path: String? = nil, method: String? = nil, count: Int? = nil,
                    retryAfterSeconds: Int = 1, latencyMs: Int = 1000) {
            self.kind = kind
            self.rate = rate
            self.path = path
            self.method = method
            self.count = count
            self.retryAfterSeconds = retryAfterSeconds
            self.latencyMs = latencyMs
        }

        enum CodingKeys: String, CodingKey { case kind, rate, path, method, count, retryAfterSeconds, latencyMs }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            kind = try container.decode(Kind.self, forKey: .kind)
            rate = try container.decodeIfPresent(Double.self, forKey: .rate) ?? 1
            path = try container.decodeIfPresent(String.self, forKey: .path)
            method = try container.decodeIfPresent(String.self, forKey: .method)
            count = try container.decodeIfPresent(Int.self, forKey: .count)
            retryAfterSeconds = try container.decodeIfPresent(Int.self, forKey: .retryAfterSeconds) ?? 1
            latencyMs = try container.decodeIfPresent(Int.self, forKey: .latencyMs) ?? 1000
        }
    }

    /// What is wrong with the plan, for a 400 or a world-file problem; `nil` when it is usable.
    public var problem: String? {
        for (index, rule) in notifications.enumerated() {
            if !(0...1).contains(rule.rate) { return "notifications[\(index)].rate must be from 0 to 1" }
            if let count = rule.count, count < 0 { return "notifications[\(index)].count must not be negative" }
            if !(0...600_000).contains(rule.delayMs) { return "notifications[\(index)].delayMs must be from 0 to 600000" }
        }
        for (index, rule) in api.enumerated() {
            if !(0...1).contains(rule.rate) { return "api[\(index)].rate must be from 0 to 1" }
            if let count = rule.count, count < 0 { return "api[\(index)].count must not be negative" }
            if !(0...86_400).contains(rule.retryAfterSeconds) { return "api[\(index)].retryAfterSeconds must be from 0 to 86400" }
            if !(0...60_000).contains(rule.latencyMs) { return "api[\(index)].latencyMs must be from 0 to 60000" }
        }
        return nil
    }
}
