import Foundation
import WhetCore

#if canImport(Glibc)
    import Glibc
#endif

/// What background work reports to the workbench. Runs, evals, searches, embeddings and dataset checks all
/// send these into one `EventQueue`; the loop applies them on the main actor between keys, so state only ever
/// changes in one place and one order.
public enum WorkbenchEvent: Sendable {
    /// Streamed text of the running run, and when its first piece arrived.
    case runOutput(String, firstAt: Date)
    /// The run's request is retried; the note says when and why.
    case runRetrying(String)
    /// The run ended and was recorded (or could not be).
    case runFinished(Result<RunRecord, any Error>)
    /// An eval started with `:eval` moved on (`eval 3/16`, or what it waits for).
    case evalProgress(String)
    /// That eval finished (the note about cases for other prompts included), or failed.
    case evalFinished(Result<(EvalJob.Outcome, String?), any Error>)
    /// An optimisation started with `:optimize` moved on (the candidate being scored).
    case optimizeProgress(String)
    /// That optimisation ended with what it found, or failed.
    case optimizeFinished(Result<OptimizeOutcome, any Error>)
    /// A search that calls a model or an embedder finished; `generation` tells a stale one from the latest.
    case searchFinished(generation: Int, Result<RetrievalOutcome, any Error>)
    /// Chunk embeddings are up to date (nil: no embedder), with what it cost.
    case denseOpened(Result<(DenseRetriever, DenseRetriever.Report)?, any Error>)
    /// The fine-tuning dataset `:finetune` gathered.
    case datasetPrepared(Result<FineTuningExporter.Prepared, any Error>)
    /// The shared store's index, opened in the background (or why it could not be).
    case sharedIndexOpened(Result<LexicalIndex, any Error>)
    /// Another process committed to the shared store (its NOTIFY): the context is searched again.
    case storeChanged(generation: Int)
    /// What was loaded after the first frame: the eval case count and the advisor's reading.
    case startupLoaded(evalCaseCount: Int, advice: Advice?)
}

/// The one queue background work posts into. Consecutive pieces of streamed text are joined as they arrive,
/// so a fast stream costs one string per frame, not one event per token.
///
/// Posting also writes a byte to a pipe (`wakeDescriptor`) the terminal loop waits on beside the keyboard, so
/// an idle workbench sleeps until a key or a job's event arrives instead of waking to look.
final class EventQueue: @unchecked Sendable {
    // @unchecked: `events` is only touched under `lock`; the pipe's descriptors never change after init.
    private let lock = NSLock()
    private var events: [WorkbenchEvent] = []
    private let pipeDescriptors: (read: Int32, write: Int32)?

    init() {
        var descriptors: [Int32] = [-1, -1]
        if pipe(&descriptors) == 0 {
            for descriptor in descriptors {
                _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
                _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            }
            pipeDescriptors = (descriptors[0], descriptors[1])
        } else {
            pipeDescriptors = nil
        }
    }

    deinit {
        if let pipeDescriptors {
            close(pipeDescriptors.read)
            close(pipeDescriptors.write)
        }
    }

    /// What the loop polls to wake on an event (nil: no pipe could be made; the loop then times out).
    var wakeDescriptor: Int32? { pipeDescriptors?.read }

    /// Adds an event (from any task).
    func post(_ event: WorkbenchEvent) {
        lock.lock()
        if case .runOutput(let text, _) = event, case .runOutput(let earlier, let firstAt)? = events.last {
            events[events.count - 1] = .runOutput(earlier + text, firstAt: firstAt)
        } else {
            events.append(event)
        }
        lock.unlock()
        if let pipeDescriptors {
            var byte: UInt8 = 1
            // A full pipe already holds a wake-up; the byte is not needed then.
            _ = write(pipeDescriptors.write, &byte, 1)
        }
    }

    /// Takes every event posted since the last call, oldest first.
    func drain() -> [WorkbenchEvent] {
        if let pipeDescriptors {
            var buffer = [UInt8](repeating: 0, count: 256)
            while read(pipeDescriptors.read, &buffer, buffer.count) > 0 {}
        }
        lock.lock()
        defer { lock.unlock() }
        let taken = events
        events = []
        return taken
    }
}
