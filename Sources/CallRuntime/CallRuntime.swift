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
    let clock: any WallClock
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
    /// The live calls, as last committed. The store is written only through this runtime,
    /// so the cache never disagrees with it. Calls restored at start are known by their
    /// summary until first used; their state is read from the store then.
    private let machines = Mutex<[String: Slot]>([:])
    /// 1 while stored calls are being restored: every request waits for it to be 0.
    private let restoring = SharedCount()

    /// A live call in the cache.
    private enum Slot {
        case loaded(MachineState)
        /// Restored at start, state not read yet.
        case stored(appId: String, tenantId: String, meetingThreadId: String?)

        func belongs(to caller: CallerApp) -> Bool {
            let (appId, tenantId) = switch self {
            case .loaded(let state): (state.machine.appId, state.machine.tenantId)
            case .stored(let appId, let tenantId, _): (appId, tenantId)
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
        newId: @escaping @Sendable () -> String = { UUID().lowercasedString }
    ) {
        self.callbackPolicy = callbackPolicy
        self.store = store
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
            slots[entry.id] = .stored(appId: entry.appId, tenantId: entry.tenantId, meetingThreadId: summary.meetingThreadId)
            for timer in summary.timers { timersToArm.append((entry.id, timer)) }
        }
        // Calls an older release stored without a summary (after an upgrade, usually all of
        // them): read whole, in one pass.
        for record in unread.isEmpty ? [] : try await store.allCalls() where unread.contains(record.id) {
            do {
                let state = try MachineState.state(in: record)
                slots[record.id] = .loaded(state)
                for timer in state.machine.timers { timersToArm.append((record.id, timer)) }
                unsummarised.append(CallRecord(id: record.id, appId: record.appId, tenantId: record.tenantId, value: state))
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
    /// and not used since; nil when it is not live.
    private func loadedMachine(_ id: String) async throws -> CallMachine? {
        switch machines.withLock({ $0[id] }) {
        case nil:
            return nil
        case .loaded(let state):
            return state.machine
        case .stored:
            guard let record = try await store.call(id: id) else {
                machines.withLock { $0[id] = nil }
                return nil
            }
            let state = try MachineState.state(in: record)
            // Unless a change was committed meanwhile, which is newer.
            return machines.withLock { slots in
                if case .loaded(let newer)? = slots[id] { return newer.machine }
                slots[id] = .loaded(state)
                return state.machine
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
            return try await apply(machine, effects)
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
            try await apply(machine, effects)
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
        await restored()
        guard machines.withLock({ $0[id] })?.belongs(to: caller) == true, let machine = try await loadedMachine(id) else {
            throw CallRuntimeError.callNotFound(id)
        }
        return machine
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
        let (reply, signalled) = try await locks.withLock(id) { () async throws -> (CallReply?, Bool) in
            var machine = try await call(id: id, caller: caller)
            let command = try await plan(actions, machine)
            let effects = try step(&machine, .command(command))
            let signalled = try await apply(machine, effects)
            for case .reply(let reply) in effects { return (reply, signalled) }
            return (nil, signalled)
        }
        if signalled { await applySignals() }
        return reply
    }

    /// Something the far end does in call `id` (a participant hangs up, presses keys).
    public func farEnd(_ input: CallMachine.Input, callId id: String) async throws {
        await restored()
        let signalled = try await locks.withLock(id) { () async throws -> Bool in
            guard var machine = try await loadedMachine(id) else { throw CallRuntimeError.callNotFound(id) }
            let effects = try step(&machine, input)
            return try await apply(machine, effects)
        }
        if signalled { await applySignals() }
    }

    /// Every notification kept for call `id`, with the tries at delivering it (the journal).
    public func journal(callId id: String) async throws -> [(Delivery, [DeliveryAttempt])] {
        await restored()
        return try await store.journal(callId: id)
    }

    /// Notifications whose retries ran out, oldest first.
    public func deadLetters(limit: Int = 10_000) async throws -> [Delivery] {
        try await store.deadDeliveries(limit: limit)
    }

    /// Gives dead-lettered notifications (all, or those `sequences` name) a fresh set of
    /// tries, from now; returns the sequences sent again.
    public func redeliver(sequences: [Int64]?) async throws -> [Int64] {
        let dead = try await store.deadDeliveries(limit: 10_000)
        let chosen = sequences.map { wanted in dead.filter { wanted.contains($0.sequence) } } ?? dead
        let now = clock.now().millisecondsSinceEpoch
        var revived: [Delivery] = []
        for var delivery in chosen {
            try await store.markFailed(sequence: delivery.sequence, attempts: 0, notBefore: now, error: delivery.lastError ?? "", dead: false)
            delivery.status = .pending
            delivery.attempts = 0
            delivery.notBefore = now
            revived.append(delivery)
        }
        if !revived.isEmpty { await outbox.enqueue(revived) }
        return revived.map(\.sequence)
    }

    /// The live calls in the meeting of chat thread `threadId`.
    public func calls(inMeeting threadId: String) async throws -> [String] {
        try await meetingCalls().filter { $0.graphCall.chatInfo?.threadId == threadId }.map(\.id).sorted()
    }

    /// The live calls the bots are in meetings with (an unanswered invitation is not one).
    func meetingCalls() async throws -> [CallMachine] {
        await restored()
        let candidates = machines.withLock { slots in
            slots.compactMap { id, slot -> String? in
                switch slot {
                case .loaded(let state): state.machine.isInMeeting ? id : nil
                case .stored(_, _, let thread): thread == nil ? nil : id
                }
            }
        }
        var calls: [CallMachine] = []
        for id in candidates {
            if let machine = try await loadedMachine(id), machine.isInMeeting { calls.append(machine) }
        }
        return calls
    }

    /// Replaces every live call (a restored snapshot).
    func replaceMachines(_ restored: [String: MachineState]) {
        machines.withLock { $0 = restored.mapValues(Slot.loaded) }
    }

    /// Live call `id` (any application's), as last committed.
    func machine(id: String) async throws -> CallMachine? {
        await restored()
        return try await loadedMachine(id)
    }

    /// Whether call `id` is live (any application's).
    public func isLive(_ id: String) -> Bool {
        machines.withLock { $0[id] != nil }
    }

    /// Back to the world as loaded: every call, timer, signal, recording and notification is
    /// forgotten (the clock stays where it is). Meant for between tests: a request in flight
    /// while it runs may leave its call behind.
    public func reset() async throws {
        await restored()
        try await locks.withLock(Self.signalsKey) {
            try await store.reset()
            await outbox.reset()
            machines.withLock { $0 = [:] }
            timers.reset()
            recordings.reset()
            world.reset()
        }
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

    /// Live calls in memory.
    public var activeCallCount: Int { machines.withLock { $0.count } }

    // MARK: Running the engine

    func timerFired(callId: String, name: CallTimer.Name, generation: Int) async {
        do {
            let signalled = try await locks.withLock(callId) { () async throws -> Bool in
                guard var machine = try await loadedMachine(callId) else { return false }
                let effects = try machine.handle(.timerFired(name, generation: generation), now: clock.now())
                guard !effects.isEmpty else { return false }
                return try await apply(machine, effects)
            }
            if signalled { await applySignals() }
        } catch {
            logger.error("Timer could not be applied", metadata: ["call.id": "\(callId)", "timer": "\(name.kind)", "error": "\(error)"])
        }
    }

    /// The lock key that makes signal delivery one sequence (never a call id: those are GUIDs).
    static let signalsKey = "switchboard.signals"

    /// Applies every committed signal to its call, in order: each consumed in the same
    /// transaction as the change it causes there, so none is lost or applied twice. Called
    /// after the change that sent them is committed (and its call released), and at start.
    func applySignals() async {
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
        try await locks.withLock(signal.callId) {
            guard var machine = try await loadedMachine(signal.callId),
                  let input = try? JSONDecoder().decode(CallSignal.self, from: Data(signal.payload)) else {
                // The call has ended (or the signal is unreadable): nothing to do but consume it.
                _ = try await store.commit(CallChange(consumedSignals: [signal.sequence]))
                return
            }
            let effects = try machine.handle(.signal(input), now: clock.now())
            _ = try await apply(machine, effects, consuming: [signal.sequence])
        }
    }

    /// The bot answered a notification of `callId` with 302 and `url`: the call and every
    /// notification still waiting for it move there, in one commit (an ended call's last
    /// notifications move all the same).
    public func moveCallback(callId: String, to url: String) async throws {
        await restored()
        try await locks.withLock(callId) {
            let retarget = DeliveryRetarget(callId: callId, url: url)
            guard var machine = try await loadedMachine(callId) else {
                _ = try await store.commit(CallChange(retargets: [retarget]))
                return
            }
            machine.moveCallback(to: url)
            try await apply(machine, [], retargeting: [retarget])
        }
    }

    /// Commits the machine, its notifications and the signals it sends in one store
    /// transaction, then updates the cache, the outbox listener and the timers, in that
    /// order. Returns whether it sent signals (for ``applySignals()``, once the call is released).
    @discardableResult
    private func apply(
        _ machine: CallMachine, _ effects: [CallEffect], consuming consumed: [Int64] = [], retargeting retargets: [DeliveryRetarget] = []
    ) async throws -> Bool {
        let id = machine.id
        var change = CallChange(consumedSignals: consumed, retargets: retargets)
        var removed = false
        let state = MachineState(machine)
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
            change.removals.append(id)
        } else {
            change.upserts.append(CallRecord(id: id, appId: machine.appId, tenantId: machine.tenantId, value: state))
        }
        let deliveries = try await store.commit(change)
        machines.withLock { $0[id] = removed ? nil : .loaded(state) }
        if !deliveries.isEmpty { await outbox.enqueue(deliveries) }
        for case .schedule(let timer) in effects { timers.arm(timer, callId: id) }
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
