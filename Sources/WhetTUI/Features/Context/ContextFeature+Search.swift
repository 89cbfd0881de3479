import Foundation
import WhetCore

/// The context pane's connection to retrieval: opening the indexes, searching as the input changes
/// (lexical searches at once, searches that call a model or embedder in the background), switching the
/// method, pinning, and opening a chunk's source in the pager.
extension Workbench {
    /// Opens (and updates) the lexical index. Embeddings are computed when a method needs them (the
    /// configured one, or `m`). Failures are shown, not fatal.
    public func openIndex() {
        guard !state.readOnly, state.retrievalEnabled else { return }
        state.indexPending = false
        if state.workspace.usesOutsideRetriever {
            // The application's retriever answers: nothing of the corpus is indexed or embedded here.
            index = try? LexicalIndex(url: nil)
            rebuildRetriever()
            refreshContext()
            return
        }
        if let settings = state.workspace.config.store {
            // A server far away (or gone) must not freeze the first frames: the connection is made in the
            // background and the context fills in when it is there.
            let workspace = state.workspace
            let events = self.events
            state.searching = true
            Task.detached {
                events.post(
                    .sharedIndexOpened(Result { try workspace.openSharedIndex(settings, purpose: "whet workbench") }))
            }
            return
        }
        do {
            let (opened, report) = try state.workspace.openIndex()
            index = opened
            if report.busyWith != nil, let note = report.warnings.first {
                state.message = .info(note.message)
            } else if !report.warnings.isEmpty {
                state.message = .warning("\(report.warnings.count) corpus file(s) skipped: \(report.warnings[0])")
            }
        } catch {
            state.message = .failure(error)
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
                let events = self.events
                try shared.onChange { generation in events.post(.storeChanged(generation: generation)) }
            }
        } catch {
            let reason = "\(error)"
            state.message = .error(
                "retrieval is unavailable: " + (reason.hasPrefix("error: ") ? String(reason.dropFirst(7)) : reason))
        }
        indexReady()
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

    /// Embeds what the cache lacks without blocking typing; the event brings the context up to date.
    func openDenseInBackground() {
        guard denseTask == nil, let index, (try? state.workspace.embedder()) != nil else { return }
        let workspace = state.workspace
        let events = self.events
        state.embedding = true
        denseTask = Task {
            do {
                events.post(.denseOpened(.success(try await workspace.openDense(lexical: index))))
            } catch {
                events.post(.denseOpened(.failure(error)))
            }
        }
    }

    func denseOpened(_ result: Result<(DenseRetriever, DenseRetriever.Report)?, any Error>) {
        state.embedding = false
        denseTask = nil
        switch result {
        case .success(let opened):
            dense = opened?.0
            // Only news (chunks sent to a server), and never over a message the user is reading.
            if let (retriever, report) = opened, report.embedded > 0, !retriever.embedsLocally, state.message == nil {
                state.message = .info(
                    "embedded \(report.embedded) chunks for dense search (\(report.reused) from cache)")
            }
            if let pending = pendingOptions, dense != nil {
                pendingOptions = nil
                state.retrievalOptions = pending
                state.message = .info("retrieval: \(pending.label)")
                reassess()
            }
            rebuildRetriever()
            refreshContext()
        case .failure(let error):
            pendingOptions = nil
            state.message = .failure(error)
        }
    }

