import Foundation
import WhetCore

/// The context pane's connection to retrieval: opening the indexes, searching as the input changes
/// (lexical searches at once, searches that call a model or embedder in the background), switching the
/// method, pinning, and opening a chunk's source in the pager.
extension Workbench {
    /// Opens (and updates) the lexical index, then brings embeddings up to date in the background when an
    /// embedding backend is configured. Failures are shown, not fatal.
    public func openIndex() {
        guard !state.readOnly, state.retrievalEnabled else { return }
        do {
            let (opened, report) = try state.workspace.openIndex()
            index = opened
            if report.busyWith != nil, let note = report.warnings.first {
                state.message = (note.message, false)
            } else if !report.warnings.isEmpty {
                state.message = ("\(report.warnings.count) corpus file(s) skipped: \(report.warnings[0])", true)
            }
        } catch {
            state.message = ("\(error)", true)
        }
        rebuildRetriever()
        openDenseInBackground()
        refreshContext()
    }

    /// Embeds what the cache lacks without blocking typing; the context refreshes when it is done.
    func openDenseInBackground() {
        guard let index, (try? state.workspace.embedder()) != nil else { return }
        let workspace = state.workspace
        state.embedding = true
        denseTask = Task { [weak self] in
            do {
                let opened = try await workspace.openDense(lexical: index)
                guard let self else { return }
                self.dense = opened?.0
                // Only news (chunks sent to a server), and never over a message the user is reading.
                if let report = opened?.1, report.embedded > 0, opened?.0.embedsLocally == false,
                    self.state.message == nil
                {
                    self.state.message = (
                        "embedded \(report.embedded) chunks for dense search (\(report.reused) from cache)", false
                    )
                }
                self.rebuildRetriever()
                self.refreshContext()
            } catch {
                self?.state.message = ("\(error)", true)
            }
            self?.state.embedding = false
            self?.needsRedraw = true
        }
    }

    /// Makes the pipeline for the current options; dense options wait (with a note) until embeddings exist.
    func rebuildRetriever() {
        guard let index else {
            retriever = nil
            return
        }
        do {
            retriever = try WorkspaceRetriever(
                workspace: state.workspace, lexical: index, dense: dense, options: state.retrievalOptions)
        } catch {
            retriever = nil
            state.message = ("\(error)", true)
        }
    }

    /// Searches again for the current input. Lexical searches finish before the next frame; searches that
    /// call a model or an embedder run in the background, replacing any still running.
    func refreshContext() {
        guard !state.readOnly else { return }
        retrievalTask?.cancel()
        retrievalTask = nil
        state.searching = false
        guard state.retrievalEnabled, let retriever else {
            state.results = state.pinned
            return
        }
        let query: String
        do {
            let prompt = try PromptFile(
                parsing: state.buffer.text, path: state.promptPath, defaultName: state.promptName)
            query = try RunPlan.queryText(
                prompt: prompt, variables: prompt.resolveVariables(state.variables),
                settings: state.workspace.config.retrieval)
        } catch {
            state.results = state.pinned
            state.message = ("\(error)", true)
            return
        }
        state.query = query
        let topK = state.topK
        do {
            if let outcome = try retriever.retrieveWithoutModels(query, topK: topK) {
                apply(outcome)
                return
            }
        } catch {
            state.results = state.pinned
            state.message = ("\(error)", true)
            return
        }
        state.searching = true
        retrievalTask = Task { [weak self] in
            do {
                let outcome = try await retriever.retrieve(query, topK: topK)
                guard !Task.isCancelled, let self else { return }
                self.apply(outcome)
                if let warning = outcome.warnings.first { self.state.message = (warning, true) }
            } catch {
                guard !Task.isCancelled, let self else { return }
                self.state.message = ("\(error)", true)
            }
            self?.state.searching = false
            self?.retrievalTask = nil
            self?.needsRedraw = true
        }
    }

    /// Shows a search's results: pinned chunks first, then the rest. The cursor stays on the chunk it was
    /// on when that chunk is still listed, wherever the new order puts it.
    func apply(_ outcome: RetrievalOutcome) {
        let selected =
            state.results.indices.contains(state.selectedChunk) ? state.results[state.selectedChunk].location : nil
        let pinnedLocations = Set(state.pinned.map(\.location))
        state.results = state.pinned + outcome.chunks.filter { !pinnedLocations.contains($0.location) }
        state.searchedQueries = outcome.queries
        if let selected, let moved = state.results.firstIndex(where: { $0.location == selected }) {
            state.selectedChunk = moved
        } else {
            state.selectedChunk = min(state.selectedChunk, max(0, state.results.count - 1))
        }
    }

