import Foundation

/// At most `limit` requests in flight to one backend: batch work (evals) waits here instead of flooding a
/// server into 429s. One gate per backend name for the whole process.
public actor ConcurrencyGate {
    private let limit: Int
    private var inFlight = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// A gate letting `limit` callers through at once.
    public init(limit: Int) { self.limit = max(1, limit) }

    /// Waits for a free slot.
    public func acquire() async {
        if inFlight < limit {
            inFlight += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Frees a slot, handing it to the longest waiter.
    public func release() {
        if waiters.isEmpty { inFlight -= 1 } else { waiters.removeFirst().resume() }
    }

    /// How many requests are in flight (for tests and progress lines).
    public var current: Int { inFlight }

    private static let registry = GateRegistry()

    /// The process-wide gate for a backend.
    public static func forBackend(_ name: String, limit: Int) -> ConcurrencyGate { registry.gate(name, limit: limit) }
}

final class GateRegistry: @unchecked Sendable {
    // @unchecked: `gates` is guarded by `lock`.
    private let lock = NSLock()
    private var gates: [String: ConcurrencyGate] = [:]

    func gate(_ name: String, limit: Int) -> ConcurrencyGate {
        lock.lock()
        defer { lock.unlock() }
        if let gate = gates[name] { return gate }
        let gate = ConcurrencyGate(limit: limit)
        gates[name] = gate
        return gate
    }
}
