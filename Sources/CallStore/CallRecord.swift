/// A value that writes itself as a call's stored state when a store needs the bytes.
public protocol StoredStateValue: Sendable {
    /// The bytes a store persists, and which ``CallRecord/init(id:appId:tenantId:state:summary:)``
    /// takes back.
    func encodedState() throws -> [UInt8]
    /// What the runtime needs of the call at start (its timers, say) without reading the
    /// whole state: small, and read for every call by ``CallStore/callSummaries()``.
    func encodedSummary() throws -> [UInt8]
    /// When the call's earliest timer is due (milliseconds since the Unix epoch), if it has
    /// one: a shared store finds the calls whose timers a lost node left behind by it.
    var nextDue: Int64? { get }
}

/// One call as stored: routing columns plus the engine's state, opaque to the store.
///
/// The runtime hands a store the state as a value; a store that persists it encodes it
/// (``state()``) in the transaction, one in memory keeps the value and encodes it only if
/// it is exported. A commit then costs no encoding when nothing is written out.
public struct CallRecord: Sendable, Hashable {
    public var id: String
    public var appId: String
    public var tenantId: String
    /// Read from a store: the call's version there (1 after its first commit, one more with
    /// each commit). Written: the version the writer read, which the store checks so two
    /// writers cannot lose each other's change (0: a new call, which must not exist yet);
    /// nil: written over whatever is stored (a snapshot put back).
    public var version: Int64?
    private var source: Source

    private enum Source: Sendable {
        case bytes(state: [UInt8], summary: [UInt8]?)
        case value(any StoredStateValue)
    }

    /// A record whose state is already bytes (read back from a store or a snapshot); a nil
    /// summary: none was stored (an older release wrote the record).
    public init(id: String, appId: String, tenantId: String, state: [UInt8], summary: [UInt8]? = nil, version: Int64? = nil) {
        self.id = id
        self.appId = appId
        self.tenantId = tenantId
        self.version = version
        source = .bytes(state: state, summary: summary)
    }

    /// A record whose state is encoded when a store first needs it.
    public init(id: String, appId: String, tenantId: String, value: any StoredStateValue, version: Int64? = nil) {
        self.id = id
        self.appId = appId
        self.tenantId = tenantId
        self.version = version
        source = .value(value)
    }

    /// The engine's state as bytes, encoded now if the record holds a value.
    public func state() throws -> [UInt8] {
        switch source {
        case .bytes(let state, _): state
        case .value(let value): try value.encodedState()
        }
    }

    /// The summary as bytes (see ``StoredStateValue/encodedSummary()``), encoded now if the
    /// record holds a value; nil when none was stored.
    public func summary() throws -> [UInt8]? {
        switch source {
        case .bytes(_, let summary): summary
        case .value(let value): try value.encodedSummary()
        }
    }

    /// When the call's earliest timer is due, if the record was made from a value that says.
    public var nextDue: Int64? {
        if case .value(let value) = source { return value.nextDue }
        return nil
    }

    /// The value the record was made from, when it was made from one (a store in memory
    /// hands it back as it was given, so nothing is decoded).
    public var value: (any StoredStateValue)? {
        if case .value(let value) = source { return value }
        return nil
    }

    /// The same call and state (the version is where it was stored, not what it holds).
    public static func == (lhs: CallRecord, rhs: CallRecord) -> Bool {
        lhs.id == rhs.id && lhs.appId == rhs.appId && lhs.tenantId == rhs.tenantId && (try? lhs.state()) == (try? rhs.state())
            && (try? lhs.summary()) == (try? rhs.summary())
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(appId)
        hasher.combine(tenantId)
        hasher.combine(try? state())
    }
}

/// A stored call without its state: its routing columns and its summary (nil when the
/// record has none), for restoring every call quickly at start.
public struct CallSummary: Sendable, Hashable {
    public var id: String
    public var appId: String
    public var tenantId: String
    public var summary: [UInt8]?

