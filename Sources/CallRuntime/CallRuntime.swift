import CallEngine
import CallStore
import Foundation
import GraphModel
import Logging
import NetworkPolicy
import Synchronization
import World

/// The imperative shell around the engine: serialises each call, runs the engine with the
/// clock's time, commits the new state together with the notifications it caused, then
/// hands the notifications to the outbox listener and arms the timers.
public final class CallRuntime: Sendable {
    let store: any CallStore
    public let clock: any WallClock
    let outbox: any OutboxListener
    private let logger: Logger
    private let newId: @Sendable () -> String
    private let prompts: any PromptDurations
    private let callbackPolicy: CallbackAddressPolicy
    /// Plans the bot's actions (validation, ids, the world's answers), on the world as it is
    /// now: each request reads the world once.
    public var actions: ActionPlanner { ActionPlanner(world: world.current, newId: newId, prompts: prompts, callbackPolicy: callbackPolicy) }
    /// Plans created calls and meeting entries, likewise.
    var planner: CallPlanner {
        let actions = actions
        return CallPlanner(world: actions.world, newId: newId, actions: actions)
    }
    /// Plans incoming calls, likewise.
    private var incoming: IncomingCallPlanner {
        let actions = actions
        return IncomingCallPlanner(world: actions.world, newId: newId, actions: actions)
    }
    /// The world now: as loaded, with the control API's changes.
    public let world: WorldState
    /// Recordings made by recordResponse, for `GET recordingLocation`.
    public let recordings = RecordingVault()
    let locks = KeyedLock()
    /// Whether other nodes write the same store (PostgreSQL): then a call's state is read
    /// from the store each time it is used, and every commit is checked against the version
    /// it was made from (a lost race is run again on what the winner committed).
    let shared: Bool
    /// This node, on a shared store: it hands the dispatcher only the notifications it owns.
    let nodeId: String?
    /// The live calls, as last committed. On a store of its own the store is written only
    /// through this runtime, so the cache never disagrees with it. Calls restored at start
    /// are known by their summary until first used; their state is read from the store then.
    let machines = Mutex<[String: Slot]>([:])
    /// 1 while stored calls are being restored: every request waits for it to be 0.
    private let restoring = SharedCount()
    /// Told of every change this node commits (the inspector, metrics).
    let observers = Mutex<[@Sendable (CallUpdate) -> Void]>([])
    /// Told when everything is forgotten (a reset or a restored snapshot, here or on another node).
    let forgetters = Mutex<[@Sendable () -> Void]>([])

    /// A live call in the cache.
    enum Slot {
        case loaded(MachineState)
        /// Restored at start, state not read yet.
        case stored(appId: String, tenantId: String, meetingThreadId: String?, state: CallState?)

        func belongs(to caller: CallerApp) -> Bool {
            let (appId, tenantId) = switch self {
            case .loaded(let state): (state.machine.appId, state.machine.tenantId)
            case .stored(let appId, let tenantId, _, _): (appId, tenantId)
            }
            return appId.lowercased() == caller.appId.lowercased() && tenantId.lowercased() == caller.tenantId.lowercased()
        }
    }
    /// Fires the timers; run it in the service group.
    public let timers: TimerService
    private let timerSink: TimerSink

    public init(
        store: any CallStore, world: World, clock: any WallClock, outbox: any OutboxListener,
        logger: Logger = Logger(label: "switchboard.runtime"),
        prompts: any PromptDurations = FixedPromptDurations(),
        timerMode: TimerService.Mode = .automatic,
        callbackPolicy: CallbackAddressPolicy = .init(),
        newId: @escaping @Sendable () -> String = { UUID.random().lowercasedString }
    ) {
        self.callbackPolicy = callbackPolicy
        self.store = store
        nodeId = (store as? any SharedCallStore)?.nodeId
        shared = nodeId != nil
        self.clock = clock
        self.outbox = outbox
        self.logger = logger
        self.world = WorldState(world)
        self.newId = newId
        self.prompts = prompts
        let sink = TimerSink()
        timerSink = sink
        timers = TimerService(clock: clock, mode: timerMode) { callId, name, generation in
            await sink.runtime?.timerFired(callId: callId, name: name, generation: generation)
        }
        sink.runtime = self
    }

    /// Makes every request wait until ``restore()`` has run: for a caller that restores in
    /// the background (``RestoreService``) while the server already answers.
    public func holdUntilRestored() {
        restoring.set(1)
    }

    /// Requests waiting for the restore to finish.
    public var waitingForRestore: Int { restoring.waiting }

