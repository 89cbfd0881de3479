import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// What a job reports: an update (progress, or its completion, which frees its slot) or a piece of streamed
/// text. Each carries the slot and the generation it was started in, so a superseded job's words are dropped.
enum JobEvent: Sendable {
    case update(JobSlot, Int, @MainActor @Sendable () -> Void, finishes: Bool)
    case text(JobSlot, Int, String, @MainActor @Sendable (String) -> Void)
}

/// The one queue background work posts into. Consecutive pieces of one job's streamed text are joined as they
/// arrive, so a fast stream costs one string per frame, not one event per token.
///
/// Posting also writes a byte to a pipe (`wakeDescriptor`) the terminal loop waits on beside the keyboard, so
/// an idle workbench sleeps until a key or a job's event arrives instead of waking to look.
final class EventQueue: @unchecked Sendable {
    // @unchecked: `events` is only touched under `lock`; the pipe's descriptors never change after init.
    private let lock = NSLock()
    private var events: [JobEvent] = []
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
    func post(_ event: JobEvent) {
        lock.lock()
        if case .text(let slot, let generation, let text, _) = event,
            case .text(let lastSlot, let lastGeneration, let earlier, let firstApply)? = events.last,
            lastSlot === slot, lastGeneration == generation
        {
            // The first piece's handler is kept: it knows when the text began to arrive.
            events[events.count - 1] = .text(slot, generation, earlier + text, firstApply)
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
    func drain() -> [JobEvent] {
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
