import DequeModule
import Synchronization

/// A store that keeps everything in memory: the default for tests and `--store memory`.
///
/// Its state is behind a lock rather than in an actor: every operation is short and never
/// waits, so the caller runs it on its own thread instead of hopping onto an actor and back
/// (two trips through the scheduler per operation, several per notification).
public final class InMemoryCallStore: CallStore {
    fileprivate struct State {
        var calls: [String: CallRecord] = [:]
        var outbox: [Int64: Delivery] = [:]
        var lastSequence: Int64 = 0
        var settings: [String: String] = [:]
        var signals: [Signal] = []
        var attempts: [Int64: [DeliveryAttempt]] = [:]
        /// Delivered sequences in the order they were marked: the journal forgets from the front.
        var delivered: Deque<Int64> = []
        var lastSignal: Int64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    public func commit(_ change: CallChange) async throws -> [Delivery] {
        try state.withLock { try $0.commit(change) }
    }

    public func call(id: String) async throws -> CallRecord? {
        state.withLock { $0.call(id: id) }
    }

    public func allCalls() async throws -> [CallRecord] {
        state.withLock { $0.allCalls() }
    }

    public func callSummaries() async throws -> [CallSummary] {
        try state.withLock { try $0.callSummaries() }
    }

    public func pendingDeliveries(after: Int64, limit: Int) async throws -> [Delivery] {
        state.withLock { $0.pendingDeliveries(after: after, limit: limit) }
    }

    public func deadDeliveries(limit: Int) async throws -> [Delivery] {
        state.withLock { $0.deadDeliveries(limit: limit) }
    }

    public func markDelivered(sequence: Int64, attempt: DeliveryAttempt?) async throws {
        state.withLock { $0.markDelivered(sequence: sequence, attempt: attempt) }
    }

    public func journal(callId: String) async throws -> [(Delivery, [DeliveryAttempt])] {
        state.withLock { $0.journal(callId: callId) }
    }

    public func markFailed(sequence: Int64, attempts: Int, notBefore: Int64, error: String, dead: Bool, attempt: DeliveryAttempt?) async throws {
        state.withLock { $0.markFailed(sequence: sequence, attempts: attempts, notBefore: notBefore, error: error, dead: dead, attempt: attempt) }
    }

    public func revive(sequences: [Int64], notBefore: Int64) async throws -> [Delivery] {
        state.withLock { $0.revive(sequences: sequences, notBefore: notBefore) }
    }

    public func pendingSignals(limit: Int) async throws -> [Signal] {
        state.withLock { $0.pendingSignals(limit: limit) }
    }

    public func reset() async throws {
        state.withLock { $0.reset() }
    }

    public func export() async throws -> StoreSnapshot {
        state.withLock { $0.export() }
    }

    public func replace(with snapshot: StoreSnapshot) async throws {
        state.withLock { $0.replace(with: snapshot) }
    }

    public func setting(_ name: String) async throws -> String? {
        state.withLock { $0.setting(name) }
    }

    public func initializeSetting(_ name: String, value: String) async throws -> String {
        state.withLock { $0.initializeSetting(name, value: value) }
    }

    public func updateSetting(_ name: String, from expected: String, to value: String) async throws -> Bool {
        state.withLock { $0.updateSetting(name, from: expected, to: value) }
    }

    public func close() async throws {}

    /// The version a call written from version `expected` gets over `stored` (nil: not
    /// stored), or the conflict.
    static func nextVersion(of id: String, expected: Int64?, stored: Int64?) throws -> Int64 {
        switch (expected, stored) {
        case (nil, let stored): return (stored ?? 0) + 1
        case (0?, nil): return 1
        case (let expected?, let stored?) where expected == stored: return stored + 1
        case (let expected?, _): throw CallStoreError.conflict("call \(id) is not at version \(expected)")
        }
    }
}

private extension InMemoryCallStore.State {
    mutating func commit(_ change: CallChange) throws -> [Delivery] {
        // Checked before anything changes: a conflict changes nothing.
        var versions: [Int64] = []
        for record in change.upserts {
            versions.append(try InMemoryCallStore.nextVersion(of: record.id, expected: record.version, stored: calls[record.id]?.version))
        }
        for removal in change.removals where removal.version != nil && calls[removal.id]?.version != removal.version {
            throw CallStoreError.conflict("call \(removal.id) is not at version \(removal.version ?? 0)")
        }
        let consumed = Set(change.consumedSignals)
        guard signals.count(where: { consumed.contains($0.sequence) }) == consumed.count else {
            throw CallStoreError.conflict("a signal consumed by the change was consumed already")
        }
        for (record, version) in zip(change.upserts, versions) {
            var stored = record
            stored.version = version
            calls[record.id] = stored
        }
        for removal in change.removals { calls[removal.id] = nil }
        signals.removeAll { consumed.contains($0.sequence) }
        for retarget in change.retargets {
            for (sequence, delivery) in outbox where delivery.callId == retarget.callId && delivery.status == .pending {
                outbox[sequence]?.url = retarget.url
            }
        }
        for new in change.signals {
            lastSignal += 1
            signals.append(Signal(sequence: lastSignal, callId: new.callId, payload: new.payload))
        }
        return change.deliveries.map { new in
            lastSequence += 1
            let delivery = Delivery(
                sequence: lastSequence, callId: new.callId, appId: new.appId, tenantId: new.tenantId,
                url: new.url, body: new.body, createdAt: new.createdAt
            )
            outbox[lastSequence] = delivery
            return delivery
        }
    }