    /// Waits while stored calls are being restored.
    func restored() async {
        await restoring.wait(untilAtMost: 0)
    }

    /// Re-arms every stored call's timers from its summary (timers that came due while the
    /// server was down fire at once); states are read when each call is next used. Calls
    /// stored without a summary (by an older release) are read whole. Call once at start.
    public func restore() async throws {
        defer { restoring.set(0) }
        if shared {
            // Nothing to keep: states are read when used, and the cluster service fires the
            // timers other nodes left behind.
            await applySignals()
            return
        }
        let started = ContinuousClock.now
        let summaries = try await store.callSummaries()
        var slots: [String: Slot] = [:]
        var timersToArm: [(String, CallTimer)] = []
        var unsummarised: [CallRecord] = []
        var unread: Set<String> = []
        slots.reserveCapacity(summaries.count)
        for entry in summaries {
            guard let bytes = entry.summary, let summary = MachineSummary(parsing: bytes) else {
                unread.insert(entry.id)
                continue
            }
            slots[entry.id] = .stored(appId: entry.appId, tenantId: entry.tenantId, meetingThreadId: summary.meetingThreadId, state: summary.state)
            for timer in summary.timers { timersToArm.append((entry.id, timer)) }
        }
        // Calls an older release stored without a summary (after an upgrade, usually all of
        // them): read whole, in one pass.
        for record in unread.isEmpty ? [] : try await store.allCalls() where unread.contains(record.id) {
            do {
                let read = try MachineState.state(in: record)
                let state = MachineState(read.machine, version: read.version + 1)
                slots[record.id] = .loaded(state)
                for timer in state.machine.timers { timersToArm.append((record.id, timer)) }
                unsummarised.append(CallRecord(id: record.id, appId: record.appId, tenantId: record.tenantId, value: state, version: read.version))
            } catch {
                logger.error("Stored call state could not be read; call left out", metadata: ["call.id": "\(record.id)", "error": "\(error)"])
            }
        }
        // Written back with their summaries, so the next start reads them quickly too.
        for start in stride(from: 0, to: unsummarised.count, by: 500) {
            _ = try await store.commit(CallChange(upserts: Array(unsummarised[start..<min(start + 500, unsummarised.count)])))
        }
        machines.withLock { $0.merge(slots) { _, new in new } }
        timers.arm(timersToArm)
        logger.info("Calls restored", metadata: ["calls": "\(slots.count)", "ms": "\(started.duration(to: .now).milliseconds)"])
        // Signals committed before a stop but not yet applied.
        await applySignals()
    }

    /// Live call `id` as last committed, its state read from the store if it was restored
    /// and not used since (or always, on a shared store); nil when it is not live.
    func loadedState(_ id: String) async throws -> MachineState? {
        if shared {
            return try await store.call(id: id).map(MachineState.state(in:))
        }
        switch machines.withLock({ $0[id] }) {
        case nil:
            return nil
        case .loaded(let state)?:
            return state
        case .stored?:
            guard let record = try await store.call(id: id) else {
                machines.withLock { $0[id] = nil }
                return nil
            }
            let state = try MachineState.state(in: record)
            // Unless a newer change was committed meanwhile.
            return machines.withLock { slots in
                if case .loaded(let newer)? = slots[id], newer.version >= state.version { return newer }
                slots[id] = .loaded(state)
                return state
            }
        }
    }

    /// Runs `body` with call `id` held; when its commit loses a race with another node
    /// (``CallStoreError/conflict(_:)``), runs it again on what the winner committed.
    private func holding<Result: Sendable>(_ id: String, _ body: () async throws -> Result) async throws -> Result {
        var tries = 0
        while true {
            do {
                return try await locks.withLock(id) { try await body() }
            } catch CallStoreError.conflict(let reason) where tries < Self.conflictRetries {
                tries += 1
                logger.debug("Commit lost a race; running it again", metadata: ["call.id": "\(id)", "reason": "\(reason)"])
                forget(id)
            }
        }
    }

    /// How many times a change that lost a race is run again before the error is reported.
    static let conflictRetries = 8

    /// Drops call `id`'s cached state: it is read from the store when next used.
    private func forget(_ id: String) {
        machines.withLock { slots in
            if case .loaded(let state)? = slots[id] {
                slots[id] = .stored(
                    appId: state.machine.appId, tenantId: state.machine.tenantId, meetingThreadId: state.machine.graphCall.chatInfo?.threadId,
                    state: state.machine.state
                )
            }
        }
    }

    // MARK: Commands

