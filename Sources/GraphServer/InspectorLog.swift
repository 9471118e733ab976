import CallEngine
import CallRuntime
import DequeModule
import Foundation
import GraphModel
import Synchronization

/// What the inspector shows beyond the store: every call this node has seen (kept after it
/// ends, which the store does not), the requests made about each and their answers, and a
/// version that moves on every change, which the live page waits on.
///
/// In memory and per node, bounded: the latest ``maxCalls`` calls, the latest
/// ``maxExchanges`` requests of each, bodies cut at ``maxBody`` bytes.
public final class InspectorLog: Sendable {
    /// A request about a call and its answer.
    public struct Exchange: Sendable {
        public enum Source: String, Sendable {
            /// The bot, through Graph's API.
            case bot
            /// The control API (the far end, a test).
            case control
        }

        public var at: Timestamp
        public var source: Source
        public var method: String
        public var path: String
        public var status: Int
        public var durationMilliseconds: Int64
        public var request: String?
        public var response: String?
    }

    /// A call as last seen (the machine is kept as it is, a copy-on-write value: what the
    /// page shows of it is worked out when the page asks, not on every commit).
    public struct Card: Sendable {
        public var machine: CallMachine
        /// Whether the call has ended (then it is no longer stored).
        public var ended: Bool
        /// When this node first and last saw it change (nil: a call it has not seen change,
        /// such as another node's).
        public var started: Timestamp?
        public var updated: Timestamp?
    }

    /// What the live page is told.
    public enum Event: Sendable {
        /// Something changed: the log's version now.
        case changed(UInt64)
        /// Nothing new for a while (keeps the connection alive; on a shared store, other
        /// nodes' changes are only seen by asking again).
        case tick
    }

    public static let maxCalls = 1000
    public static let maxExchanges = 300
    public static let maxBody = 64 * 1024

    private struct State {
        var cards: [String: Card] = [:]
        var exchanges: [String: Deque<Exchange>] = [:]
        /// Call ids in the order first seen, for forgetting the oldest.
        var order = Deque<String>()
        var version: UInt64 = 0
        var listeners: [Int: AsyncStream<Event>.Continuation] = [:]
        var nextListener = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// A change committed by this node.
    public func record(_ update: CallUpdate) {
        let id = update.machine.id
        changing { state in
            // Every commit comes here: the card is changed in place, not copied out and back.
            if let index = state.cards.index(forKey: id) {
                state.cards.values[index].machine = update.machine
                state.cards.values[index].ended = update.ended
                state.cards.values[index].updated = update.at
                if state.cards.values[index].started == nil { state.cards.values[index].started = update.at }
            } else {
                remember(id, in: &state)
                state.cards[id] = Card(machine: update.machine, ended: update.ended, started: update.at, updated: update.at)
            }
        }
    }

    /// A request about call `callId`, answered.
    public func record(_ exchange: Exchange, callId: String) {
        changing { state in
            remember(callId, in: &state)
            state.exchanges[callId, default: []].append(exchange)
            if state.exchanges[callId]!.count > Self.maxExchanges { state.exchanges[callId]!.removeFirst() }
        }
    }

    /// Something the page shows changed elsewhere (a notification's try).
    public func changed() {
        changing { _ in }
    }

    /// Forgets everything (a reset).
    public func reset() {
        changing { state in
            state.cards = [:]
            state.exchanges = [:]
            state.order = []
        }
    }

    public var cards: [Card] { state.withLock { Array($0.cards.values) } }

    public func card(_ id: String) -> Card? { state.withLock { $0.cards[id] } }

    public func exchanges(_ callId: String) -> [Exchange] { state.withLock { Array($0.exchanges[callId] ?? []) } }

    public var version: UInt64 { state.withLock { $0.version } }

    /// Every change from now on, and a tick every `tick`; ends when the caller stops
    /// iterating or finishes the continuation returned with it.
    public func events(tick: Duration) -> (AsyncStream<Event>, AsyncStream<Event>.Continuation) {
        let (stream, continuation) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(4))
        let id = state.withLock { state in
            state.nextListener += 1
            state.listeners[state.nextListener] = continuation
            return state.nextListener
        }
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: tick)
                continuation.yield(.tick)
            }
        }
        continuation.onTermination = { [weak self] _ in
            ticker.cancel()
            self?.state.withLock { _ = $0.listeners.removeValue(forKey: id) }
        }
        return (stream, continuation)
    }

    private func changing(_ body: (inout State) -> Void) {
        let (version, listeners) = state.withLock { state in
            body(&state)
            state.version += 1
            return (state.version, Array(state.listeners.values))
        }
        for listener in listeners { listener.yield(.changed(version)) }
    }

    private func remember(_ callId: String, in state: inout State) {
        guard state.cards.index(forKey: callId) == nil, state.exchanges.index(forKey: callId) == nil else { return }
        state.order.append(callId)
        while state.order.count > Self.maxCalls, let oldest = state.order.popFirst() {
            state.cards[oldest] = nil
            state.exchanges[oldest] = nil
        }
    }

    /// The people in a call other than the bot (or those it calls, before anyone answers).
    static func people(in machine: CallMachine) -> [String] {
        var names: [String] = []
        for participant in machine.participants {
            guard let identity = participant.info?.identity, identity.application == nil else { continue }
            names.append(identity.displayNameOrId)
        }
        if names.isEmpty {
            let call = machine.graphCall
            names = (call.targets ?? []).compactMap { $0.identity?.displayNameOrId }
            if let source = call.source?.identity, source.application == nil, call.direction == .incoming { names.insert(source.displayNameOrId, at: 0) }
        }
        return names
    }
}

extension IdentitySet {
    /// The first name an identity set carries, else its first id.
    var displayNameOrId: String {
        let identities = [user, phone, guest, applicationInstance, application, azureCommunicationServicesUser, encrypted, onPremises, device]
            .compactMap { $0 }
        return identities.lazy.compactMap(\.displayName).first ?? identities.lazy.compactMap(\.id).first ?? "?"
    }
}
