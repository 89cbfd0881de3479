import Foundation
import WhetCore

/// The context feature: what retrieval gives the prompt. It opens the indexes (the workspace's, a shared
/// store's in the background, an application's retriever), keeps embeddings up to date when a method needs
/// them, searches as the prompt's input changes, and holds what the user chose (pins, exclusions, method,
/// top-k). It reads the prompt's text and variables through the workbench; runs read its chunks the same way.
@MainActor
final class ContextFeature {
    /// This feature's slice of the state: only this feature writes it.
    var state: ContextState
    unowned let workbench: Workbench
    var index: LexicalIndex?
    /// Embeddings for dense and hybrid search, once computed (on first use).
    var dense: DenseRetriever?
    /// The retrieval pipeline for the current options.
    var retriever: WorkspaceRetriever?
    /// Options waiting for embeddings to be computed (`m` pressed before they existed).
    var pendingOptions: RetrievalOptions?
    /// Connecting to a shared store (it may be far away, or gone).
    let connectJob: JobSlot
    /// Bringing chunk embeddings up to date.
    let denseJob: JobSlot
    /// A search that calls a model or an embedder; a newer search drops it.
    let searchJob: JobSlot

    init(_ state: ContextState, workbench: Workbench, jobs: Jobs) {
        self.state = state
        self.workbench = workbench
        connectJob = jobs.slot("connect")
        denseJob = jobs.slot("embeddings")
        searchJob = jobs.slot("search")
    }

    var workspace: Workspace { workbench.app.workspace }
    var readOnly: Bool { workbench.app.readOnly }

    /// Opens (and updates) the lexical index. Embeddings are computed when a method needs them (the
    /// configured one, or `m`). Failures are shown, not fatal.
    func openIndex() {
        guard !readOnly, state.retrievalEnabled else { return }
        state.indexPending = false
        if workspace.usesOutsideRetriever {
            // The application's retriever answers: nothing of the corpus is indexed or embedded here.
            index = try? LexicalIndex(url: nil)
            rebuildRetriever()
            refreshContext()
            return
        }
        if let settings = workspace.config.store {
            // A server far away (or gone) must not freeze the first frames: the connection is made in the
            // background and the context fills in when it is there.
            let workspace = workspace
            state.searching = true
            connectJob.start { port in
                let result = Result { try workspace.openSharedIndex(settings, purpose: "whet workbench") }
                port.finish { self.sharedIndexOpened(result) }
            }
            return
        }
        do {
            let (opened, report) = try workspace.openIndex()
            index = opened
            if report.busyWith != nil, let note = report.warnings.first {
                workbench.notify(.info(note.message))
            } else if !report.warnings.isEmpty {
                workbench.notify(.warning("\(report.warnings.count) corpus file(s) skipped: \(report.warnings[0])"))
            }
        } catch {
            workbench.notify(.failure(error))
        }
        indexReady()
    }

    /// The shared store's index, opened in the background: listened to, so another person's `whet index`
    /// shows here without a restart; a store that cannot be reached leaves the workbench running without
    /// retrieval, saying why.
    func sharedIndexOpened(_ result: Result<LexicalIndex, any Error>) {
        state.searching = false
        do {
            let opened = try result.get()
            index = opened
            if let shared = opened.store as? PostgresChunkStore {
                let port = connectJob.listen()
                try shared.onChange { generation in
                    port.post { self.storeChanged(generation: generation) }
                }
            }
        } catch {
            workbench.notify(.failure(error, doing: "retrieval is unavailable"))
        }
        indexReady()
    }

    /// Another process committed to the shared store (its NOTIFY): the context is searched again.
    func storeChanged(generation: Int) {
        guard !readOnly else { return }
        if workbench.app.message == nil {
            workbench.notify(.info("the shared store changed (generation \(generation)): context searched again"))
        }
        refreshContext()
    }

    /// The index is open (or could not be): embeddings when the method needs them, then the first search.
    private func indexReady() {
        if state.retrievalOptions.method != .bm25 {
            // The configured method needs embeddings: search lexically until they exist.
            pendingOptions = state.retrievalOptions
            state.retrievalOptions.method = .bm25
            openDenseInBackground()
        }
        rebuildRetriever()
        refreshContext()
    }

    /// Embeds what the cache lacks without blocking typing; its completion brings the context up to date.
    func openDenseInBackground() {
        guard !denseJob.isBusy, let index, (try? workspace.embedder()) != nil else { return }
        let workspace = workspace
        state.embedding = true
        denseJob.start { port in
            let result = await Result(awaiting: { try await workspace.openDense(lexical: index) })
            port.finish { self.denseOpened(result) }
        }
    }

    func denseOpened(_ result: Result<(DenseRetriever, DenseRetriever.Report)?, any Error>) {
        state.embedding = false
        switch result {
        case .success(let opened):
            dense = opened?.0
            // Only news (chunks sent to a server), and never over a message the user is reading.
            if let (retriever, report) = opened, report.embedded > 0, !retriever.embedsLocally,
                workbench.app.message == nil
            {
                workbench.notify(
                    .info("embedded \(report.embedded) chunks for dense search (\(report.reused) from cache)"))
            }
            if let pending = pendingOptions, dense != nil {
                pendingOptions = nil
                state.retrievalOptions = pending
                workbench.notify(.info("retrieval: \(pending.label)"))
                workbench.reassess()
            }
            rebuildRetriever()
            refreshContext()
        case .failure(let error):
            pendingOptions = nil
            workbench.notify(.failure(error))
        }
    }

    /// `:retrieval on|off`.
    func setEnabled(_ enabled: Bool) {
        state.retrievalEnabled = enabled
        workbench.reassess()
        if enabled, index == nil { openIndex() } else { refreshContext() }
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
