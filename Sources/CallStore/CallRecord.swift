/// One call as stored: routing columns plus the engine's state, opaque to the store.
public struct CallRecord: Sendable, Hashable {
    public var id: String
    public var appId: String
    public var tenantId: String
    /// The engine's state, serialised by the runtime.
    public var state: [UInt8]

    public init(id: String, appId: String, tenantId: String, state: [UInt8]) {
        self.id = id
        self.appId = appId
        self.tenantId = tenantId
        self.state = state
    }
}

/// A notification to deliver, as committed with the state change that caused it.
public struct NewDelivery: Sendable, Hashable {
    public var callId: String
    public var appId: String
    public var tenantId: String
    public var url: String
    /// The request body, ready to POST.
    public var body: [UInt8]

    public init(callId: String, appId: String, tenantId: String, url: String, body: [UInt8]) {
        self.callId = callId
        self.appId = appId
        self.tenantId = tenantId
        self.url = url
        self.body = body
    }
}

/// A notification in the outbox. `sequence` orders all deliveries; per call it is the
/// delivery order.
public struct Delivery: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        /// Waiting to be delivered, or to be tried again.
        case pending
        /// Given up on after the retry policy ran out; kept for inspection.
        case dead
    }

    public var sequence: Int64
    public var callId: String
    public var appId: String
    public var tenantId: String
    public var url: String
    public var body: [UInt8]
    public var attempts: Int
    /// Milliseconds since the Unix epoch before which it is not tried again.
    public var notBefore: Int64
    public var status: Status
    public var lastError: String?

    public init(
        sequence: Int64, callId: String, appId: String, tenantId: String, url: String, body: [UInt8],
        attempts: Int = 0, notBefore: Int64 = 0, status: Status = .pending, lastError: String? = nil
    ) {
        self.sequence = sequence
        self.callId = callId
        self.appId = appId
        self.tenantId = tenantId
        self.url = url
        self.body = body
        self.attempts = attempts
        self.notBefore = notBefore
        self.status = status
        self.lastError = lastError
    }
}

/// One atomic change: calls written or removed, and the notifications they cause.
public struct CallChange: Sendable, Hashable {
    public var upserts: [CallRecord]
    public var removals: [String]
    public var deliveries: [NewDelivery]

    public init(upserts: [CallRecord] = [], removals: [String] = [], deliveries: [NewDelivery] = []) {
        self.upserts = upserts
        self.removals = removals
        self.deliveries = deliveries
    }
}
