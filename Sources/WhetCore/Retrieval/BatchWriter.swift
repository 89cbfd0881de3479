import Foundation

/// Commits an update's batches on a thread of their own, in the order they are handed over, while the next
/// files are read: the store's writes (and the in-memory index's additions) run beside the readers instead
/// of after them. At most `depth` batches wait, so memory stays bounded. Each batch is still one transaction
/// and they commit one after another, so a killed process leaves what it always left: the batches committed
/// so far, whole. After a failure nothing more is committed, and the failure is thrown to whoever hands over
/// the next batch or waits for the rest.
final class BatchWriter: @unchecked Sendable {
    // @unchecked: `failure` and `busySeconds` are guarded by `lock`; `index` serialises its own access.
    private let index: LexicalIndex
    private let queue = DispatchQueue(label: "whet.index.batches")
    private let group = DispatchGroup()
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var failure: (any Error)?
    private var busySeconds = 0.0

    /// A writer into `index` holding at most `depth` batches not yet committed.
    init(index: LexicalIndex, depth: Int = 2) {
        self.index = index
        slots = DispatchSemaphore(value: max(1, depth))
    }

    /// Queues `batch` for commit after the ones handed over before it; waits while `depth` are queued.
    /// Throws the failure of an earlier batch, if one failed.
    func submit(_ batch: LexicalIndex.Batch) throws {
        try rethrowFailure()
        guard batch.count > 0 else { return }
        slots.wait()
        queue.async(group: group) { [self] in
            defer { slots.signal() }
            guard lock.withLock({ failure == nil }) else { return }
            let started = Date()
            do {
                try index.apply(batch)
            } catch {
                lock.withLock { failure = error }
            }
            let elapsed = Date().timeIntervalSince(started)
            lock.withLock { busySeconds += elapsed }
        }
    }

    /// Waits until every batch handed over is committed; throws the first failure. Returns the seconds the
    /// writer spent committing (beside the readers, so not added to the wall-clock time).
    func drain() throws -> Double {
        group.wait()
        try rethrowFailure()
        return lock.withLock { busySeconds }
    }

    private func rethrowFailure() throws {
        if let failure = lock.withLock({ failure }) { throw failure }
    }
}
