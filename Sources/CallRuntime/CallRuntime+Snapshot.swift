import CallEngine
import CallStore
import Foundation
import GraphModel
import World

/// All of Switchboard's state as one JSON document (`GET /_switchboard/snapshot`), and put
/// back exactly (`PUT /_switchboard/snapshot`).
public struct RuntimeSnapshot: Codable, Sendable, Hashable {
    public struct MeetingAttendees: Codable, Sendable, Hashable {
        public var id: String
        /// User ids, in roster order.
        public var attendees: [String]
    }

    public struct StoredCall: Codable, Sendable, Hashable {
        public var id: String
        public var appId: String
        public var tenantId: String
        /// The engine's state of the call.
        public var state: JSONValue
    }

    public struct Attempt: Codable, Sendable, Hashable {
        public var attempt: Int
        public var at: String
        public var status: Int?
        public var error: String?
        public var durationMs: Int64
    }

    public struct Notification: Codable, Sendable, Hashable {
        public var sequence: Int64
        public var callId: String
        public var appId: String
        public var tenantId: String
        public var url: String
        /// The body POSTed, as the exact text sent.
        public var body: String
        /// pending, delivered or dead.
        public var status: String
        /// When it was committed (ISO 8601); the retry policy's maximum age counts from here.
        public var createdAt: String?
        public var attempts: Int
        /// Not tried again before this (ISO 8601).
        public var notBefore: String
        public var lastError: String?
        public var tries: [Attempt]
    }

    public struct PendingSignal: Codable, Sendable, Hashable {
        public var sequence: Int64
        public var callId: String
        public var signal: JSONValue
    }

    /// The format of this document; restoring refuses another.
    public var switchboardSnapshot: Int
    /// The clock when it was taken (a manual clock is set back to it on restore).
    public var takenAt: String
    public var meetings: [MeetingAttendees]
    public var calls: [StoredCall]
    public var notifications: [Notification]
    public var signals: [PendingSignal]

    public static let format = 1
}

extension CallRuntime {
    /// Everything: calls, notifications (pending, delivered, dead) with their tries,
    /// signals between calls, meetings' attendees, and the time. Recordings are not in it.
    public func snapshot() async throws -> RuntimeSnapshot {
        await restored()
        return try await locks.withLock(Self.signalsKey) {
            let stored = try await store.export()
            let tries = Dictionary(grouping: stored.attempts, by: \.sequence)
            return RuntimeSnapshot(
                switchboardSnapshot: RuntimeSnapshot.format,
                takenAt: clock.now().iso8601Milliseconds,
                meetings: world.current.meetings.map { .init(id: $0.id, attendees: $0.attendees) },
                calls: try stored.calls.map { record in
                    .init(id: record.id, appId: record.appId, tenantId: record.tenantId,
                          state: try JSONDecoder().decode(JSONValue.self, from: Data(try record.state())))
                },
                notifications: stored.deliveries.map { delivery in
                    .init(
                        sequence: delivery.sequence, callId: delivery.callId, appId: delivery.appId, tenantId: delivery.tenantId,
                        url: delivery.url, body: String(decoding: delivery.body, as: UTF8.self), status: delivery.status.rawValue,
                        createdAt: delivery.createdAt == 0 ? nil : Timestamp(millisecondsSinceEpoch: delivery.createdAt).iso8601Milliseconds,
                        attempts: delivery.attempts, notBefore: Timestamp(millisecondsSinceEpoch: delivery.notBefore).iso8601Milliseconds,
                        lastError: delivery.lastError,
                        tries: (tries[delivery.sequence] ?? []).map { attempt in
                            .init(attempt: attempt.attempt, at: Timestamp(millisecondsSinceEpoch: attempt.at).iso8601Milliseconds,
                                  status: attempt.status, error: attempt.error, durationMs: attempt.durationMilliseconds)
                        }
                    )
                },
                signals: try stored.signals.map { signal in
                    .init(sequence: signal.sequence, callId: signal.callId, signal: try JSONDecoder().decode(JSONValue.self, from: Data(signal.payload)))
                }
            )
        }
    }

