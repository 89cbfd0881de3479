import Foundation
import WhetCore

/// Searching: again for the current input as it changes (lexical searches at once, searches that call a model
/// or an embedder in the background, each dropping the one it supersedes), and what a run takes from it.
extension ContextFeature {
    /// Makes the pipeline for the current options.
    func rebuildRetriever() {
        guard let index else {
            retriever = nil
            return
        }
        do {
            retriever = try WorkspaceRetriever(
                workspace: workspace, lexical: index, dense: dense, options: state.retrievalOptions)
        } catch {
            retriever = nil
            workbench.notify(.failure(error))
        }
    }

    /// Searches again for the current input. Lexical searches finish before the next frame; searches that
    /// call a model or an embedder run in the background, replacing any still running.
    func refreshContext() {
        guard !readOnly else { return }
        searchJob.drop()
        state.searching = false
        guard state.retrievalEnabled, let retriever else {
            state.results = state.pinned
            return
        }
        let query: String
        do {
            // The query is the prompt's business (its input and query variable): asked through the workbench.
            let prompt = try workbench.prompt.parsed()
            query = try RunPlan.queryText(
                prompt: prompt, variables: prompt.resolveVariables(workbench.prompt.state.variables),
                settings: workspace.config.retrieval)
        } catch {
            state.results = state.pinned
            workbench.notify(.failure(error))
            return
        }
        state.query = query
        let topK = state.topK
        do {
            if let outcome = try retriever.retrieveWithoutModels(query, topK: topK) {
                applySearch(outcome)
                return
            }
        } catch {
            state.results = state.pinned
            workbench.notify(.failure(error))
            return
        }
        state.searching = true
        // A newer search drops this one (the slot's generation): its results are never applied late.
        searchJob.start { port in
            let result = await Result(awaiting: { try await retriever.retrieve(query, topK: topK) })
            port.finish { self.searchFinished(result) }
        }
    }

    /// A search that called a model or an embedder finished.
    private func searchFinished(_ result: Result<RetrievalOutcome, any Error>) {
        state.searching = false
        switch result {
        case .success(let outcome):
            applySearch(outcome)
            if let warning = outcome.warnings.first { workbench.notify(.warning(warning)) }
        case .failure(let error):
            workbench.notify(.failure(error))
        }
    }

    /// Shows a search's results: pinned chunks first (with this search's score and rank when it found them
    /// too, else marked as pinned), then the rest. The cursor stays on the chunk it was on when that chunk is
    /// still listed, wherever the new order puts it.
    func applySearch(_ outcome: RetrievalOutcome) {
        let selected =
            state.results.indices.contains(state.contextList.selected)
            ? state.results[state.contextList.selected].location : nil
        state.pinnedUnranked = []
        for (position, pin) in state.pinned.enumerated() {
            if let fresh = outcome.chunks.first(where: { $0.location == pin.location }) {
                state.pinned[position] = fresh
            } else {
                state.pinnedUnranked.insert(pin.location)
            }
            state.pinned[position].pinned = true
        }
        let pinnedLocations = Set(state.pinned.map(\.location))
        state.results = state.pinned + outcome.chunks.filter { !pinnedLocations.contains($0.location) }
        state.searchedQueries = outcome.queries
        if let selected, let moved = state.results.firstIndex(where: { $0.location == selected }) {
            state.contextList.selected = moved
        }
        state.contextList.fit(count: state.results.count, height: ContextPane.listHeight(state, workbench.layout))
    }

    /// What the context pane shows, as the outcome a run uses (pinned chunks are passed separately).
    func currentOutcome() -> RetrievalOutcome? {
        guard retriever != nil || !state.pinned.isEmpty else { return nil }
        let pinnedLocations = Set(state.pinned.map(\.location))
        return RetrievalOutcome(
            chunks: state.results.filter { !pinnedLocations.contains($0.location) },
            queries: state.searchedQueries.isEmpty ? [state.query] : state.searchedQueries,
            method: state.label(in: workspace))
    }

}

extension ContextFeature {
    /// The context a run uses, searched now rather than remembered from the last keystroke: another process
    /// may have re-indexed since (the index notices on the search). Searches that call a model keep the shown
    /// results, which the user is looking at.
    func contextForRun() -> RetrievalOutcome? {
        if state.retrievalEnabled, let retriever, !retriever.needsModels {
            index?.checkFreshnessOnNextSearch()
            refreshContext()
        }
        return currentOutcome()
    }

    /// Moves the context pane's selection.
    func scroll(_ move: ScrollMove) {
        state.contextList.apply(
            move, count: workbench.state.listedChunks.count, height: ContextPane.listHeight(state, workbench.layout))
    }

    /// Keeps the selection in range of the listed chunks at the pane's size.
    func fit(_ layout: Layout, listed: Int) {
        state.contextList.fit(count: listed, height: ContextPane.listHeight(state, layout))
    }
}
