import Crypto
import Foundation

/// Brings the index up to date with the corpus, one file at a time so memory stays flat however large the
/// corpus is: a file whose size and mtime are unchanged is skipped without being read, a file whose bytes
/// hash the same only gets its mtime refreshed, a changed file is re-chunked, a deleted one leaves the index.
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

        /// An empty report, before anything was looked at.
        public init() {}

        /// Every file looked at.
        public var filesSeen: Int { added + updated + unchanged + skippedFiles.count }
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

    /// Prepares to index `workspace`'s corpus into `index`.
    public init(workspace: Workspace, index: LexicalIndex) {
        self.workspace = workspace
        self.index = index
    }

    /// Updates the index and reports what changed.
    public func update(progress: Progress? = nil) throws -> Report {
        let started = Date()
        var report = Report()
        let settings = workspace.config.retrieval
        let chunker = DocumentChunker(
            settings: settings, counter: try TokenCounter.forSettings(settings, workspaceRoot: workspace.root))
        let signature = settings.chunkingSignature + workspace.config.loaders.signature
        if sharedWith != nil, let recorded = try index.metadata("chunking"), recorded != signature,
            try index.counts().chunks > 0
        {
            throw StoreError.server(
                server: index.store.displayName,
                message:
                    "the store's chunks were made with '\(recorded)' and this workspace's [retrieval] asks for '\(signature)'; "
                    + "indexing would re-chunk every document of everyone using it: align [retrieval] or pass --prune")
        }
        report.rebuilt = try index.resetIfSettingsChanged(signature)
        let corpus = workspace.corpusDirectory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: corpus.path, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw RetrievalError.missingCorpus(workspace.display(corpus))
        }
        let loaders = workspace.config.loaders
        let (files, ignored) = CorpusIndexer.listFiles(
            in: corpus.path, displayPrefix: workspace.display(corpus),
            extensions: CorpusDocument.indexedExtensions.union(loaders.byExtension.keys))
        report.ignored = ignored
        var known = try index.fileStates()
        var batch = LexicalIndex.Batch()
        let extractionCache = workspace.isWritable ? workspace.extractionCacheURL : nil
        // A missing converter is said once per file type, with the files it kept out.
        var missing: [String: (failure: DocumentLoaders.Failure, files: [String])] = [:]
        func skip(_ path: String, _ reason: String) {
            report.warnings.append(Warning(reason, at: SourceLocation(file: path)))
            report.skippedFiles.append(path)
        }
        func counted(_ path: String) {
            report.filesByType[(path as NSString).pathExtension.lowercased(), default: 0] += 1
        }

        for (done, file) in files.enumerated() {
            let path = file.display
            progress?(done, files.count, path)
            defer {
                known.removeValue(forKey: path)
            }
            // stat(2) directly: FileManager's attribute dictionary costs ~100 µs a file on Linux, which is most
            // of a no-change update on a corpus of thousands of files.
            var status = stat()
            guard stat(file.path, &status) == 0 else {
                skip(path, "skipped: cannot read the file's attributes")
                continue
            }
            let size = Int64(status.st_size)
            let mtime = Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9
            let previous = known[path]
            if let previous, previous.size == size, previous.mtime == mtime {
                report.unchanged += 1
                counted(path)
                continue
            }
            if size > Int64(workspace.config.limits.maxFileBytes) {
                skip(
                    path,
                    "skipped: the file is \(ByteCount.describe(Int(size))), over the limit of "
                        + "\(ByteCount.describe(workspace.config.limits.maxFileBytes)) ([limits] max_file_bytes)")
                if previous != nil { batch.remove(path) }
                continue
            }
            guard let data = FileManager.default.contents(atPath: file.path) else {
                skip(path, "skipped: cannot read the file")
                continue
            }
            let hash = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
            let state = LexicalIndex.FileState(size: size, mtime: mtime, hash: hash)
            if let previous, previous.hash == hash {
                batch.touch(path, state: state)
                report.unchanged += 1
                counted(path)
            } else {
                do {
                    let document =
                        try loaders.loader(for: path).map {
                            try CorpusDocument.converted(
                                path: path, absolutePath: file.path, hash: hash, loader: $0, loaders: loaders,
                                cache: extractionCache)
                        } ?? CorpusDocument.decode(data, path: path, hash: hash)
                    let language = settings.fixedLanguage ?? LanguageDetector.detect(document.text)
                    let chunks = document.chunks(chunker).map { chunk in
                        var tagged = chunk
                        tagged.language = language
                        return tagged
                    }
                    batch.replace(path, state: state, chunks: chunks)
                    report.chunksWritten += chunks.count
                    if previous == nil { report.added += 1 } else { report.updated += 1 }
                    counted(path)
                } catch let refusal as CorpusDocument.Refusal {
                    skip(path, refusal.description)
                    if previous != nil { batch.remove(path) }
                } catch let failure as DocumentLoaders.Failure {
                    if case .missingProgram(let loader) = failure {
                        report.skippedFiles.append(path)
                        // What was indexed before stays until the converter is there to read the new version.
                        missing[loader.fileExtension, default: (failure, [])].files.append(path)
                        if previous != nil { counted(path) }
                        continue
                    }
                    skip(path, failure.description)
                    if previous != nil { batch.remove(path) }
                }
            }
            if batch.count >= 64 {
                try index.apply(batch)
                batch = LexicalIndex.Batch()
            }
        }
        for path in known.keys.sorted() {
            if let sharedWith, let owner = sharedWith.owners[path], owner != sharedWith.me {
                report.keptForOthers.append(KeptFile(path: path, owner: owner))
                continue
            }
            batch.remove(path)
            report.removed += 1
        }
        for type in missing.keys.sorted() {
            guard let (failure, paths) = missing[type] else { continue }
            let count = paths.count == 1 ? "1 file" : "\(paths.count) files"
            report.warnings.append(
                Warning("\(failure) (\(count) not read)", at: SourceLocation(file: workspace.display(corpus))))
        }
        report.skippedFiles.sort()
        try index.apply(batch)
        progress?(files.count, files.count, "")
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// The corpus files whet reads, sorted by path, with how many files of other types were ignored. Hidden
    /// files and directories are skipped. A POSIX directory walk: Foundation's enumerator with resource
    /// values costs ~100 µs a file on Linux, most of a no-change update on a corpus of thousands of files.
    static func listFiles(
        in corpus: String, displayPrefix: String, extensions: Set<String> = CorpusDocument.indexedExtensions
    ) -> (
        files: [(path: String, display: String)], ignored: Int
    ) {
        var files: [(path: String, display: String)] = []
        var ignored = 0
        func walk(_ directory: String, _ display: String) {
            guard let handle = opendir(directory) else { return }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                    pointer.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
                }
                guard !name.hasPrefix(".") else { continue }
                let path = directory + "/" + name
                let shown = display + "/" + name
                var kind = entry.pointee.d_type
                if kind == UInt8(DT_UNKNOWN) || kind == UInt8(DT_LNK) {
                    var status = stat()
                    guard stat(path, &status) == 0 else { continue }
                    kind =
                        (status.st_mode & S_IFMT) == S_IFDIR
                        ? UInt8(DT_DIR) : ((status.st_mode & S_IFMT) == S_IFREG ? UInt8(DT_REG) : 0)
                }
                if kind == UInt8(DT_DIR) {
                    walk(path, shown)
                } else if kind == UInt8(DT_REG) {
                    let dot = name.lastIndex(of: ".").map { String(name[name.index(after: $0)...]).lowercased() } ?? ""
                    if extensions.contains(dot) {
                        files.append((path, shown))
                    } else {
                        ignored += 1
                    }
                }
            }
        }
        walk(corpus, displayPrefix)
        return (files.sorted { $0.display < $1.display }, ignored)
    }
}