    /// Replaces every call, notification, signal and meeting roster with the snapshot's,
    /// re-arms the calls' timers and hands pending notifications to the dispatcher. Checked
    /// first: a snapshot that does not read leaves everything as it was.
    public func restore(_ snapshot: RuntimeSnapshot) async throws {
        await restored()
        guard snapshot.switchboardSnapshot == RuntimeSnapshot.format else {
            throw CallRuntimeError.invalidRequest("switchboardSnapshot must be \(RuntimeSnapshot.format) (this server's format).")
        }
        let encoder = JSONEncoder()
        var machines: [String: MachineState] = [:]
        var records: [CallRecord] = []
        for call in snapshot.calls {
            guard let machine = try? JSONDecoder().decode(CallMachine.self, from: encoder.encode(call.state)), machine.id == call.id else {
                throw CallRuntimeError.invalidRequest("calls: '\(call.id)' has no readable state.")
            }
            guard machines[call.id] == nil else { throw CallRuntimeError.invalidRequest("calls: '\(call.id)' is listed twice.") }
            let state = MachineState(machine, version: 1)
            machines[call.id] = state
            records.append(CallRecord(id: call.id, appId: call.appId, tenantId: call.tenantId, value: state, version: nil))
        }
        var deliveries: [Delivery] = []
        var attempts: [DeliveryAttempt] = []
        for item in snapshot.notifications {
            guard let status = Delivery.Status(rawValue: item.status), item.sequence > 0,
                  let notBefore = Timestamp(iso8601: item.notBefore) else {
                throw CallRuntimeError.invalidRequest("notifications: \(item.sequence) needs a positive sequence, a status (pending, delivered, dead) and notBefore as ISO 8601.")
            }
            let createdAt: Int64 = try item.createdAt.map { text -> Int64 in
                guard let time = Timestamp(iso8601: text) else {
                    throw CallRuntimeError.invalidRequest("notifications: createdAt of \(item.sequence) must be ISO 8601.")
                }
                return time.millisecondsSinceEpoch
            } ?? 0
            guard !deliveries.contains(where: { $0.sequence == item.sequence }) else {
                throw CallRuntimeError.invalidRequest("notifications: sequence \(item.sequence) is listed twice.")
            }
            deliveries.append(Delivery(
                sequence: item.sequence, callId: item.callId, appId: item.appId, tenantId: item.tenantId, url: item.url,
                body: Array(item.body.utf8), attempts: item.attempts, notBefore: notBefore.millisecondsSinceEpoch,
                status: status, lastError: item.lastError, createdAt: createdAt
            ))
            for attempt in item.tries {
                guard let at = Timestamp(iso8601: attempt.at) else {
                    throw CallRuntimeError.invalidRequest("notifications: a try of \(item.sequence) needs 'at' as ISO 8601.")
                }
                attempts.append(DeliveryAttempt(sequence: item.sequence, attempt: attempt.attempt, at: at.millisecondsSinceEpoch,
                                                status: attempt.status, error: attempt.error, durationMilliseconds: attempt.durationMs))
            }
        }
        let signals = try snapshot.signals.map { Signal(sequence: $0.sequence, callId: $0.callId, payload: Array(try encoder.encode($0.signal))) }
        let known = Set(world.loaded.meetings.map(\.id))
        for meeting in snapshot.meetings where !known.contains(meeting.id) {
            throw CallRuntimeError.invalidRequest("meetings: no meeting '\(meeting.id)' in this server's world.")
        }
        guard let takenAt = Timestamp(iso8601: snapshot.takenAt) else {
            throw CallRuntimeError.invalidRequest("takenAt must be an ISO 8601 time.")
        }

        try await locks.withLock(Self.signalsKey) {
            try await store.replace(with: StoreSnapshot(
                calls: records, deliveries: deliveries.sorted { $0.sequence < $1.sequence }, attempts: attempts,
                signals: signals.sorted { $0.sequence < $1.sequence }
            ))
            await outbox.reset()
            timers.reset()
            recordings.reset()
            if let manual = clock as? ManualClock { manual.set(to: takenAt) }
            world.update { world in
                world = self.world.loaded
                for meeting in snapshot.meetings {
                    if let index = world.meetings.firstIndex(where: { $0.id == meeting.id }) { world.meetings[index].attendees = meeting.attendees }
                }
            }
            replaceMachines(machines)
            forgotten()
            timers.arm(machines.flatMap { id, state in state.machine.timers.map { (callId: id, timer: $0) } })
            let pending = deliveries.filter { $0.status == .pending }.sorted { $0.sequence < $1.sequence }
            if !pending.isEmpty { await outbox.enqueue(pending) }
        }
        // The other nodes forget what they had in hand, and take the snapshot's world and time.
        try await shareWorld(resetting: true)
        if let shared = store as? any SharedCallStore {
            if clock is ManualClock {
                let milliseconds = takenAt.millisecondsSinceEpoch
                try await shared.broadcast(
                    ClusterMessage.clock(milliseconds: milliseconds, from: shared.nodeId).text,
                    setting: (ClusterMessage.clockSetting, "\(milliseconds)")
                )
            }
        }
        await applySignals()
    }
}
