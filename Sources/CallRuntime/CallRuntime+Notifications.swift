import CallStore

/// A call's notifications: the journal, dead letters and sending them again, and handing
/// this node's share to the dispatcher.
extension CallRuntime {
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
        let chosen: [Int64]
        if let sequences { chosen = sequences } else { chosen = try await store.deadDeliveries(limit: 10_000).map(\.sequence) }
        let revived = try await store.revive(sequences: chosen, notBefore: clock.now().millisecondsSinceEpoch)
        await enqueueOwned(revived)
        return revived.map(\.sequence)
    }

    /// Hands the dispatcher the deliveries this node delivers (on a shared store, others
    /// belong to the node delivering their call's notifications, which has been told).
    func enqueueOwned(_ deliveries: [Delivery]) async {
        let mine = nodeId.map { node in deliveries.filter { $0.owner == nil || $0.owner == node } } ?? deliveries
        if !mine.isEmpty { await outbox.enqueue(mine) }
    }
}
