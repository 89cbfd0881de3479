import Foundation

/// Opening a session's index and vectors, and keeping the index up to date with the corpus: steps that may
/// take long run anywhere and return values; `attach…` applies them to the session.
extension ContextSession {
    /// An index opened for a session, with what opening it did to the corpus index.
    public struct Opened: Sendable {
        public var index: LexicalIndex
        public var report: CorpusIndexer.Report

        /// Wraps an opened index and its report.
        public init(index: LexicalIndex, report: CorpusIndexer.Report) {
            self.index = index
            self.report = report
        }
    }

    /// Opens `workspace`'s index the one way every front end does: the application's retriever needs none (an
    /// empty one stands in); a shared store is connected to (its changes come only from `whet index`); the
    /// workspace's own index is brought up to date with the corpus first. `waitingFor` waits for another
    /// process's update and says who holds it (the command line); without it an update under way elsewhere
    /// is not waited for (the workbench must not freeze) and the report says so.
    public static func openIndex(
        _ workspace: Workspace, waitingFor: ((FileLock.Holder?) -> Void)? = nil,
        progress: CorpusIndexer.Progress? = nil
    ) throws -> Opened {
        if workspace.usesOutsideRetriever {
            return Opened(index: try LexicalIndex(url: nil), report: CorpusIndexer.Report())
        }
        if let settings = workspace.config.store {
            return Opened(
                index: try workspace.openSharedIndex(settings, purpose: "whet"), report: CorpusIndexer.Report())
        }
        let (index, report) = try workspace.openIndex(waitingFor: waitingFor, progress: progress)
        return Opened(index: index, report: report)
    }

    /// Takes the opened index (or why it could not be opened) as the session's. Options whose method needs
    /// embeddings wait for them (`needsEmbeddings`) and searches are lexical meanwhile. Returns the opening's
    /// report (its warnings are the caller's to show); throws when the pipeline cannot be built.
    @discardableResult
    public func attach(_ result: Result<Opened, any Error>) throws -> CorpusIndexer.Report {
        guard status != .off else { return CorpusIndexer.Report() }
        let opened: Opened
        switch result {
        case .success(let value): opened = value
        case .failure(let error):
            setIndex(nil)
            try? rebuildRetriever()
            setStatus(.unavailable(ContextUnavailable(error)))
            return CorpusIndexer.Report()
        }
        if lexical !== opened.index {
            // Vectors belong to the index they were made for: a new one (`:index`) gets its own.
            setDense(nil)
        }
        setIndex(opened.index)
        markCorpusChecked(changesSeen: corpusWatch?.changesSeen ?? 0)
        setStatus(opened.report.busyWith.map { .updating(by: $0.description) } ?? .ready)
        if options.method != .bm25, dense == nil, !workspace.usesOutsideRetriever {
            var lexicalFirst = options
            lexicalFirst.method = .bm25
            setOptionsWaiting(options, current: lexicalFirst)
        }
        try rebuildRetriever()
        return opened.report
    }

    /// Every chunk's embedding for `lexical`'s chunks, computing only what the cache lacks; nil when the
    /// workspace has no embedder.
    public static func openDense(
        _ workspace: Workspace, lexical: LexicalIndex, progress: DenseRetriever.Progress? = nil
    ) async throws -> (DenseRetriever, DenseRetriever.Report)? {
        try await workspace.openDense(lexical: lexical, progress: progress)
    }

    /// Takes the computed vectors: options waiting for them are switched to (returned), the pipeline is
    /// rebuilt. A failure (or no embedder at all) drops the waiting options and is thrown.
    @discardableResult
    public func attachDense(_ result: Result<(DenseRetriever, DenseRetriever.Report)?, any Error>) throws
        -> RetrievalOptions?
    {
        let opened: (DenseRetriever, DenseRetriever.Report)?
        do {
            opened = try result.get()
        } catch {
            setOptionsWaiting(nil, current: options)
            throw error
        }
        if opened == nil, let waiting = waitingOptions, dense == nil {
            // No embedder: the method asked for cannot be had; searches stay lexical and the caller says why.
            setOptionsWaiting(nil, current: options)
            throw RetrievalError.dense("\(waiting.method.rawValue) needs [retrieval] embedding_backend in whet.toml")
        }
        setDense(opened?.0 ?? dense)
        var switched: RetrievalOptions? = nil
        if let waiting = waitingOptions, dense != nil {
            setOptionsWaiting(nil, current: waiting)
            switched = waiting
        }
        try rebuildRetriever()
        return switched
    }

    /// Opens everything `whet search` and `whet run` need, waiting for another process's index update and
    /// computing embeddings when the options' method uses them.
    public static func open(
        _ workspace: Workspace, options: RetrievalOptions? = nil, topK: Int? = nil,
        waitingFor: ((FileLock.Holder?) -> Void)? = nil, indexProgress: CorpusIndexer.Progress? = nil,
        denseProgress: DenseRetriever.Progress? = nil
    ) async throws -> (ContextSession, CorpusIndexer.Report) {
        let session = ContextSession(workspace: workspace, options: options, topK: topK, enabled: true)
        let opened = try openIndex(workspace, waitingFor: waitingFor, progress: indexProgress)
        let report = try session.attach(.success(opened))
        if session.needsEmbeddings {
            try session.attachDense(
                .success(try await openDense(workspace, lexical: opened.index, progress: denseProgress)))
        }
        return (session, report)
    }

    /// Brings the index up to date before a search whose results will be used (a run): the corpus is compared
    /// with what the index last saw (a `stat` per file) and what changed is indexed, unless that was done
    /// within `unlessCheckedWithin`; the next search then compares the store's change token, so another
    /// process's `whet index` is seen too. An update another process holds is not waited for: the status says
    /// so and the index is searched as it stands. Returns what was indexed, nil when nothing was looked at.
    @discardableResult
    public func bringUpToDate(unlessCheckedWithin interval: Duration = .seconds(1)) throws -> CorpusIndexer.Report? {
        guard let lexical, status.isSearchable else { return nil }
        lexical.checkFreshnessOnNextSearch()
        guard !corpusCheckedWithin(interval) || corpusChangedSinceCheck else { return nil }
        let changesSeen = corpusWatch?.changesSeen ?? 0
        let report = try Self.updateIndex(workspace, lexical)
        markCorpusChecked(changesSeen: changesSeen)
        setStatus(report?.busyWith.map { .updating(by: $0.description) } ?? .ready)
        return report
    }

    /// The corpus compared with `lexical` and what changed indexed, under the index lock when it is free.
    /// Only the workspace's own writable index is updated this way: a shared store changes by `whet index`,
    /// an outside retriever has no index, and a read-only workspace's index was built in memory for the
    /// occasion.
    public static func updateIndex(_ workspace: Workspace, _ lexical: LexicalIndex) throws -> CorpusIndexer.Report? {
        guard !workspace.usesOutsideRetriever, workspace.config.store == nil, workspace.isWritable else { return nil }
        let (lock, holder) = try FileLock.tryAcquire(workspace.indexLockURL, purpose: "whet index")
        guard let lock else {
            var report = CorpusIndexer.Report()
            report.busyWith = holder
            return report
        }
        defer { lock.release() }
        let report = try CorpusIndexer(workspace: workspace, index: lexical).updateIfChanged()
        if report.added + report.updated + report.removed > 0 { try? lexical.refreshSnapshot() }
        return report
    }
}
