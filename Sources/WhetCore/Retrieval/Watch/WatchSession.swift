import Foundation

#if os(Linux)
    import Glibc

    /// One round of a corpus watch, from a fresh journal to the moment it stops vouching for it: sets the
    /// watches, compares the corpus with the record once, then journals events and answers cookies. A round
    /// ends by asking for another (the kernel's queue overflowed, too much was journalled since the record)
    /// or for the watch to stop.
    struct WatchSession {
        enum Outcome: Equatable {
            /// Start a new round now.
            case again
            /// Start a new round in a moment (the corpus folder is missing: moved away and back, being
            /// replaced); meanwhile the watch is unavailable for this reason.
            case later(String)
            /// Start again with a new lock: `.whet/watch/` was removed, the lock file with it.
            case relock
            case stop(String)
        }

        static let endedReason = "the watch ended"
        /// Past this many changed paths since the record was written, the next record (the next search's or
        /// update's) starts a new round, so readers do not `stat` an ever longer list.
        static let renewAfter = 1_000
        /// Past this many, the journal stops listing paths until the next record: readers compare file by
        /// file meanwhile, and the journal's size stays bounded whatever happens to the corpus.
        static let saturatedAfter = 50_000

        let watcher: CorpusWatcher
        let workspace: Workspace
        let location: CorpusJournal.Location
        let wake: Int32
        private var journal: Int32 = -1
        private var files: Set<String> = []
        private var directories: Set<String> = []
        private var saturated = false

        init(watcher: CorpusWatcher, workspace: Workspace, location: CorpusJournal.Location, wake: Int32) {
            self.watcher = watcher
            self.workspace = workspace
            self.location = location
            self.wake = wake
        }

        private var stateURL: URL { workspace.derivedDirectory.appendingPathComponent("corpus.state") }

        /// Runs one round.
        mutating func watch() -> Outcome {
            watcher.setState(.starting)
            files = []
            directories = []
            saturated = false
            let corpus = workspace.corpusDirectory.path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: corpus, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                return .later("the corpus folder \(workspace.display(workspace.corpusDirectory)) does not exist")
            }
            guard let inotify = Inotify() else {
                return .stop("the kernel refused a watch (fs.inotify.max_user_instances reached)")
            }
            let watchStart = WatchClock.now()
            do {
                try startJournal(watchStart: watchStart)
            } catch {
                return .stop("cannot write \(workspace.display(location.journal)): \(error)")
            }
            guard
                case .success(let cookies) = inotify.watch(
                    location.directory.path,
                    mask: UInt32(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF)),
                case .success(let records) = inotify.watch(
                    workspace.derivedDirectory.path, mask: UInt32(IN_MOVED_TO | IN_CLOSE_WRITE))
            else { return .stop("cannot watch \(workspace.display(location.directory))") }
            removeCookies()
            var tree = WatchedTree(corpus: corpus)
            var ignored = WatchedTree.Meaning()
            do {
                try tree.add("", using: inotify, marking: false, into: &ignored)
            } catch {
                return .stop(error.description)
            }
            compareWithRecord()
            watcher.setState(.watching(directories: tree.directories.count))
            var pending: [UInt8] = []
            while true {
                guard inotify.wait(milliseconds: -1, wake: wake) else { return .stop(Self.endedReason) }
                var changed = 0
                for event in inotify.read() {
                    if event.mask & UInt32(IN_Q_OVERFLOW) != 0 { return .again }
                    if event.watch == cookies {
                        // The lock or the journal removed or renamed (its folder cannot report its own removal
                        // while this process holds files open in it).
                        let lost =
                            event.mask & UInt32(IN_DELETE | IN_MOVED_FROM) != 0
                            && [location.lock.lastPathComponent, location.journal.lastPathComponent].contains(
                                event.name)
                        if lost || event.mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED) != 0 {
                            // `.whet/` was removed: the lock and the journal went with it; another process may
                            // take the watch over with a new lock.
                            return .relock
                        }
                        guard event.name.hasPrefix(CorpusJournal.Location.cookiePrefix) else { continue }
                        // Everything before the cookie is journalled before the reader is told.
                        flush(&pending)
                        unlink(location.directory.appendingPathComponent(event.name).path)
                        continue
                    }
                    if event.watch == records {
                        guard event.name == "corpus.state" else { continue }
                        flush(&pending)
                        if files.count + directories.count > Self.renewAfter || saturated { return .again }
                        compareWithRecord()
                        continue
                    }
                    let meaning: WatchedTree.Meaning
                    do {
                        meaning = try tree.meaning(of: event, using: inotify)
                    } catch {
                        return .stop(error.description)
                    }
                    if meaning.corpusGone { return .again }
                    // Every change is news (a path journalled before may change again), journalled once.
                    mark(meaning.files, meaning.directories, into: &pending)
                    changed += meaning.files.count + meaning.directories.count
                }
                flush(&pending)
                watcher.counted(changed)
            }
        }

        /// Says in the journal that it no longer vouches for the corpus.
        mutating func journalStopped(_ reason: String) {
            var bytes = CorpusJournal.encode(.stopped(reason))
            flush(&bytes)
            if journal >= 0 { close(journal) }
            journal = -1
        }

        /// A fresh journal with only its header, put in place atomically: a reader never sees the previous
        /// round's `ready` under this round's watches.
        private mutating func startJournal(watchStart: Int64) throws {
            if journal >= 0 { close(journal) }
            journal = -1
            try DurableFile.makeDirectory(location.directory)
            let header = CorpusJournal.encode(
                .header(
                    pid: getpid(), bootID: WatchClock.bootID, watchStart: watchStart,
                    corpus: workspace.corpusDirectory.path))
            let temporary = location.journal.path + ".new-\(getpid())"
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw DurableFile.failure(errno, path: temporary, doing: "create") }
            guard header.withUnsafeBytes({ write(descriptor, $0.baseAddress, $0.count) }) == header.count,
                rename(temporary, location.journal.path) == 0
            else {
                let code = errno
                close(descriptor)
                unlink(temporary)
                throw DurableFile.failure(code, path: location.journal.path, doing: "write")
            }
            close(descriptor)
            journal = open(location.journal.path, O_WRONLY | O_APPEND | O_CLOEXEC)
            guard journal >= 0 else { throw DurableFile.failure(errno, path: location.journal.path, doing: "open") }
        }

        /// Removes cookies left by readers that gave up waiting (a round that had not started yet).
        private func removeCookies() {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: location.directory.path)) ?? []
            for name in entries where name.hasPrefix(CorpusJournal.Location.cookiePrefix) {
                unlink(location.directory.appendingPathComponent(name).path)
            }
        }

        /// Compares the corpus with the current record (a `stat` per file) and journals what differs, then
        /// `ready` with the record's token: from here on the journal covers that record.
        private mutating func compareWithRecord() {
            var pending: [UInt8] = []
            var token = ""
            if let raw = CorpusState.readRaw(stateURL) {
                let changes = CorpusState.changes(of: raw, in: workspace.corpusDirectory.path)
                // Not counted as news: these differ from the record, but did not change while watched (a
                // racy entry, or a change the caller's own check is about to see).
                mark(changes.files + changes.hardLinked, changes.directories, into: &pending)
                token = raw.header.token ?? ""
            }
            pending += CorpusJournal.encode(.ready(checkedToken: token))
            flush(&pending)
        }

        /// Adds the paths not journalled yet to `pending`.
        private mutating func mark(_ newFiles: [String], _ newDirectories: [String], into pending: inout [UInt8]) {
            guard !saturated else { return }
            for path in newFiles where files.insert(path).inserted {
                pending += CorpusJournal.encode(.file(path))
            }
            for path in newDirectories where directories.insert(path).inserted {
                pending += CorpusJournal.encode(.directory(path))
            }
            if files.count + directories.count > Self.saturatedAfter {
                saturated = true
                pending += CorpusJournal.encode(.stopped("more than \(Self.saturatedAfter) paths changed"))
            }
        }

        /// Appends `pending` to the journal in one write (readers ignore a record torn by a crash).
        private func flush(_ pending: inout [UInt8]) {
            guard !pending.isEmpty, journal >= 0 else { return }
            var offset = 0
            while offset < pending.count {
                let written = pending[offset...].withUnsafeBytes { write(journal, $0.baseAddress, $0.count) }
                guard written > 0 else { break }
                offset += written
            }
            pending.removeAll(keepingCapacity: true)
        }
    }
#endif
