import Synchronization

/// Serialises work per key: at most one body runs for a key at a time, in arrival order;
/// different keys run concurrently. How the runtime makes each call a sequential machine,
/// and how a store backend keeps one transaction from interleaving with another across
/// its suspension points (actor reentrancy would allow it).
public final class KeyedLock: Sendable {
    private let holders = Mutex<[String: [CheckedContinuation<Void, Never>]]>([:])

    public init() {}

    public func withLock<T: Sendable>(
        _ key: String, isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> T
    ) async throws -> T {
        await acquire(key)
        defer { release(key) }
        return try await body()
    }

    private func acquire(_ key: String) async {
        // Uncontended (the usual case): taken without suspending the task.
        let free = holders.withLock { holders -> Bool in
            guard holders[key] == nil else { return false }
            holders[key] = []
            return true
        }
        if free { return }
        await withCheckedContinuation { continuation in
            let acquired = holders.withLock { holders -> Bool in
                if holders[key] == nil {
                    holders[key] = []
                    return true
                }
                holders[key]!.append(continuation)
                return false
            }
            if acquired { continuation.resume() }
        }
    }

    private func release(_ key: String) {
        let next = holders.withLock { holders -> CheckedContinuation<Void, Never>? in
            guard var waiters = holders[key], !waiters.isEmpty else {
                holders[key] = nil
                return nil
            }
            let next = waiters.removeFirst()
            holders[key] = waiters
            return next
        }
        next?.resume()
    }
}
