import Foundation

/// Brings the index up to date with the corpus, a window of files at a time so memory stays flat however
/// large the corpus is: a file whose size and mtime are unchanged is skipped without being read, a file whose
/// bytes hash the same only gets its mtime refreshed, a changed file is re-chunked, a deleted one leaves the
/// index. Files of a window are read and chunked on every core; their outcomes are applied in path order, so
/// the chunks and their ids are what reading them one by one would give.
///
/// `update` walks the whole corpus (`whet index`); `updateIfChanged` (every search) first compares the
/// corpus with what the last update saw (`CorpusState`) by `stat` alone and looks only at what moved.
public struct CorpusIndexer: Sendable {
    /// What one update did, for the progress line and the final summary.
    public struct Report: Sendable, Equatable {
        public var added = 0
        public var updated = 0
        public var unchanged = 0
        public var removed = 0
        public var chunksWritten = 0
        public var ignored = 0
        /// Files that could not be indexed (binary, not UTF-8, unreadable), each with its reason.
        public var warnings: [Warning] = []
        /// True when chunk settings changed and everything was re-chunked.
        public var rebuilt = false
        /// Wall-clock seconds.
        public var seconds = 0.0
        /// Set when another process was updating the index, so this one searched it as it stood.
        public var busyWith: FileLock.Holder?
        /// Files in the index after the update, by extension (`md`, `pdf` …).
        public var filesByType: [String: Int] = [:]
        /// The files that could not be indexed (the warnings say why), sorted.
        public var skippedFiles: [String] = []
        /// Files in a shared store that others indexed and this corpus does not have: kept, since removing
        /// them needs `--prune` (path and who indexed it), sorted.
        public var keptForOthers: [KeptFile] = []
        /// True when the corpus was compared with the last update's record instead of walked.
        public var checkedByState = false
        /// True when that comparison was limited to what a live corpus watch journalled (`whet index --watch`
        /// or a workbench): a few `stat`s instead of one per file.
        public var checkedByWatch = false
        /// Where the time went (wall-clock seconds), for `whet-bench index`.
        public var phases = Phases()

        /// An empty report, before anything was looked at.
        public init() {}

        /// Every file looked at.
        public var filesSeen: Int { added + updated + unchanged + skippedFiles.count }
    }

    /// Wall-clock seconds of an update's phases.
    public struct Phases: Sendable, Equatable {
        /// Listing the corpus (or comparing it with the record).
        public var walk = 0.0
        /// Reading, hashing, decoding, detecting the language and chunking files, on every core.
        public var files = 0.0
        /// Writing chunks to the store and adding them to an in-memory index being built, on a thread beside
        /// the readers: it overlaps `files`.
        public var store = 0.0
        /// Finishing the in-memory BM25 index (building it from the store when the update did not) and writing
        /// its snapshot (`Workspace.openIndex`).
        public var searchIndex = 0.0
    }

    /// A file of a shared store kept although this corpus does not have it.
    public struct KeptFile: Sendable, Equatable {
        public var path: String
        /// Who indexed it (`user@host:/workspace`).
        public var owner: String
    }

    /// Progress after each file: files done, files in total, the current file's path.
    public typealias Progress = @Sendable (_ done: Int, _ total: Int, _ path: String) -> Void

    let workspace: Workspace
    let index: LexicalIndex
    /// In a shared store: who this indexer is and who indexed each stored file. Files of others that this
    /// corpus lacks are kept, and a chunking other than the store's is refused, unless this is nil (`--prune`).
    public var sharedWith: (me: String, owners: [String: String])? = nil
    /// How many files are read at once on every core, and how many a transaction commits at most.
    static let window = 64

    /// Prepares to index `workspace`'s corpus into `index`.
    public init(workspace: Workspace, index: LexicalIndex) {
        self.workspace = workspace
        self.index = index
    }

    /// Where the record of the corpus is kept: only for the workspace's own store, which only this
    /// workspace's corpus fills.
    var stateURL: URL? {
        guard workspace.isWritable, sharedWith == nil, index.store is SQLiteChunkStore else { return nil }
        return workspace.derivedDirectory.appendingPathComponent("corpus.state")
    }

    /// What decides which files are read and how: chunking, loaders, the size limit.
    var settingsSignature: String {
        let settings = workspace.config.retrieval
        return settings.chunkingSignature + workspace.config.loaders.signature
            + "|max=\(workspace.config.limits.maxFileBytes)"
    }

    /// Updates the index from a walk of the whole corpus and reports what changed. A file that failed
    /// before and has not changed is not read again; its warning is repeated.
    public func update(progress: Progress? = nil) throws -> Report {
        let started = Date()
        let lookedAt = WatchClock.now()
        var run = try UpdateRun(indexer: self, retriesMissingPrograms: true)
        run.state.lookedAt = lookedAt
        let walkStarted = Date()
        let walk = CorpusWalk(
            corpus: run.corpus, displayPrefix: run.displayPrefix,
            extensions: CorpusDocument.indexedExtensions.union(workspace.config.loaders.byExtension.keys))
        run.report.phases.walk = Date().timeIntervalSince(walkStarted)
        run.report.ignored = walk.ignored
        run.state.directories = walk.directories
        var known = try index.fileStates()
        let failedBefore = stateURL.flatMap(CorpusState.readRaw).map(\.header.failures) ?? [:]
        try run.read(walk.files, known: known, failedBefore: failedBefore, quiet: false, progress: progress)
        for file in walk.files { known.removeValue(forKey: file.display) }
        for path in known.keys.sorted() {
            if let sharedWith, let owner = sharedWith.owners[path], owner != sharedWith.me {
                run.report.keptForOthers.append(KeptFile(path: path, owner: owner))
                continue
            }
            run.batch.remove(path)
            run.report.removed += 1
        }
        try run.finish()
        progress?(walk.files.count, walk.files.count, "")
        run.report.seconds = Date().timeIntervalSince(started)
        return run.report
    }