    /// Places an outgoing call for `caller`; returns the call as the 201 response shows it.
    public func placeCall(_ request: Call, caller: CallerApp, profile: GraphWireProfile) async throws -> Call {
        await restored()
        // Calls in meetings, for a join to find the bots already there.
        let inMeetings = request.meetingInfo == nil ? [] : try await meetingCalls()
        let plan = try planner.plan(request, caller: caller, profile: profile, meetingCalls: inMeetings)
        let id = plan.call.id ?? ""
        let signalled = try await locks.withLock(id) { () async throws -> Bool in
            let (machine, effects) = CallMachine.placeOutgoing(plan, now: clock.now())
            return try await apply(machine, effects, from: 0)
        }
        if signalled { await applySignals() }
        return plan.call
    }

    /// Someone in the world calls a bot: the call is announced at the bot's webhook (or the
    /// request's callbackUri). Returns the call's id.
    public func receiveIncoming(_ request: IncomingCallRequest) async throws -> String {
        await restored()
        let plan = try incoming.plan(request)
        let id = plan.call.id ?? ""
        try await locks.withLock(id) {
            let (machine, effects) = CallMachine.receiveIncoming(plan, now: clock.now())
            try await apply(machine, effects, from: 0)
        }
        return id
    }

    /// `answer`: for a meeting's invitation, the bot enters the meeting as it is now.
    public func answer(id: String, caller: CallerApp, _ request: AnswerRequest) async throws -> CallReply? {
        try await perform(id: id, caller: caller) { actions, machine in
            let command = try actions.answer(request, caller: caller)
            guard case .answer(var plan) = command, machine.kind == .meeting,
                  let meeting = machine.graphCall.chatInfo?.threadId.flatMap(actions.world.meeting(threadId:)) else { return command }
            let planner = CallPlanner(world: actions.world, newId: self.newId, actions: actions)
            plan.conference = planner.conference(meeting, meetingCalls: try await self.meetingCalls(), modalities: plan.acceptedModalities)
            return .answer(plan)
        }
    }

    /// The call `id` as `caller` may see it: another application's call, or its own call in
    /// another tenant, does not exist for it (404, exactly as for an unknown id).
    public func call(id: String, caller: CallerApp) async throws -> CallMachine {
        try await callState(id: id, caller: caller).machine
    }

    /// The call `id` as `caller` may see it, with its version.
    private func callState(id: String, caller: CallerApp) async throws -> MachineState {
        await restored()
        guard shared || machines.withLock({ $0[id] })?.belongs(to: caller) == true, let state = try await loadedState(id),
              Slot.loaded(state).belongs(to: caller) else {
            throw CallRuntimeError.callNotFound(id)
        }
        return state
    }

    /// Hangs up the bot's leg (`DELETE`).
    public func hangUp(id: String, caller: CallerApp) async throws {
        _ = try await perform(id: id, caller: caller) { _, _ in .hangUp }
    }

    /// Resets the keepAlive window.
    public func keepAlive(id: String, caller: CallerApp) async throws {
        _ = try await perform(id: id, caller: caller) { _, _ in .keepAlive }
    }

    /// Runs a bot's action on call `id`: `plan` turns the request into a command while the
    /// call is held (so it sees the call as it is), the engine handles it, and the change is
    /// committed with its notifications before the reply is returned.
    public func perform(
        id: String, caller: CallerApp,
        _ plan: @Sendable (ActionPlanner, CallMachine) async throws -> CallCommand
    ) async throws -> CallReply? {
        let (reply, signalled) = try await holding(id) { () async throws -> (CallReply?, Bool) in
            let state = try await callState(id: id, caller: caller)
            var machine = state.machine
            let command = try await plan(actions, machine)
            let effects = try step(&machine, .command(command))
            let signalled = try await apply(machine, effects, from: state.version)
            for case .reply(let reply) in effects { return (reply, signalled) }
            return (nil, signalled)
        }
        if signalled { await applySignals() }
        return reply
    }

    /// Something the far end does in call `id` (a participant hangs up, presses keys).
    public func farEnd(_ input: CallMachine.Input, callId id: String) async throws {
        await restored()
        let signalled = try await holding(id) { () async throws -> Bool in
            guard let state = try await loadedState(id) else { throw CallRuntimeError.callNotFound(id) }
            var machine = state.machine
            let effects = try step(&machine, input)
            return try await apply(machine, effects, from: state.version)
        }
        if signalled { await applySignals() }
    }

