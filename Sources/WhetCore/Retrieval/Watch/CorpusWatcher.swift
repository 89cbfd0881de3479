import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Keeps a workspace's corpus journal (`CorpusJournal`) while it runs, so that every search, in this process
/// or another, compares only what changed instead of `stat`ing every file: `whet index --watch` and the
/// workbench run one. One process per workspace watches (a lock says which); the others read its journal.
///
/// The watch runs on a thread of its own. It sets kernel watches on every directory of the corpus, compares
/// the corpus with the last update's record once (in the background: a `stat` per file), then journals what
/// the kernel reports and answers readers' cookies. When it can no longer vouch for what it saw (the
/// kernel's event queue overflowed, the corpus went away) it says so in the journal and starts again, and
/// readers compare file by file meanwhile.
public final class CorpusWatcher: @unchecked Sendable {
    // @unchecked: `stateValue` and `changes` are guarded by `lock`; the rest is set before the thread starts.

    /// What the watch is doing, for a status line.
    public enum State: Sendable, Equatable {
        /// Setting its watches and comparing the corpus with the record.
        case starting
        /// Journalling changes to this many directories.
        case watching(directories: Int)
        /// Another process watches this workspace (its journal serves this one too).
        case elsewhere(String)
        /// The corpus cannot be watched here, and why; searches compare it file by file.
        case unavailable(String)
        /// Stopped.
        case stopped
    }

    private let lock = NSLock()
    private var stateValue = State.starting
    private var changes = 0
    private let workspace: Workspace
    private let location: CorpusJournal.Location
    private let onChange: (@Sendable () -> Void)?
    /// Written to stop the thread.
    private let wake: (read: Int32, write: Int32)

    /// What the watch is doing now.
    public var state: State { lock.withLock { stateValue } }

    /// How many changed paths the watch has journalled since it started: a caller that remembers the
    /// number knows whether anything moved since.
    public var changesSeen: Int { lock.withLock { changes } }

    /// Starts watching `workspace`'s corpus; `onChange` is called on the watch's thread after each batch of
    /// changes it journalled (from there on the corpus differs from what was last indexed, until the next
    /// search or update looks).
    public init(workspace: Workspace, onChange: (@Sendable () -> Void)? = nil) {
        self.workspace = workspace
        self.location = CorpusJournal.Location(workspace)
        self.onChange = onChange
        var pipeEnds: [Int32] = [-1, -1]
        if pipe(&pipeEnds) != 0 { pipeEnds = [-1, -1] }
        wake = (pipeEnds[0], pipeEnds[1])
        let thread = Thread { [self] in run() }
        thread.name = "whet corpus watch"
        thread.start()
    }

    deinit {
        if wake.read >= 0 { close(wake.read) }
        if wake.write >= 0 { close(wake.write) }
    }

    /// Stops the watch: the journal says so and the lock is released (also done by the kernel when the
    /// process ends, however it ends).
    public func stop() {
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
    }

    /// Whether a workspace's corpus can be watched at all: its own writable index (a shared store changes by
    /// `whet index`, an outside retriever has no corpus here), and a corpus on a local file system (a
    /// network file system reports only this machine's changes).
    static func unavailableReason(_ workspace: Workspace) -> String? {
        guard workspace.isWritable else { return "the workspace is read-only" }
        guard workspace.config.store == nil else { return "the index is a shared store" }
        guard !workspace.usesOutsideRetriever else { return "retrieval is done by an outside retriever" }
        if let type = MountTable.fileSystemType(of: workspace.corpusDirectory.path), MountTable.isRemote(type) {
            return "the corpus is on a network file system (\(type)), whose changes made elsewhere are not reported"
        }
        return nil
    }

    func setState(_ state: State) { lock.withLock { stateValue = state } }

    func counted(_ count: Int) {
        guard count > 0 else { return }
        lock.withLock { changes += count }
        onChange?()
    }

    private func run() {
        #if os(Linux)
            if let reason = CorpusWatcher.unavailableReason(workspace) {
                setState(.unavailable(reason))
                return
            }
            // Again with a new lock when `.whet/watch/` was removed under the watch (its lock went with it).
            while watchHoldingTheLock() {}
        #else
            setState(.unavailable("the corpus watch needs Linux (inotify)"))
        #endif
    }

    #if os(Linux)
        /// Takes the lock and watches until the watch ends; true when it should start over with a new lock.
        private func watchHoldingTheLock() -> Bool {
            let held: FileLock
            do {
                let (acquired, holder) = try FileLock.tryAcquire(location.lock, purpose: "whet watching the corpus")
                guard let acquired else {
                    setState(.elsewhere(holder?.description ?? "another whet process"))
                    return false
                }
                held = acquired
            } catch {
                setState(.unavailable("\(error)"))
                return false
            }
            defer { held.release() }
            var session = WatchSession(watcher: self, workspace: workspace, location: location, wake: wake.read)
            while true {
                switch session.watch() {
                case .again: continue
                case .later(let reason):
                    session.journalStopped(reason)
                    setState(.unavailable(reason))
                    var descriptors = [pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
                    if poll(&descriptors, 1, 1_000) > 0 {
                        setState(.stopped)
                        return false
                    }
                case .relock:
                    session.journalStopped("the watch folder was removed")
                    return true
                case .stop(let reason):
                    session.journalStopped(reason)
                    setState(reason == WatchSession.endedReason ? .stopped : .unavailable(reason))
                    return false
                }
            }
        }
    #endif
}

extension CorpusWatcher {
    /// True when some process (this one included) keeps `workspace`'s corpus watch now.
    public static func isWatched(_ workspace: Workspace) -> Bool {
        CorpusJournal.watcherIsAlive(CorpusJournal.Location(workspace).lock)
    }
}