    /// Updates the index with what moved in the corpus since the last update, found by comparing the
    /// record of it with `stat`s of its files and directories; walks the whole corpus (`update`) when there
    /// is no usable record. When a corpus watch is live and covers the record, only what it journalled is
    /// compared. Failures seen before are not reported again.
    public func updateIfChanged(progress: Progress? = nil) throws -> Report {
        let started = Date()
        let lookStarted = WatchClock.now()
        guard let stateURL, let raw = CorpusState.readRaw(stateURL), raw.header.settings == settingsSignature,
            try index.storeState() == LexicalIndex.StoreState(id: raw.header.storeID, generation: raw.header.generation)
        else { return try update(progress: progress) }
        let corpus = workspace.corpusDirectory.path
        let journal = CorpusJournal.ask(CorpusJournal.Location(workspace)).flatMap {
            $0.covers(raw.header, corpus: corpus) ? $0 : nil
        }
        let changes =
            journal.map { CorpusState.changes(of: raw, in: corpus, limitedTo: $0) }
            ?? CorpusState.changes(of: raw, in: corpus)
        var report = Report()
        report.checkedByState = true
        report.checkedByWatch = journal != nil
        report.unchanged = raw.fileCount
        report.phases.walk = Date().timeIntervalSince(started)
        guard !changes.isEmpty, var state = CorpusState.read(stateURL) else {
            report.seconds = Date().timeIntervalSince(started)
            return report
        }
        var run = try UpdateRun(indexer: self, retriesMissingPrograms: false)
        run.state.lookedAt = lookStarted
        run.report.checkedByState = true
        run.report.checkedByWatch = journal != nil
        let extensions = CorpusDocument.indexedExtensions.union(workspace.config.loaders.byExtension.keys)
        var candidates = Set(changes.files)
        var gone: [String] = []
        // A directory that went away takes everything recorded below it.
        func remove(_ directory: String) {
            let prefix = directory.isEmpty ? "" : directory + "/"
            for path in state.directories.keys where path == directory || path.hasPrefix(prefix) {
                state.directories.removeValue(forKey: path)
            }
            gone += state.files.keys.filter { $0.hasPrefix(prefix) }
            for path in state.failures.keys where path.hasPrefix(prefix) { state.failures.removeValue(forKey: path) }
        }
        for directory in changes.directories {
            let absolute = directory.isEmpty ? corpus : corpus + "/" + directory
            let prefix = directory.isEmpty ? "" : directory + "/"
            guard let entries = CorpusWalk.entries(of: absolute) else {
                remove(directory)
                continue
            }
            // A recorded subdirectory no longer listed here (removed, or a link to it removed) went away too,
            // even when nothing said so about the subdirectory itself.
            let listed = Set(entries.directories)
            for path in state.directories.keys
            where !path.isEmpty && path.hasPrefix(prefix) && !path.dropFirst(prefix.count).contains("/")
                && !listed.contains(String(path.dropFirst(prefix.count)))
            {
                remove(path)
            }
            var status = stat()
            if stat(absolute, &status) == 0 { state.directories[directory] = CorpusState.nanoseconds(status) }
            let present = Set(entries.files)
            for name in entries.files
            where extensions.contains(CorpusWalk.fileExtension(name)) && state.files[prefix + name] == nil
                && state.failures[prefix + name] == nil
            {
                candidates.insert(prefix + name)
            }
            for path in state.files.keys + Array(state.failures.keys)
            where path.hasPrefix(prefix) && !path.dropFirst(prefix.count).contains("/")
                && !present.contains(String(path.dropFirst(prefix.count)))
            {
                candidates.insert(path)
            }
            for name in entries.directories where state.directories[prefix + name] == nil {
                // A new directory: walked whole.
                let below = CorpusWalk(
                    corpus: corpus, displayPrefix: run.displayPrefix, below: prefix + name, extensions: extensions)
                candidates.formUnion(below.files.map(\.relative))
                state.directories.merge(below.directories) { _, new in new }
            }
        }
        // Files that no longer exist leave; the rest are read (new ones too: they have no record).
        var files: [CorpusWalk.File] = []
        for relative in candidates.sorted() {
            let absolute = corpus + "/" + relative
            let display = run.displayPrefix + "/" + relative
            var status = stat()
            if stat(absolute, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG {
                files.append(CorpusWalk.File(path: absolute, display: display, relative: relative))
            } else {
                gone.append(relative)
            }
        }
        run.state.directories = state.directories
        run.state.files = state.files
        run.state.failures = state.failures
        for relative in Set(gone) {
            run.state.failures.removeValue(forKey: relative)
            if run.state.files.removeValue(forKey: relative) != nil {
                run.batch.remove(run.displayPrefix + "/" + relative)
                run.report.removed += 1
            }
        }
        // Recorded files not looked at again are unchanged.
        let lookedAt = Set(files.map(\.relative)).union(gone)
        run.report.unchanged = state.files.keys.filter { !lookedAt.contains($0) }.count
        var known: [String: LexicalIndex.FileState] = [:]
        for file in files {
            if let recorded = state.files[file.relative] {
                // Size and mtime differ (that is why it is read); the hash decides whether it is re-chunked.
                known[file.display] = LexicalIndex.FileState(size: -1, mtime: -1, hash: recorded.hash)
            }
            run.state.files.removeValue(forKey: file.relative)
        }
        try run.read(files, known: known, failedBefore: state.failures, quiet: true, progress: progress)
        try run.finish()
        run.report.seconds = Date().timeIntervalSince(started)
        return run.report
    }
}