    /// The live calls in the meeting of chat thread `threadId`.
    public func calls(inMeeting threadId: String) async throws -> [String] {
        try await meetingCalls().filter { $0.graphCall.chatInfo?.threadId == threadId }.map(\.id).sorted()
    }

    /// The live calls the bots are in meetings with (an unanswered invitation is not one).
    func meetingCalls() async throws -> [CallMachine] {
        await restored()
        // On a shared store, the calls any node holds (read from their summaries).
        let candidates = shared ? try await store.callSummaries().compactMap { entry in
            entry.summary.flatMap(MachineSummary.init(parsing:))?.meetingThreadId == nil ? nil : entry.id
        } : machines.withLock { slots in
            slots.compactMap { id, slot -> String? in
                switch slot {
                case .loaded(let state): state.machine.isInMeeting ? id : nil
                case .stored(_, _, let thread, _): thread == nil ? nil : id
                }
            }
        }
        var calls: [CallMachine] = []
        for id in candidates {
            if let machine = try await loadedState(id)?.machine, machine.isInMeeting { calls.append(machine) }
        }
        return calls
    }

    /// Replaces every live call (a restored snapshot).
    func replaceMachines(_ restored: [String: MachineState]) {
        machines.withLock { $0 = restored.mapValues(Slot.loaded) }
    }

    /// Live call `id` (any application's), as last committed.
    public func machine(id: String) async throws -> CallMachine? {
        await restored()
        return try await loadedState(id)?.machine
    }

    /// Back to the world as loaded: every call, timer, signal, recording and notification is
    /// forgotten (the clock stays where it is). Meant for between tests: a request in flight
    /// while it runs may leave its call behind.
    public func reset() async throws {
        await restored()
        try await locks.withLock(Self.signalsKey) {
            try await store.reset()
            await forgetEverything()
        }
        // The other nodes forget what they had in hand too, and the world's changes.
        try await shareWorld(resetting: true)
    }

    /// What this node holds besides the store (notifications in hand, timers, recordings,
    /// the world's changes) is forgotten: the store was reset, here or by another node.
    public func forgetEverything() async {
        await outbox.reset()
        machines.withLock { $0 = [:] }
        timers.reset()
        recordings.reset()
        world.reset()
        forgotten()
    }

    /// Runs `input` through `machine` at the clock's time; the engine's refusals become the
    /// runtime's.
    private func step(_ machine: inout CallMachine, _ input: CallMachine.Input) throws(CallRuntimeError) -> [CallEffect] {
        do {
            return try machine.handle(input, now: clock.now())
        } catch {
            throw .engine(error)
        }
    }

    // MARK: Running the engine

    func timerFired(callId: String, name: CallTimer.Name, generation: Int) async {
        do {
            let signalled = try await holding(callId) { () async throws -> Bool in
                guard let state = try await loadedState(callId) else { return false }
                var machine = state.machine
                let effects = try machine.handle(.timerFired(name, generation: generation), now: clock.now())
                guard !effects.isEmpty else { return false }
                return try await apply(machine, effects, from: state.version)
            }
            if signalled { await applySignals() }
        } catch {
            logger.error("Timer could not be applied", metadata: ["call.id": "\(callId)", "timer": "\(name.kind)", "error": "\(error)"])
        }
    }

    /// On a shared store, fires the timers due by `dueBy` of every call no other node has
    /// claimed (a lost node's, or another node's when the manual clock moves here), each call
    /// claimed for `lease`.
    public func fireStoredTimers(dueBy: Timestamp, lease: Duration) async throws {
        guard let shared = store as? any SharedCallStore else { return }
        while true {
            let calls = try await shared.claimOverdueCalls(dueBy: dueBy.millisecondsSinceEpoch, lease: lease, limit: 500)
            for callId in calls { await fireDueTimers(callId: callId) }
            if calls.count < 500 { return }
        }
    }

    /// Fires call `callId`'s timers that are due, in time order; each one that still stands
    /// runs as if it had fired here.
    private func fireDueTimers(callId: String) async {
        await restored()
        let now = clock.now()
        guard let state = try? await loadedState(callId) else { return }
        for timer in state.machine.timers.filter({ $0.due <= now }).sorted(by: { $0.due < $1.due }) {
            await timerFired(callId: callId, name: timer.name, generation: timer.generation)
        }
    }

    /// The lock key that makes signal delivery one sequence (never a call id: those are GUIDs).
    static let signalsKey = "switchboard.signals"

