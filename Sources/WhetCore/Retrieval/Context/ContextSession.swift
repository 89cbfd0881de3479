import Foundation

/// Retrieval as a front end holds it while a person works: the index and its status, the pipeline's options,
/// the chunks the user pinned or left out, and what the last search showed. `whet search` and `whet run` open
/// one and search once; the workbench keeps one open for hours. Both follow the same rules — how the index is
/// opened, when it is brought up to date with the corpus and with other processes, how pins and exclusions
/// combine with a search — so the command line and the workbench cannot disagree about the same index.
///
/// Opening and embedding may take long; they are split into a step that runs anywhere (`openIndex`,
/// `openDense`: static, `Sendable` results) and a step that attaches the result (`attach`, `attachDense`), so
/// the workbench runs the first in the background and the session itself stays with its owner.
public final class ContextSession {
    /// The workspace searched.
    public let workspace: Workspace
    /// Where the index stands.
    public private(set) var status: IndexStatus
    /// The pipeline searches use now.
    public private(set) var options: RetrievalOptions
    /// Options asked for that wait for embeddings to be computed (searches stay lexical until then).
    public private(set) var waitingOptions: RetrievalOptions?
    /// How many chunks a search returns.
    public var topK: Int
    /// Chunks the user pinned, in the order pinned: always in context, listed first.
    public private(set) var pins: [RetrievedChunk] = []
    /// Chunks the user left out of the next run.
    public private(set) var excluded: Set<ChunkLocation> = []
    /// What the last search showed: the pins first (with this search's score when it found them too), then
    /// the rest of its results.
    public private(set) var results: [RetrievedChunk] = []
    /// Pins the last search did not return: they have no score for it.
    public private(set) var unrankedPins: Set<ChunkLocation> = []
    /// The queries last searched: the user's, then any a model wrote.
    public private(set) var queries: [String] = []
    /// The query last searched (the user's).
    public private(set) var query = ""
    /// The lexical index, once open.
    public private(set) var lexical: LexicalIndex?
    /// Every chunk's embedding, once computed (dense and hybrid search).
    public private(set) var dense: DenseRetriever?
    /// The pipeline for `options`, once the index is open.
    public private(set) var retriever: WorkspaceRetriever?
    /// The store's state when the vectors were brought up to date (`vectorsBehind` compares it with now).
    private var denseStoreState: LexicalIndex.StoreState?
    /// The search `results` come from (nil: none yet, or only pins).
    private var lastOutcome: RetrievalOutcome?
    /// When the corpus was last compared with the index (`bringUpToDate`).
    private var corpusCheckedAt: ContinuousClock.Instant?
    /// The corpus watch this session keeps while it is open (the workbench's), nil when none.
    public private(set) var corpusWatch: CorpusWatcher?
    /// The watch's count of changes when the corpus was last compared with the index.
    private var changesSeenAtCheck = 0

    /// A session on `workspace` with the configured options (or `options`); nothing is opened yet. `enabled`
    /// overrides `[retrieval] enabled` (an explicit `whet search` searches whatever whet.toml says).
    public init(workspace: Workspace, options: RetrievalOptions? = nil, topK: Int? = nil, enabled: Bool? = nil) {
        self.workspace = workspace
        self.options = options ?? RetrievalOptions(workspace.config.retrieval)
        self.topK = topK ?? workspace.config.retrieval.topK
        self.status = enabled ?? workspace.config.retrieval.enabled ? .connecting : .off
    }

    /// A session's watch ends with it.
    deinit { corpusWatch?.stop() }

    /// How the pane, records and `whet search` name the retrieval: whet's pipeline (`hybrid+rerank`), or the
    /// application's retriever (`http`, `command+rerank`) when `[retrieval] kind` names one.
    public var label: String {
        guard workspace.usesOutsideRetriever else { return options.label }
        return workspace.config.retrieval.kind.rawValue + (options.rerank ? "+rerank" : "")
    }

    /// The options the user asked for last (those waiting for embeddings, else those in use).
    public var requestedOptions: RetrievalOptions { waitingOptions ?? options }