extension Workspace {
    /// The lock that serialises index updates between whet processes on this workspace.
    public var indexLockURL: URL { derivedDirectory.appendingPathComponent("index.lock") }

    /// Opens the workspace's index, up to date with the corpus. A workspace that cannot be written gets an
    /// in-memory index built afresh, so reading someone else's workspace still works.
    ///
    /// Updates are serialised between processes by `.whet/index.lock`. With `waitingFor` (the CLI's commands)
    /// this waits for another process's update to finish, telling the caller who holds the lock first, so a
    /// run or an eval never searches a half-updated index; without it (the workbench, which must not freeze)
    /// an update under way elsewhere is not waited for: the index is searched as it stands, the report says
    /// so, and the next search after that update sees it (`LexicalIndex` checks `data_version`). `rebuild` empties the index first (in
    /// place, so processes that have it open see the change instead of a deleted file).
    public func openIndex(
        rebuild: Bool = false, waitingFor: ((FileLock.Holder?) -> Void)? = nil,
        progress: CorpusIndexer.Progress? = nil
    ) throws -> (LexicalIndex, CorpusIndexer.Report) {
        if let store = config.store {
            // A shared store changes only by an explicit `whet index` (openSharedIndex with `update`).
            return (try openSharedIndex(store, purpose: "whet"), CorpusIndexer.Report())
        }
        guard isWritable else {
            let index = try LexicalIndex(url: nil, parameters: config.retrieval.bm25)
            return (index, try CorpusIndexer(workspace: self, index: index).update(progress: progress))
        }
        try DurableFile.makeDirectory(derivedDirectory)
        let held: FileLock
        if let waitingFor {
            held = try FileLock.acquire(indexLockURL, purpose: "whet index", onWait: waitingFor)
        } else {
            let (lock, holder) = try FileLock.tryAcquire(indexLockURL, purpose: "whet index")
            guard let lock else {
                let index = try LexicalIndex(url: indexURL, parameters: config.retrieval.bm25)
                var report = CorpusIndexer.Report()
                report.busyWith = holder
                report.warnings.append(
                    Warning(
                        "the index is being updated by \(holder.map(\.description) ?? "another whet process"); "
                            + "searching it as it stands", at: SourceLocation(file: display(indexURL))))
                return (index, report)
            }
            held = lock
        }
        defer { held.release() }
        let index: LexicalIndex
        do {
            let opened = try LexicalIndex(url: indexURL, parameters: config.retrieval.bm25)
            if rebuild { try opened.removeAll() }
            index = opened
        } catch RetrievalError.damaged where rebuild {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: indexURL.path + suffix) }
            index = try LexicalIndex(url: indexURL, parameters: config.retrieval.bm25)
        }
        let report = try CorpusIndexer(workspace: self, index: index).update(progress: progress)
        // The next process loads the built inverted index instead of rebuilding it; a failure to write it
        // costs only that (the next search builds it in memory).
        try? index.refreshSnapshot()
        return (index, report)
    }
}