    /// Makes the pipeline for the current options.
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
            state.message = .failure(error)
        }
    }

    /// Searches again for the current input. Lexical searches finish before the next frame; searches that
    /// call a model or an embedder run in the background, replacing any still running.
    func refreshContext() {
        guard !state.readOnly else { return }
        retrievalTask?.cancel()
        retrievalTask = nil
        searchGeneration += 1
        state.searching = false
        guard state.retrievalEnabled, let retriever else {
            state.results = state.pinned
            return
        }
        let query: String
        do {
            let prompt = try PromptFile(
                parsing: state.buffer.text, path: state.promptPath, defaultName: state.promptName,
                baseDirectory: state.workspace.root.appendingPathComponent(state.promptPath).deletingLastPathComponent()
            )
            query = try RunPlan.queryText(
                prompt: prompt, variables: prompt.resolveVariables(state.variables),
                settings: state.workspace.config.retrieval)
        } catch {
            state.results = state.pinned
            state.message = .failure(error)
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
            state.message = .failure(error)
            return
        }
        state.searching = true
        let generation = searchGeneration
        let events = self.events
        retrievalTask = Task {
            do {
                let outcome = try await retriever.retrieve(query, topK: topK)
                guard !Task.isCancelled else { return }
                events.post(.searchFinished(generation: generation, .success(outcome)))
            } catch {
                guard !Task.isCancelled else { return }
                events.post(.searchFinished(generation: generation, .failure(error)))
            }
        }
    }

    /// Shows a search's results: pinned chunks first (with this search's score and rank when it found them
    /// too, else marked as pinned), then the rest. The cursor stays on the chunk it was on when that chunk is
    /// still listed, wherever the new order puts it.
    func applySearch(_ outcome: RetrievalOutcome) {
        let selected =
            state.results.indices.contains(state.selectedChunk) ? state.results[state.selectedChunk].location : nil
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
        state.contextList.fit(count: state.results.count, height: ContextPane.listHeight(state, layout))
    }

    /// What the context pane shows, as the outcome a run uses (pinned chunks are passed separately).
    func currentOutcome() -> RetrievalOutcome? {
        guard retriever != nil || !state.pinned.isEmpty else { return nil }
        let pinnedLocations = Set(state.pinned.map(\.location))
        return RetrievalOutcome(
            chunks: state.results.filter { !pinnedLocations.contains($0.location) },
            queries: state.searchedQueries.isEmpty ? [state.query] : state.searchedQueries,
            method: state.retrievalLabel)
    }

    /// `m` in the context pane: bm25 → dense → hybrid → bm25.
    func cycleMethod() {
        guard !refuseForOutsideRetriever("m") else { return }
        let all = RetrievalMethod.allCases
        let current = pendingOptions?.method ?? state.retrievalOptions.method
        let next = all[(all.firstIndex(of: current).map { $0 + 1 } ?? 0) % all.count]
        setOptions { $0.method = next }
    }

    /// `R` in the context pane: reranking on or off.
    func toggleRerank() { setOptions { $0.rerank.toggle() } }

    /// `e` in the context pane: none → multi-query → hyde → none.
    func cycleExpansion() {
        guard !refuseForOutsideRetriever("e") else { return }
        let all = QueryExpansion.allCases
        let next = all[(all.firstIndex(of: state.retrievalOptions.expansion).map { $0 + 1 } ?? 0) % all.count]
        setOptions { $0.expansion = next }
    }

    /// True (with a note) when the application's retriever answers: methods and expansion are whet's own.
    private func refuseForOutsideRetriever(_ key: String) -> Bool {
        guard state.workspace.usesOutsideRetriever else { return false }
        state.message = .info(
            "\(key): searches go to [retrieval] kind = \"\(state.workspace.config.retrieval.kind.rawValue)\"; "
                + "methods and expansion are whet's own (R still reranks)")
        return true
    }

    /// Switches the pipeline; a method that needs embeddings waits (with a note) until they are computed.
    private func setOptions(_ change: (inout RetrievalOptions) -> Void) {
        var options = pendingOptions ?? state.retrievalOptions
        change(&options)
        if options.method != .bm25, dense == nil {
            guard (try? state.workspace.embedder()) != nil else {
                state.message = .error("\(options.method.rawValue) needs [retrieval] embedding_backend in whet.toml")
                return
            }
            pendingOptions = options
            state.message = .info("computing embeddings for \(options.label); it switches when they are ready")
            openDenseInBackground()
            return
        }
        // Options the pipeline cannot be built with (expansion on the offline backend) are refused as they
        // are, with the reason, and the search goes on as it was.
        if let index {
            do {
                retriever = try WorkspaceRetriever(
                    workspace: state.workspace, lexical: index, dense: dense, options: options)
            } catch {
                state.message = .failure(error)
                return
            }
        }
        pendingOptions = nil
        state.retrievalOptions = options
        state.message = .info("retrieval: \(options.label)")
        reassess()
        refreshContext()
    }

    /// `+` / `-` in the context pane: one more or one fewer chunk.
    func changeTopK(by step: Int) {
        state.topK = max(1, state.topK + step)
        reassess()
        refreshContext()
    }

    /// Space in the context pane (or the chunk view): leave the chunk out of the next run, or put it back.
    func toggleExcluded(_ location: String) {
        if state.excluded.remove(location) == nil { state.excluded.insert(location) }
    }

    /// `p` in the context pane: pin or unpin the selected chunk.
    func togglePin() {
        guard state.results.indices.contains(state.selectedChunk) else { return }
        let chunk = state.results[state.selectedChunk]
        if let index = state.pinned.firstIndex(where: { $0.location == chunk.location }) {
            state.pinned.remove(at: index)
            state.message = .info("unpinned \(chunk.location)")
        } else {
            var pinned = chunk
            pinned.pinned = true
            state.pinned.append(pinned)
            state.excluded.remove(chunk.location)
            state.message = .info("pinned \(chunk.location): always in context")
        }
        refreshContext()
    }

    /// `o` in the context pane: the selected chunk's source in `$PAGER` (default `less`), at its first line.
    func openSelectedInPager() {
        let chunks = state.listedChunks
        guard chunks.indices.contains(state.selectedChunk), let pager = externalPager else { return }
        let chunk = chunks[state.selectedChunk]
        // A converted document (PDF, DOCX) opens as its extracted text, where the chunk's lines are.
        if state.workspace.config.loaders.loader(for: chunk.path) != nil {
            guard let text = state.workspace.extractedText(of: chunk.path) else {
                state.message = .warning("\(chunk.path) has no extracted text yet: run whet index")
                return
            }
            pager(text, chunk.startLine)
            return
        }
        pager(state.workspace.root.appendingPathComponent(chunk.path), chunk.startLine)
    }

    /// `b` in the context pane: the selected chunk's whole document, cut as the index cut it, so the effect
    /// of the chunking settings can be seen; it opens scrolled to the selected chunk.
    func showChunkBoundaries() {
        let listed = state.listedChunks
        guard listed.indices.contains(state.selectedChunk), let index else { return }
        let selected = listed[state.selectedChunk]
        do {
            let chunks = try index.chunks(inFile: selected.path)
            var lines: [StyledLine] = []
            var scroll = 0
            for (number, chunk) in chunks.enumerated() {
                if chunk.startLine == selected.startLine && chunk.endLine == selected.endLine { scroll = lines.count }
                let heading = chunk.headingPath.isEmpty ? "" : " · " + chunk.headingPath.joined(separator: " › ")
                lines.append(
                    StyledLine(
                        "── chunk \(number + 1) of \(chunks.count) · "
                            + (chunk.pages?.label ?? "lines \(chunk.startLine)-\(chunk.endLine)") + " · "
                            + "~\(estimateTokens(chunk.text)) tokens\(heading)", .titleFocused))
                lines += chunk.text.split(separator: "\n", omittingEmptySubsequences: false).map {
                    StyledLine(VisibleText.escape(String($0)), .overlay)
                }
            }
            let chunking = state.workspace.config.retrieval.chunking.rawValue
            layers.push(
                DocumentLayer(
                    title: "\(selected.path) · \(chunks.count) chunks (\(chunking))", lines: lines, scroll: scroll))
        } catch {
            state.message = .failure(error)
        }
    }
}
