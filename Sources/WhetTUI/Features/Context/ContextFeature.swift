import Foundation
import WhetCore

/// The context feature: what retrieval gives the prompt. Retrieval's rules live in the core's
/// `ContextSession` (how the index opens, its status, options waiting for embeddings, pins and exclusions with
/// a search, freshness before a run), shared with `whet search` and `whet run`; this feature runs the
/// session's slow steps as jobs (opening the index, connecting to a shared store, embedding, searches that
/// call a model), searches as the prompt's input changes, and copies the session into its slice for drawing.
/// It reads the prompt's text and variables through the workbench; runs read its chunks the same way.
@MainActor
final class ContextFeature {
    /// This feature's slice of the state: only this feature writes it (from `session`).
    var state: ContextState
    unowned let workbench: Workbench
    /// Retrieval as the core holds it.
    let session: ContextSession
    /// Opening the index: bringing it up to date with the corpus, or connecting to a shared store.
    let connectJob: JobSlot
    /// Bringing chunk embeddings up to date.
    let denseJob: JobSlot
    /// A search that calls a model or an embedder; a newer search drops it.
    let searchJob: JobSlot
    /// What was asked for while the index was opening (a run, an eval): done when it is open.
    private var waitingForIndex: [@MainActor () -> Void] = []
    /// What was asked for while the vectors caught up with a changed index: done when they have.
    private var waitingForVectors: [@MainActor () -> Void] = []
    /// Set once the status line said the corpus cannot be watched.
    private var saidWatchUnavailable = false

    init(_ state: ContextState, workbench: Workbench, jobs: Jobs) {
        self.state = state
        self.workbench = workbench
        session = ContextSession(
            workspace: workbench.app.workspace, options: state.retrievalOptions, topK: state.topK, enabled: true)
        connectJob = jobs.slot("connect")
        denseJob = jobs.slot("embeddings")
        searchJob = jobs.slot("search")
        self.state.take(session)
    }

    var workspace: Workspace { workbench.app.workspace }
    var readOnly: Bool { workbench.app.readOnly }
    /// The lexical index, once open.
    var index: LexicalIndex? { session.lexical }
    /// The retrieval pipeline for the current options.
    var retriever: WorkspaceRetriever? { session.retriever }

    /// Copies the session into the slice after a change.
    func sync() { state.take(session) }

    /// Opens the index the way `whet search` does (`ContextSession.openIndex`): with `background`, as a job,
    /// so a big corpus or a far-away store never holds the first frames (the pane says `opening the index…`);
    /// tests open it in place. Embeddings are computed when a method needs them. Failures are shown, not fatal.
    func openIndex(background: Bool = false) {
        guard !readOnly, state.retrievalEnabled else { return }
        let workspace = workspace
        guard background else {
            attach(Result { try ContextSession.openIndex(workspace) })
            return
        }
        connectJob.start { port in
            // A big corpus changed since the last update takes a while: the pane says how far it is, a few
            // times a second at most.
            let pace = Pace(interval: 0.2)
            let result = Result {
                try ContextSession.openIndex(
                    workspace,
                    progress: { done, total, _ in
                        guard pace.due() else { return }
                        port.post { self.state.openingProgress = "indexing \(done)/\(total)" }
                    })
            }
            port.finish { self.attach(result) }
        }
    }

    /// The index is open (or could not be): the status says which; a shared store is listened to, so another
    /// person's `whet index` shows here without a restart; embeddings when the method needs them; then the
    /// first search, and a run that was waiting for it.
    func attach(_ result: Result<ContextSession.Opened, any Error>) {
        do {
            let report = try session.attach(result)
            if report.busyWith != nil, let note = report.warnings.first {
                workbench.notify(.info(note.message))
            } else if !report.warnings.isEmpty {
                workbench.notify(.warning("\(report.warnings.count) corpus file(s) skipped: \(report.warnings[0])"))
            }
        } catch {
            workbench.notify(.failure(error))
        }
        if case .unavailable(let reason) = session.status {
            workbench.notify(.failure(reason.underlying, doing: "retrieval is unavailable"))
        }
        if let shared = index?.store as? PostgresChunkStore {
            let port = connectJob.listen()
            do {
                try shared.onChange { generation in port.post { self.storeChanged(generation: generation) } }
            } catch {
                workbench.notify(.failure(error))
            }
        }
        if session.needsEmbeddings { openDenseInBackground() }
        session.watchCorpus()
        state.openingProgress = nil
        sync()
        refreshContext()
        let waiting = waitingForIndex
        waitingForIndex = []
        for action in waiting { action() }
    }

