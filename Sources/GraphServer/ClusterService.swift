import CallRuntime
import CallStore
import GraphModel
import Logging
import ServiceLifecycle
import Webhooks

/// One node's share of the work when several nodes run on one database.
///
/// Every ``Configuration/heartbeatInterval`` (real time) it keeps the node alive, takes over
/// the notifications of nodes silent for ``Configuration/lostAfter``, fires timers overdue by
/// ``Configuration/timerGrace`` (their node is lost, or falling behind: a call's version
/// check lets only one firing land), applies signals left behind, and reloads the callback
/// keys. Between beats, a notice from another node (it committed a notification for a call
/// this one delivers) makes it claim and hand over its new notifications at once; a
/// broadcast says the store was reset (forget what is in hand) or moves the manual clock.
public struct ClusterService: Service {
    public struct Configuration: Sendable {
        public var heartbeatInterval: Duration = .seconds(1)
        /// A node silent this long is lost: the bound on taking over its work is this plus
        /// one heartbeat interval.
        public var lostAfter: Duration = .seconds(3)
        /// How late a timer must be before another node fires it.
        public var timerGrace: Duration = .seconds(2)
        /// How long a claim on a call's overdue timers holds.
        public var timerLease: Duration = .seconds(10)

        public init() {}
    }

    let store: any SharedCallStore
    let runtime: CallRuntime
    let dispatcher: WebhookDispatcher
    let callbackKeys: CallbackKeyRing
    let configuration: Configuration
    let logger: Logger

    public init(
        store: any SharedCallStore, runtime: CallRuntime, dispatcher: WebhookDispatcher, callbackKeys: CallbackKeyRing,
        configuration: Configuration = .init(), logger: Logger = Logger(label: "switchboard.cluster")
    ) {
        self.store = store
        self.runtime = runtime
        self.dispatcher = dispatcher
        self.callbackKeys = callbackKeys
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        logger.info("Node joined", metadata: ["node": "\(store.nodeId)"])
        // Claims run one at a time, so a call's notifications reach the dispatcher in order.
        let (claims, claim) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    for await _ in claims { await self.claimDeliveries() }
                }
                group.addTask {
                    while !Task.isCancelled {
                        do {
                            try await store.listen(deliveries: { claim.yield() }, broadcast: { await self.heard($0) })
                        } catch {
                            if Task.isCancelled { return }
                            logger.warning("Listening for notices failed; listening again", metadata: ["error": "\(error)"])
                        }
                        try? await Task.sleep(for: configuration.heartbeatInterval)
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        await beat()
                        claim.yield()
                        try? await Task.sleep(for: configuration.heartbeatInterval)
                    }
                }
                try? await gracefulShutdown()
                claim.finish()
                group.cancelAll()
            }
        } onGracefulShutdown: {}
        // A clean stop: the other nodes take over at their next heartbeat.
        do {
            try await store.leave()
        } catch {
            logger.warning("Could not leave the cluster; the others take over when this node counts as lost", metadata: ["error": "\(error)"])
        }
        logger.info("Node left", metadata: ["node": "\(store.nodeId)"])
    }

    /// One heartbeat's work.
    func beat() async {
        do {
            if try await !store.heartbeat(lostAfter: configuration.lostAfter) {
                // Counted lost while alive (stalled): what it had in hand has been taken over.
                logger.error("This node was counted lost; dropping the notifications it had in hand", metadata: ["node": "\(store.nodeId)"])
                await dispatcher.reset()
            }
            try await runtime.fireStoredTimers(dueBy: runtime.clock.now().advanced(by: .zero - configuration.timerGrace), lease: configuration.timerLease)
            await runtime.applySignals()
            try await callbackKeys.reload()
        } catch {
            logger.warning("Heartbeat failed", metadata: ["error": "\(error)"])
        }
    }

    /// A message from another node.
    func heard(_ text: String) async {
        guard let message = ClusterMessage(text), message.sender != store.nodeId else { return }
        switch message {
        case .reset:
            await runtime.forgetEverything()
            await adoptWorld()
        case .world:
            await adoptWorld()
        case .clock(let milliseconds, _):
            (runtime.clock as? ManualClock)?.set(to: Timestamp(millisecondsSinceEpoch: milliseconds))
        }
    }

    private func adoptWorld() async {
        do {
            try await runtime.adoptSharedWorld()
        } catch {
            logger.warning("Could not read the world's changes", metadata: ["error": "\(error)"])
        }
    }

    /// Hands the dispatcher what this node owns and does not have in hand yet.
    func claimDeliveries() async {
        do {
            while true {
                let claimed = try await store.claimDeliveries(limit: 1000)
                if !claimed.isEmpty { dispatcher.enqueue(claimed) }
                if claimed.count < 1000 { return }
            }
        } catch {
            logger.warning("Claiming notifications failed", metadata: ["error": "\(error)"])
        }
    }
}