    func call(id: String) -> CallRecord? { calls[id] }

    func allCalls() -> [CallRecord] {
        calls.values.sorted { $0.id < $1.id }
    }

    func callSummaries() throws -> [CallSummary] {
        try calls.values.sorted { $0.id < $1.id }.map { record in
            CallSummary(id: record.id, appId: record.appId, tenantId: record.tenantId, summary: try record.summary())
        }
    }

    func pendingDeliveries(after: Int64, limit: Int) -> [Delivery] {
        Array(outbox.values.filter { $0.status == .pending && $0.sequence > after }.sorted { $0.sequence < $1.sequence }.prefix(limit))
    }

    func deadDeliveries(limit: Int) -> [Delivery] {
        Array(outbox.values.filter { $0.status == .dead }.sorted { $0.sequence < $1.sequence }.prefix(limit))
    }

    mutating func markDelivered(sequence: Int64, attempt: DeliveryAttempt?) {
        journal(attempt)
        guard outbox[sequence] != nil else { return }
        outbox[sequence]?.status = .delivered
        delivered.append(sequence)
        // The journal keeps the latest deliveredRetention sequences of delivered notifications
        // (a sequence delivered late waits behind the one in front of it: forgotten a little later).
        while let oldest = delivered.first, oldest <= sequence - deliveredRetention {
            delivered.removeFirst()
            if outbox[oldest]?.status == .delivered {
                outbox[oldest] = nil
                attempts[oldest] = nil
            }
        }
    }

    mutating func journal(_ attempt: DeliveryAttempt?) {
        guard let attempt, outbox[attempt.sequence] != nil else { return }
        attempts[attempt.sequence, default: []].append(attempt)
    }

    func journal(callId: String) -> [(Delivery, [DeliveryAttempt])] {
        outbox.values.filter { $0.callId == callId }.sorted { $0.sequence < $1.sequence }.map { ($0, attempts[$0.sequence] ?? []) }
    }

    mutating func markFailed(sequence: Int64, attempts: Int, notBefore: Int64, error: String, dead: Bool, attempt: DeliveryAttempt?) {
        journal(attempt)
        guard var delivery = outbox[sequence] else { return }
        delivery.attempts = attempts
        delivery.notBefore = notBefore
        delivery.lastError = error
        delivery.status = dead ? .dead : .pending
        outbox[sequence] = delivery
    }

    mutating func revive(sequences: [Int64], notBefore: Int64) -> [Delivery] {
        var revived: [Delivery] = []
        for sequence in Set(sequences).sorted() {
            guard var delivery = outbox[sequence], delivery.status == .dead else { continue }
            delivery.status = .pending
            delivery.attempts = 0
            delivery.notBefore = notBefore
            outbox[sequence] = delivery
            revived.append(delivery)
        }
        return revived
    }

    func pendingSignals(limit: Int) -> [Signal] { Array(signals.prefix(limit)) }

    mutating func reset() {
        calls = [:]
        outbox = [:]
        signals = []
        attempts = [:]
        delivered = []
    }

    func export() -> StoreSnapshot {
        let kept = outbox.values.sorted { $0.sequence < $1.sequence }
        return StoreSnapshot(
            calls: calls.values.sorted { $0.id < $1.id },
            deliveries: kept,
            attempts: kept.flatMap { attempts[$0.sequence] ?? [] },
            signals: signals
        )
    }

    mutating func replace(with snapshot: StoreSnapshot) {
        calls = Dictionary(snapshot.calls.map { record in
            var stored = record
            stored.version = record.version ?? 1
            return (record.id, stored)
        }, uniquingKeysWith: { _, last in last })
        outbox = Dictionary(snapshot.deliveries.map { ($0.sequence, $0) }, uniquingKeysWith: { _, last in last })
        attempts = Dictionary(grouping: snapshot.attempts.filter { outbox[$0.sequence] != nil }, by: \.sequence)
        delivered = Deque(outbox.values.filter { $0.status == .delivered }.map(\.sequence).sorted())
        signals = snapshot.signals.sorted { $0.sequence < $1.sequence }
        lastSequence = max(lastSequence, snapshot.deliveries.map(\.sequence).max() ?? 0)
        lastSignal = max(lastSignal, snapshot.signals.map(\.sequence).max() ?? 0)
    }

    func setting(_ name: String) -> String? { settings[name] }

    mutating func initializeSetting(_ name: String, value: String) -> String {
        if let existing = settings[name] { return existing }
        settings[name] = value
        return value
    }

    mutating func updateSetting(_ name: String, from expected: String, to value: String) -> Bool {
        guard settings[name] == expected else { return false }
        settings[name] = value
        return true
    }
}