    /// What the context pane shows, as the outcome a run uses (pinned chunks are passed separately).
    func currentOutcome() -> RetrievalOutcome? {
        guard retriever != nil || !state.pinned.isEmpty else { return nil }
        let pinnedLocations = Set(state.pinned.map(\.location))
        return RetrievalOutcome(
            chunks: state.results.filter { !pinnedLocations.contains($0.location) },
            queries: state.searchedQueries.isEmpty ? [state.query] : state.searchedQueries,
            method: state.retrievalOptions.label)
    }

    /// `m` in the context pane: bm25 → dense → hybrid → bm25.
    func cycleMethod() {
        let all = RetrievalMethod.allCases
        let next = all[(all.firstIndex(of: state.retrievalOptions.method).map { $0 + 1 } ?? 0) % all.count]
        setOptions { $0.method = next }
    }

    /// `R` in the context pane: reranking on or off.
    func toggleRerank() {
        setOptions { $0.rerank.toggle() }
    }

    /// `e` in the context pane: none → multi-query → hyde → none.
    func cycleExpansion() {
        let all = QueryExpansion.allCases
        let next = all[(all.firstIndex(of: state.retrievalOptions.expansion).map { $0 + 1 } ?? 0) % all.count]
        setOptions { $0.expansion = next }
    }

    private func setOptions(_ change: (inout RetrievalOptions) -> Void) {
        var options = state.retrievalOptions
        change(&options)
        if options.method != .bm25, dense == nil {
            let reason =
                (try? state.workspace.embedder()) == nil
                ? "\(options.method.rawValue) needs [retrieval] embedding_backend in whet.toml"
                : "embeddings are still being computed; try again in a moment"
            state.message = (reason, true)
            return
        }
        state.retrievalOptions = options
        rebuildRetriever()
        state.message = ("retrieval: \(options.label)", false)
        refreshContext()
    }

    /// `p` in the context pane: pin or unpin the selected chunk.
    func togglePin() {
        guard state.results.indices.contains(state.selectedChunk) else { return }
        let chunk = state.results[state.selectedChunk]
        if let index = state.pinned.firstIndex(where: { $0.location == chunk.location }) {
            state.pinned.remove(at: index)
            state.message = ("unpinned \(chunk.location)", false)
        } else {
            state.pinned.append(chunk)
            state.excluded.remove(chunk.location)
            state.message = ("pinned \(chunk.location): always in context", false)
        }
        refreshContext()
    }

    /// `o` in the context pane: the selected chunk's source in `$PAGER` (default `less`), at its first line.
    func openSelectedInPager() {
        guard state.results.indices.contains(state.selectedChunk), let pager = externalPager else { return }
        let chunk = state.results[state.selectedChunk]
        pager(state.workspace.root.appendingPathComponent(chunk.path), chunk.startLine)
        needsRedraw = true
    }

    /// `b` in the context pane: the selected chunk's whole document, cut as the index cut it, so the effect
    /// of the chunking settings can be seen; it opens scrolled to the selected chunk.
    func showChunkBoundaries() {
        guard state.results.indices.contains(state.selectedChunk), let index else { return }
        let selected = state.results[state.selectedChunk]
        do {
            let chunks = try index.chunks(inFile: selected.path)
            var lines: [String] = []
            var scroll = 0
            for (number, chunk) in chunks.enumerated() {
                if chunk.startLine == selected.startLine && chunk.endLine == selected.endLine { scroll = lines.count }
                let heading = chunk.headingPath.isEmpty ? "" : " · " + chunk.headingPath.joined(separator: " › ")
                lines.append(
                    "── chunk \(number + 1) of \(chunks.count) · lines \(chunk.startLine)-\(chunk.endLine) · ~\(estimateTokens(chunk.text)) tokens\(heading)"
                )
                lines += chunk.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            }
            let chunking = state.workspace.config.retrieval.chunking.rawValue
            state.overlay = .document(
                title: "\(selected.path) · \(chunks.count) chunks (\(chunking))", lines: lines, scroll: scroll)
        } catch {
            state.message = ("\(error)", true)
        }
    }
}