    public init(id: String, appId: String, tenantId: String, summary: [UInt8]?) {
        self.id = id
        self.appId = appId
        self.tenantId = tenantId
        self.summary = summary
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
    /// When the change that caused it was committed (milliseconds since the Unix epoch):
    /// the retry policy's maximum age counts from here.
    public var createdAt: Int64

    public init(callId: String, appId: String, tenantId: String, url: String, body: [UInt8], createdAt: Int64 = 0) {
        self.callId = callId
        self.appId = appId
        self.tenantId = tenantId
        self.url = url
        self.body = body
        self.createdAt = createdAt
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
        /// Reached its receiver; kept for a while for inspection (the notification journal).
        case delivered
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
    /// When it was committed (milliseconds since the Unix epoch; 0 when unknown).
    public var createdAt: Int64
    /// On a shared store, the node that delivers it (nil: this process, the only one).
    public var owner: String?

    public init(
        sequence: Int64, callId: String, appId: String, tenantId: String, url: String, body: [UInt8],
        attempts: Int = 0, notBefore: Int64 = 0, status: Status = .pending, lastError: String? = nil, createdAt: Int64 = 0,
        owner: String? = nil
    ) {
        self.owner = owner
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
        self.createdAt = createdAt
    }
}

/// An input for another call, committed with the change of the call that caused it (an
/// invitation with `replacesCallId` ends the replaced call): applied after the commit, and
/// again after a restart until the change it causes there is committed.
public struct NewSignal: Sendable, Hashable {
    /// The call the signal is for.
    public var callId: String
    /// The engine's input, serialised by the runtime.
    public var payload: [UInt8]

    public init(callId: String, payload: [UInt8]) {
        self.callId = callId
        self.payload = payload
    }
}

/// A signal waiting to be applied, in the order signals were committed.
public struct Signal: Sendable, Hashable {
    public var sequence: Int64
    public var callId: String
    public var payload: [UInt8]

    public init(sequence: Int64, callId: String, payload: [UInt8]) {
        self.sequence = sequence
        self.callId = callId
        self.payload = payload
    }
}

/// One atomic change: calls written or removed, the notifications they cause, the signals
/// they send to other calls, and the signals they consumed.
public struct CallChange: Sendable, Hashable {
    /// Calls written; each record's ``CallRecord/version`` is checked (see there).
    public var upserts: [CallRecord]
    public var removals: [CallRemoval]
    public var deliveries: [NewDelivery]
    public var signals: [NewSignal]
    /// Signals applied by this change, removed with it; one already gone is a conflict
    /// (another writer applied it).
    public var consumedSignals: [Int64]
    /// Calls whose pending notifications go to a new URL (a bot answered 302).
    public var retargets: [DeliveryRetarget]

    public init(
        upserts: [CallRecord] = [], removals: [CallRemoval] = [], deliveries: [NewDelivery] = [],
        signals: [NewSignal] = [], consumedSignals: [Int64] = [], retargets: [DeliveryRetarget] = []
    ) {
        self.upserts = upserts
        self.removals = removals
        self.deliveries = deliveries
        self.signals = signals
        self.consumedSignals = consumedSignals
        self.retargets = retargets
    }
}

/// A call removed (it ended), checked against the version the writer read as an upsert is.
public struct CallRemoval: Sendable, Hashable, ExpressibleByStringLiteral {
    public var id: String
    /// The version the writer read; nil: removed whatever is stored.
    public var version: Int64?

    public init(id: String, version: Int64?) {
        self.id = id
        self.version = version
    }

    /// Removed whatever is stored.
    public init(stringLiteral id: String) {
        self.init(id: id, version: nil)
    }
}

/// Every pending notification of a call, sent to `url` from now on.
public struct DeliveryRetarget: Sendable, Hashable {
    public var callId: String
    public var url: String

    public init(callId: String, url: String) {
        self.callId = callId
        self.url = url
    }
}

/// One try at delivering a notification, for the notification journal.
public struct DeliveryAttempt: Sendable, Hashable {
    public var sequence: Int64
    /// 1 for the first try.
    public var attempt: Int
    /// When it was made (milliseconds since the Unix epoch).
    public var at: Int64
    /// The receiver's HTTP status, when it answered.
    public var status: Int?
    /// What went wrong, when something did.
    public var error: String?
    public var durationMilliseconds: Int64

    public init(sequence: Int64, attempt: Int, at: Int64, status: Int?, error: String?, durationMilliseconds: Int64) {
        self.sequence = sequence
        self.attempt = attempt
        self.at = at
        self.status = status
        self.error = error
        self.durationMilliseconds = durationMilliseconds
    }
}

/// Everything a store holds but its settings: what a snapshot saves and restores.
public struct StoreSnapshot: Sendable, Hashable {
    public var calls: [CallRecord]
    /// Every notification kept (pending, dead, and delivered within retention).
    public var deliveries: [Delivery]
    public var attempts: [DeliveryAttempt]
    public var signals: [Signal]

    public init(calls: [CallRecord] = [], deliveries: [Delivery] = [], attempts: [DeliveryAttempt] = [], signals: [Signal] = []) {
        self.calls = calls
        self.deliveries = deliveries
        self.attempts = attempts
        self.signals = signals
    }
}
