import Foundation
import WhetCore

/// Searching: again for the current input as it changes (lexical searches at once, searches that call a model
/// or an embedder in the background, each dropping the one it supersedes), and what a run takes from it.
extension ContextFeature {
    /// The query the prompt's input makes (its query variable, else the rendered user message): the prompt's
    /// business, asked through the workbench.
    func currentQuery() throws -> String {
        let prompt = try workbench.prompt.parsed()
        return try RunPlan.queryText(
            prompt: prompt, variables: prompt.resolveVariables(workbench.prompt.state.variables),
            settings: workspace.config.retrieval)
    }

    /// Searches again for the current input. Lexical searches finish before the next frame; searches that
    /// call a model or an embedder run in the background, replacing any still running.
    func refreshContext() {
        guard !readOnly else { return }
        searchJob.drop()
        state.searching = false
        let selected = selectedLocation
        defer { keepSelection(on: selected) }
        guard state.retrievalEnabled, let retriever else {
            session.showPinsOnly()
            sync()
            return
        }
        let query: String
        do {
            query = try currentQuery()
        } catch {
            session.showPinsOnly()
            sync()
            workbench.notify(.failure(error))
            return
        }
        do {
            let searched = try session.searchWithoutModels(query)
            sync()
            if searched != nil { return }
        } catch {
            session.showPinsOnly()
            sync()
            workbench.notify(.failure(error))
            return
        }
        session.searching(query)
        state.searching = true
        let topK = session.topK
        // A newer search drops this one (the slot's generation): its results are never applied late.
        searchJob.start { port in
            let result = await Result(awaiting: { try await retriever.retrieve(query, topK: topK) })
            port.finish { self.searchFinished(result) }
        }
    }

    /// A search that called a model or an embedder finished.
    private func searchFinished(_ result: Result<RetrievalOutcome, any Error>) {
        state.searching = false
        let selected = selectedLocation
        switch result {
        case .success(let outcome):
            session.show(outcome)
            sync()
            keepSelection(on: selected)
            if let warning = outcome.warnings.first { workbench.notify(.warning(warning)) }
        case .failure(let error):
            workbench.notify(.failure(error))
        }
    }

    /// The chunk the cursor is on, if any.
    private var selectedLocation: ChunkLocation? {
        state.results.indices.contains(state.contextList.selected)
            ? state.results[state.contextList.selected].location : nil
    }

    /// The cursor stays on the chunk it was on when that chunk is still listed, wherever the new order puts it.
    func keepSelection(on location: ChunkLocation?) {
        if let location, let moved = state.results.firstIndex(where: { $0.location == location }) {
            state.contextList.selected = moved
        }
        state.contextList.fit(count: state.results.count, height: ContextPane.listHeight(state, workbench.layout))
    }

    /// What the context pane shows, as the outcome a run uses (pinned chunks are passed separately).
    func currentOutcome() -> RetrievalOutcome? { session.outcomeForRun }
}

extension ContextFeature {
    /// The context a run uses, by the rule `whet run` follows (`ContextSession.refreshForRun`): the corpus
    /// compared with the index and what changed indexed, the store's change token checked, and the query
    /// searched again — so the run uses the index as it is now, not as it was at the last keystroke. Searches
    /// that call a model keep the shown results, which the user is looking at.
    func contextForRun() -> RetrievalOutcome? {
        if state.retrievalEnabled, retriever != nil, let query = try? currentQuery() {
            let selected = selectedLocation
            do {
                try session.refreshForRun(query)
            } catch {
                workbench.notify(.failure(error))
            }
            sync()
            keepSelection(on: selected)
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
