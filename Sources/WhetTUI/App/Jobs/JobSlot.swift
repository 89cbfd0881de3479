import Foundation

/// Where one kind of background work runs (the run, a search, the eval …): at most one job at a time.
///
/// Starting a job in a slot drops the one it supersedes: its task is cancelled and whatever it still posts is
/// ignored, because every update carries the generation it was started in and only the slot's current
/// generation is applied. Nothing outside the slot keeps a staleness rule. `cancel` asks the job to stop but
/// keeps its completion (a cancelled run is still recorded, with its partial answer); `drop` forgets it.
@MainActor
public final class JobSlot {
    /// What the slot runs, for tests and logs (`run`, `search`).
    public let name: String
    /// Bumped by every start and drop: updates from an older generation are stale.
    public private(set) var generation = 0
    private var task: Task<Void, Never>?
    private let queue: EventQueue

    init(_ name: String, queue: EventQueue) {
        self.name = name
        self.queue = queue
    }

    /// Whether a job is running (started and its completion not yet applied).
    public var isBusy: Bool { task != nil }

    /// Starts `work` off the main actor, dropping the job it supersedes. What `work` reports goes through its
    /// `JobPort`; its last word is `port.finish { … }`, applied on the main actor next to where it started.
    @discardableResult
    func start(_ work: @escaping @Sendable (JobPort) async -> Void) -> JobHandle {
        drop()
        let port = JobPort(queue: queue, slot: self, generation: generation)
        task = Task.detached {
            await work(port)
            // A job that ended without its last word still frees the slot (a second `finish` changes nothing).
            port.finish {}
        }
        return JobHandle(slot: self, generation: generation)
    }

    /// Waits until the running job's work is done (its completion is then queued for the loop to apply).
    public func settled() async { await task?.value }

    /// Asks the running job to stop; what it reports on the way out (a cancelled run's record) still applies.
    func cancel() { task?.cancel() }

    /// Cancels the running job and ignores anything it still reports.
    func drop() {
        task?.cancel()
        task = nil
        generation += 1
    }

    /// Whether an update from `generation` is still wanted (the slot was not restarted or dropped since).
    func isCurrent(_ generation: Int) -> Bool { generation == self.generation }

    /// A port for what keeps reporting after the job that set it up finished (a store's change notices):
    /// its updates apply until the slot is started again or dropped.
    func listen() -> JobPort { JobPort(queue: queue, slot: self, generation: generation) }

    /// The job of `generation` ended: the slot is free again.
    func finished(_ generation: Int) {
        if generation == self.generation { task = nil }
    }
}

/// A started job, as its starter holds it: enough to cancel it or to tell whether it is still the slot's.
@MainActor
public struct JobHandle {
    let slot: JobSlot
    let generation: Int

    /// Whether this job is still running in its slot (not finished, not superseded).
    public var isRunning: Bool { slot.isCurrent(generation) && slot.isBusy }

    /// Asks the job to stop (its completion still applies).
    public func cancel() { if isRunning { slot.cancel() } }
}

/// What a running job reports through: updates and its completion, applied on the main actor by the loop
/// while the job is its slot's current one.
struct JobPort: Sendable {
    let queue: EventQueue
    let slot: JobSlot
    let generation: Int

    /// An update on the way (progress, a retry note), applied if the job is still current.
    func post(_ update: @escaping @MainActor @Sendable () -> Void) {
        queue.post(.update(slot, generation, update, finishes: false))
    }

    /// Streamed text, joined with the text posted just before it until the loop takes it.
    func stream(_ text: String, _ apply: @escaping @MainActor @Sendable (String) -> Void) {
        queue.post(.text(slot, generation, text, apply))
    }

    /// The job's last word: the slot is freed, then `completion` applies (if the job was not superseded).
    func finish(_ completion: @escaping @MainActor @Sendable () -> Void) {
        queue.post(.update(slot, generation, completion, finishes: true))
    }
}

/// Every job slot of the workbench, so quitting can cancel them all in one place.
@MainActor
final class Jobs {
    let queue = EventQueue()
    private var slots: [JobSlot] = []

    /// A new slot, cancelled with the others on quit.
    func slot(_ name: String) -> JobSlot {
        let slot = JobSlot(name, queue: queue)
        slots.append(slot)
        return slot
    }

    /// Whether any job is running (tests wait for quiet).
    var anyBusy: Bool { slots.contains(where: \.isBusy) }

    /// Cancels every job: an eval stops between cells (it resumes next time), searches and embeddings are
    /// dropped, a run is recorded as cancelled.
    func cancelAll() { for slot in slots { slot.cancel() } }

    /// Applies what jobs reported since the last call, oldest first; returns true when anything arrived.
    func applyPending() -> Bool {
        let pending = queue.drain()
        for event in pending {
            switch event {
            case .update(let slot, let generation, let apply, let finishes):
                guard slot.isCurrent(generation) else { continue }
                if finishes { slot.finished(generation) }
                apply()
            case .text(let slot, let generation, let text, let apply):
                guard slot.isCurrent(generation) else { continue }
                apply(text)
            }
        }
        return !pending.isEmpty
    }
}

extension Result where Failure == any Error {
    /// The outcome of async work that may throw, as a value a job hands to its completion.
    init(awaiting body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