    /// Whether embeddings must be computed before the requested options can be used.
    public var needsEmbeddings: Bool { waitingOptions != nil && dense == nil && lexical != nil }

    /// Whether the current pipeline calls a model or an embedder (searches then run in the background).
    public var searchNeedsModels: Bool { retriever?.needsModels ?? false }

    /// What a search found, shown: the pins first (each with this search's rank and score when it found it
    /// too, else marked unranked), then the rest in the search's order.
    public func show(_ outcome: RetrievalOutcome) {
        lastOutcome = outcome
        unrankedPins = []
        for (position, pin) in pins.enumerated() {
            if let fresh = outcome.chunks.first(where: { $0.location == pin.location }) {
                pins[position] = fresh
            } else {
                unrankedPins.insert(pin.location)
            }
            pins[position].pinned = true
        }
        let pinned = Set(pins.map(\.location))
        results = pins + outcome.chunks.filter { !pinned.contains($0.location) }
        queries = outcome.queries
    }

    /// No search result to show (retrieval off, or the query could not be made): only the pins.
    public func showPinsOnly() {
        lastOutcome = nil
        unrankedPins = Set(pins.map(\.location))
        for position in pins.indices { pins[position].pinned = true }
        results = pins
    }

    /// Shows the last outcome again after the pins changed, so `results`, `pins` and `unrankedPins` always
    /// agree (a pin the search did not find leaves the list when unpinned; a new pin moves to the top).
    private func reshow() {
        if let lastOutcome { show(lastOutcome) } else { showPinsOnly() }
    }

    /// Pins `chunk` (always in context, never excluded) or unpins it; true when it is pinned now.
    @discardableResult
    public func togglePin(_ chunk: RetrievedChunk) -> Bool {
        if let index = pins.firstIndex(where: { $0.location == chunk.location }) {
            pins.remove(at: index)
            reshow()
            return false
        }
        var pinned = chunk
        pinned.pinned = true
        pins.append(pinned)
        excluded.remove(chunk.location)
        reshow()
        return true
    }

    /// Leaves the chunk at `location` out of the next run, or puts it back; true when it is left out now.
    @discardableResult
    public func toggleExcluded(_ location: ChunkLocation) -> Bool {
        if excluded.remove(location) != nil { return false }
        excluded.insert(location)
        return true
    }

    /// The last search as a run takes it (the pins go separately, as `RunInput.pinnedChunks`); nil when there
    /// is neither a pipeline nor a pin.
    public var outcomeForRun: RetrievalOutcome? {
        guard retriever != nil || !pins.isEmpty else { return nil }
        let pinned = Set(pins.map(\.location))
        return RetrievalOutcome(
            chunks: results.filter { !pinned.contains($0.location) }, queries: queries.isEmpty ? [query] : queries,
            method: label)
    }

    /// Searches `text` now when no model or embedder is involved (lexical; dense over vectors already
    /// computed), showing the outcome; nil when the pipeline calls a model, so the caller searches in the
    /// background (`retriever.retrieve`) and shows the outcome when it arrives.
    public func searchWithoutModels(_ text: String) throws -> RetrievalOutcome? {
        query = text
        guard let retriever else {
            showPinsOnly()
            return nil
        }
        guard let outcome = try retriever.retrieveWithoutModels(text, topK: topK) else { return nil }
        show(outcome)
        return outcome
    }

    /// Searches `text` with the whole pipeline and shows the outcome (the command line: nothing to keep
    /// typing into meanwhile).
    public func search(_ text: String) async throws -> RetrievalOutcome {
        query = text
        let retriever = try requireRetriever()
        let outcome = try await retriever.retrieve(text, topK: topK)
        show(outcome)
        return outcome
    }

    /// The pipeline, or why there is none: the index's status (opening, unavailable and why) as an index
    /// error, so a command that must search says what stood in the way.
    public func requireRetriever() throws -> WorkspaceRetriever {
        if let retriever { return retriever }
        let reason: String
        if case .unavailable(let why) = status { reason = "unavailable: \(why)" } else { reason = "\(status)" }
        throw RetrievalError.index(path: workspace.display(workspace.indexURL), message: "cannot search it: \(reason)")
    }