    /// Applies every committed signal to its call, in order: each consumed in the same
    /// transaction as the change it causes there, so none is lost or applied twice. Called
    /// after the change that sent them is committed (and its call released), and at start.
    public func applySignals() async {
        do {
            try await locks.withLock(Self.signalsKey) {
                while true {
                    let pending = try await store.pendingSignals(limit: 100)
                    if pending.isEmpty { return }
                    for signal in pending { try await apply(signal) }
                }
            }
        } catch {
            logger.error("Signals could not be applied", metadata: ["error": "\(error)"])
        }
    }

    private func apply(_ signal: Signal) async throws {
        do {
            try await holding(signal.callId) {
                guard let state = try await loadedState(signal.callId),
                      let input = try? JSONDecoder().decode(CallSignal.self, from: Data(signal.payload)) else {
                    // The call has ended (or the signal is unreadable): nothing to do but consume it.
                    _ = try await store.commit(CallChange(consumedSignals: [signal.sequence]))
                    return
                }
                var machine = state.machine
                let effects = try machine.handle(.signal(input), now: clock.now())
                _ = try await apply(machine, effects, from: state.version, consuming: [signal.sequence])
            }
        } catch CallStoreError.conflict where shared {
            // Another node applied it (every retry found it consumed).
            logger.debug("Signal applied elsewhere", metadata: ["signal": "\(signal.sequence)"])
        }
    }

    /// The bot answered a notification of `callId` with 302 and `url`: the call and every
    /// notification still waiting for it move there, in one commit (an ended call's last
    /// notifications move all the same).
    public func moveCallback(callId: String, to url: String) async throws {
        await restored()
        try await holding(callId) {
            let retarget = DeliveryRetarget(callId: callId, url: url)
            guard let state = try await loadedState(callId) else {
                _ = try await store.commit(CallChange(retargets: [retarget]))
                return
            }
            var machine = state.machine
            machine.moveCallback(to: url)
            try await apply(machine, [], from: state.version, retargeting: [retarget])
        }
    }

    /// Commits the machine (made from `version`, 0 for a new call), its notifications and
    /// the signals it sends in one store transaction, then updates the cache, the outbox
    /// listener and the timers, in that order. Returns whether it sent signals (for
    /// ``applySignals()``, once the call is released).
    @discardableResult
    private func apply(
        _ machine: CallMachine, _ effects: [CallEffect], from version: Int64,
        consuming consumed: [Int64] = [], retargeting retargets: [DeliveryRetarget] = []
    ) async throws -> Bool {
        let id = machine.id
        var change = CallChange(consumedSignals: consumed, retargets: retargets)
        var removed = false
        let state = MachineState(machine, version: version + 1)
        let encoder = GraphJSON.encoder(machine.profile)
        for effect in effects {
            switch effect {
            case .notify(let notification):
                let body = try encoder.encode(CommsNotifications(value: [notification]))
                change.deliveries.append(NewDelivery(
                    callId: id, appId: machine.appId, tenantId: machine.tenantId,
                    url: notification.callbackUri ?? machine.callbackUri, body: Array(body),
                    createdAt: clock.now().millisecondsSinceEpoch
                ))
            case .signal(let callId, let signal):
                change.signals.append(NewSignal(callId: callId, payload: Array(try JSONEncoder().encode(signal))))
            case .recordingReady(let operationId, let recording):
                recordings.keep(operationId: operationId, plan: recording)
            case .remove:
                removed = true
            case .schedule, .cancel, .reply:
                break
            }
        }
        if removed {
            // A call that ended as it was placed was never stored.
            if version > 0 { change.removals.append(CallRemoval(id: id, version: version)) }
        } else {
            change.upserts.append(CallRecord(id: id, appId: machine.appId, tenantId: machine.tenantId, value: state, version: version))
        }
        let deliveries = try await store.commit(change)
        // On a shared store nothing is kept: the next use reads what is stored then.
        if !shared { machines.withLock { $0[id] = removed ? nil : .loaded(state) } }
        // On a shared store, another node may be delivering this call's notifications: it
        // has been told, and takes these too, in order.
        await enqueueOwned(deliveries)
        for case .schedule(let timer) in effects { timers.arm(timer, callId: id) }
        let update = CallUpdate(machine: machine, ended: removed, at: clock.now())
        for observer in observers.withLock({ $0 }) { observer(update) }
        return !change.signals.isEmpty
    }

}

/// Lets the timer service call back into the runtime that owns it.
private final class TimerSink: Sendable {
    private let box = Mutex<CallRuntime?>(nil)
    var runtime: CallRuntime? {
        get { box.withLock { $0 } }
        set { box.withLock { $0 = newValue } }
    }
}
