import Foundation

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
    ///
    /// Only what moved since the last update is looked at (`CorpusIndexer.updateIfChanged`: a `stat` per file
    /// and directory), unless `thorough` (`whet index`) or `rebuild` asks for a walk of the whole corpus.
    public func openIndex(
        rebuild: Bool = false, thorough: Bool = false, waitingFor: ((FileLock.Holder?) -> Void)? = nil,
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
        let indexer = CorpusIndexer(workspace: self, index: index)
        var report =
            try rebuild || thorough ? indexer.update(progress: progress) : indexer.updateIfChanged(progress: progress)
        // The next process loads the built inverted index instead of rebuilding it; a failure to write it
        // costs only that (the next search builds it in memory).
        let started = Date()
        try? index.refreshSnapshot()
        report.phases.searchIndex = Date().timeIntervalSince(started)
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