    /// Notes the query a background search is for (its outcome arrives through `show`).
    public func searching(_ text: String) { query = text }

    /// Switches the pipeline. A method that needs embeddings not computed yet waits for them (`attachDense`
    /// switches); options the pipeline cannot be built with (expansion with the offline backend) are refused
    /// as they are, with the reason, and searches go on as before.
    public func setOptions(_ new: RetrievalOptions) throws -> OptionsChange {
        if new.method != .bm25, dense == nil {
            guard try workspace.embedder() != nil else {
                throw RetrievalError.dense("\(new.method.rawValue) needs [retrieval] embedding_backend in whet.toml")
            }
            waitingOptions = new
            return .waitingForEmbeddings
        }
        if let lexical {
            retriever = try WorkspaceRetriever(workspace: workspace, lexical: lexical, dense: dense, options: new)
        }
        waitingOptions = nil
        options = new
        return .switched
    }

    /// What `setOptions` did.
    public enum OptionsChange: Sendable, Equatable {
        /// Searches use the new options from now on.
        case switched
        /// They wait for embeddings (`needsEmbeddings`); `attachDense` switches.
        case waitingForEmbeddings
    }

    /// Rebuilds the pipeline after the index or the vectors changed.
    func rebuildRetriever() throws {
        guard let lexical else {
            retriever = nil
            return
        }
        retriever = nil
        retriever = try WorkspaceRetriever(workspace: workspace, lexical: lexical, dense: dense, options: options)
    }

    /// Records that the corpus was compared with the index now (see `bringUpToDate`), having heard of
    /// `changesSeen` changes from the watch before the comparison began.
    func markCorpusChecked(changesSeen: Int) {
        corpusCheckedAt = ContinuousClock.now
        changesSeenAtCheck = changesSeen
    }

    /// Starts keeping the corpus journal while this session is open, so that its searches and those of other
    /// processes compare only what changed; `onChange` is called (on the watch's thread) when the corpus
    /// changes. Nothing happens when a watch is already kept or the index is not the workspace's own.
    public func watchCorpus(onChange: (@Sendable () -> Void)? = nil) {
        guard corpusWatch == nil || corpusWatch?.state == .stopped, lexical != nil,
            CorpusWatcher.unavailableReason(workspace) == nil
        else { return }
        corpusWatch = CorpusWatcher(workspace: workspace, onChange: onChange)
    }

    /// Stops the corpus watch (the workbench quits).
    public func stopWatchingCorpus() {
        corpusWatch?.stop()
        corpusWatch = nil
    }

    /// True when this session's watch heard of a change to the corpus since it was last compared with the
    /// index here: the next run brings the index up to date first.
    public var corpusChangedSinceCheck: Bool {
        guard let corpusWatch else { return false }
        return corpusWatch.changesSeen != changesSeenAtCheck
    }

    /// Whether the corpus was compared with the index within `interval`.
    func corpusCheckedWithin(_ interval: Duration) -> Bool {
        guard let corpusCheckedAt else { return false }
        return ContinuousClock.now - corpusCheckedAt < interval
    }

    /// Sets the status (opening and updating steps).
    func setStatus(_ status: IndexStatus) { self.status = status }

    /// Sets the index, the vectors and the options the opening steps arrived at.
    func setIndex(_ lexical: LexicalIndex?) { self.lexical = lexical }
    func setDense(_ dense: DenseRetriever?) {
        self.dense = dense
        denseStoreState = dense == nil ? nil : try? lexical?.storeState()
    }

    /// Whether the index changed since the vectors were brought up to date (the corpus indexed here, another
    /// process's `whet index`): dense and hybrid searches would miss new chunks until `openDense` runs again.
    public var vectorsBehind: Bool {
        guard dense != nil, let lexical else { return false }
        return (try? lexical.storeState()) != denseStoreState
    }
    func setOptionsWaiting(_ waiting: RetrievalOptions?, current: RetrievalOptions) {
        waitingOptions = waiting
        options = current
    }
}