    /// Looks at the corpus watch (the loop, once a second): whether the corpus changed since the index was
    /// last brought up to date (the pane's title says so), and takes the watch over when the process that
    /// kept it ended. A watch that cannot run here is said once. True when the screen changed.
    func followCorpus() -> Bool {
        guard let watch = session.corpusWatch else { return false }
        let changed = session.corpusChangedSinceCheck
        defer { state.corpusChanged = changed }
        switch watch.state {
        case .unavailable(let reason) where !saidWatchUnavailable:
            saidWatchUnavailable = true
            workbench.notify(.info("not watching the corpus (\(reason)): each run compares it file by file"))
            return true
        case .elsewhere where !CorpusWatcher.isWatched(workspace):
            session.stopWatchingCorpus()
            session.watchCorpus()
        default:
            break
        }
        return changed != state.corpusChanged
    }

    /// Whether the index is still being opened.
    var isOpening: Bool { state.retrievalEnabled && !readOnly && session.status == .connecting }

    /// Defers `action` until the index is open when it is still opening (true, said on the status line), so a
    /// run, an eval or a dataset never goes without the context it would have had; false when it can go now.
    func deferUntilOpen(_ what: String, _ action: @escaping @MainActor () -> Void) -> Bool {
        guard isOpening else { return false }
        waitingForIndex.append(action)
        workbench.notify(.info("opening the index; \(what) starts when it is ready"))
        return true
    }

    /// Brings the index up to date with the corpus (what a run, an eval or a dataset is about to search), then
    /// defers `action` while the vectors catch up with an index that changed since they were made (the corpus
    /// indexed now, another process's `whet index`), so a dense or hybrid search never misses chunks the
    /// corpus has; true when deferred (said on the status line). Lexical searches wait for nothing.
    func deferUntilVectorsCurrent(_ what: String, _ action: @escaping @MainActor () -> Void) -> Bool {
        guard state.retrievalEnabled, !readOnly else { return false }
        do {
            try session.bringUpToDate(unlessCheckedWithin: .zero)
        } catch {
            workbench.notify(.failure(error))
        }
        sync()
        guard session.dense != nil, session.vectorsBehind else { return false }
        waitingForVectors.append(action)
        workbench.notify(.info("the index changed: updating the embeddings; \(what) starts when they are ready"))
        openDenseInBackground()
        return true
    }

    /// Another process committed to the shared store (its NOTIFY): the context is searched again.
    func storeChanged(generation: Int) {
        guard !readOnly else { return }
        if workbench.app.message == nil {
            workbench.notify(.info("the shared store changed (generation \(generation)): context searched again"))
        }
        refreshContext()
    }

    /// Embeds what the cache lacks without blocking typing; its completion brings the context up to date.
    func openDenseInBackground() {
        guard !denseJob.isBusy, let index, (try? workspace.embedder()) != nil else { return }
        let workspace = workspace
        state.embedding = true
        denseJob.start { port in
            let result = await Result(awaiting: { try await ContextSession.openDense(workspace, lexical: index) })
            port.finish { self.denseOpened(result) }
        }
    }

    func denseOpened(_ result: Result<(DenseRetriever, DenseRetriever.Report)?, any Error>) {
        state.embedding = false
        do {
            let switched = try session.attachDense(result)
            // Only news (chunks sent to a server), and never over a message the user is reading.
            if case .success(let (retriever, report)?) = result, report.embedded > 0, !retriever.embedsLocally,
                workbench.app.message == nil
            {
                workbench.notify(
                    .info("embedded \(report.embedded) chunks for dense search (\(report.reused) from cache)"))
            }
            if let switched {
                workbench.notify(.info("retrieval: \(switched.label)"))
                workbench.reassess()
            }
        } catch {
            workbench.notify(.failure(error))
        }
        sync()
        refreshContext()
        let waiting = waitingForVectors
        waitingForVectors = []
        for action in waiting { action() }
    }

    /// `:retrieval on|off`.
    func setEnabled(_ enabled: Bool) {
        state.retrievalEnabled = enabled
        workbench.reassess()
        if enabled, index == nil, session.status == .connecting { openIndex() } else { refreshContext() }
    }

    /// Another run is shown (`[` / `]`): its chunks are listed from the top.
    func listFromTop() { state.contextList = ListState() }

    /// In review mode the context pane shows what the viewed run used.
    func show(recorded run: RunRecord) {
        state.results = run.retrieval?.chunks.map(\.chunk) ?? []
        state.excluded = Set(run.retrieval?.chunks.filter { $0.citation == nil }.map(\.chunk.location) ?? [])
        state.retrievalEnabled = run.retrieval != nil
        state.topK = run.retrieval?.topK ?? state.topK
        state.query = run.retrieval?.query ?? ""
        state.contextList = ListState()
    }
}

/// Lets through at most one event per `interval` (progress from a tight loop on another thread).
final class Pace: @unchecked Sendable {
    // @unchecked: `last` is only touched under `lock`.
    private let lock = NSLock()
    private let interval: TimeInterval
    private var last = Date.distantPast

    init(interval: TimeInterval) { self.interval = interval }

    /// True when `interval` has passed since the last true.
    func due() -> Bool {
        lock.withLock {
            let now = Date()
            guard now.timeIntervalSince(last) >= interval else { return false }
            last = now
            return true
        }
    }
}