extension Workspace {
    /// Who this workspace indexes a shared store as: recorded per file, so an index from elsewhere never
    /// removes what this one added without `--prune`.
    public var storeOwner: String {
        "\(ProcessInfo.processInfo.environment["USER"] ?? NSUserName())@\(ProcessInfo.processInfo.hostName):\(root.path)"
    }

    /// The lexical index over the shared store `settings` name, its built form cached in `.whet/` (keyed by
    /// the store's identity and generation, like the local snapshot).
    public func openSharedIndex(_ settings: StoreSettings, purpose: String) throws -> LexicalIndex {
        let store = try PostgresChunkStore(
            settings, owner: storeOwner,
            applicationName: "\(purpose) \(storeOwner.prefix(40)) pid \(ProcessInfo.processInfo.processIdentifier)")
        if isWritable { try? DurableFile.makeDirectory(derivedDirectory) }
        return try LexicalIndex(
            store: store,
            snapshotURL: isWritable ? derivedDirectory.appendingPathComponent("bm25-store.idx") : nil,
            parameters: config.retrieval.bm25)
    }

    /// `whet index` on a shared store: takes its indexing lock (waiting, and saying for whom, when another
    /// indexer has it), brings it up to date with this corpus, and keeps other people's documents unless
    /// `prune`. `rebuild` empties the store first, which removes everyone's documents and so needs `prune`.
    public func updateSharedIndex(
        _ settings: StoreSettings, rebuild: Bool, prune: Bool, waitingFor: ((String) -> Void)?,
        progress: CorpusIndexer.Progress?
    ) throws -> (LexicalIndex, CorpusIndexer.Report) {
        let index = try openSharedIndex(settings, purpose: "whet index")
        guard let store = index.store as? PostgresChunkStore else { return (index, CorpusIndexer.Report()) }
        try store.lockIndexing(wait: waitingFor)
        defer { store.unlockIndexing() }
        if rebuild {
            let others = Set(try store.fileOwners().values).subtracting([storeOwner])
            guard prune || others.isEmpty else {
                throw StoreError.server(
                    server: store.displayName,
                    message:
                        "--rebuild would remove documents indexed by \(others.sorted().prefix(3).joined(separator: ", ")); pass --prune as well to do so"
                )
            }
            try index.removeAll()
        }
        var indexer = CorpusIndexer(workspace: self, index: index)
        indexer.sharedWith = prune ? nil : (storeOwner, try store.fileOwners())
        let report = try indexer.update(progress: progress)
        try? index.refreshSnapshot()
        return (index, report)
    }
}
