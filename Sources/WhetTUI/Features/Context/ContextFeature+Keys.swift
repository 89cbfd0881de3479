import Foundation
import WhetCore

/// What the context pane's keys do: the method, reranking and expansion, top-k, pins and exclusions, and a
/// chunk's source in the pager or its document cut as the index cut it.
extension ContextFeature {
    /// `m` in the context pane: bm25 → dense → hybrid → bm25.
    func cycleMethod() {
        guard !refuseForOutsideRetriever("m") else { return }
        let all = RetrievalMethod.allCases
        let current = session.requestedOptions.method
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
        guard workspace.usesOutsideRetriever else { return false }
        workbench.notify(
            .info(
                "\(key): searches go to [retrieval] kind = \"\(workspace.config.retrieval.kind.rawValue)\"; "
                    + "methods and expansion are whet's own (R still reranks)"))
        return true
    }

    /// Switches the pipeline; a method that needs embeddings waits (with a note) until they are computed;
    /// options the pipeline cannot be built with (expansion on the offline backend) are refused as they are,
    /// with the reason, and the search goes on as it was.
    private func setOptions(_ change: (inout RetrievalOptions) -> Void) {
        var options = session.requestedOptions
        change(&options)
        do {
            switch try session.setOptions(options) {
            case .waitingForEmbeddings:
                workbench.notify(.info("computing embeddings for \(options.label); it switches when they are ready"))
                sync()
                openDenseInBackground()
                return
            case .switched:
                workbench.notify(.info("retrieval: \(options.label)"))
            }
        } catch {
            workbench.notify(.failure(error))
            return
        }
        sync()
        workbench.reassess()
        refreshContext()
    }

    /// `+` / `-` in the context pane: one more or one fewer chunk.
    func changeTopK(by step: Int) {
        session.topK = max(1, session.topK + step)
        sync()
        workbench.reassess()
        refreshContext()
    }

    /// Space in the context pane (or the chunk view): leave the chunk out of the next run, or put it back.
    func toggleExcluded(_ location: ChunkLocation) {
        let excluded = session.toggleExcluded(location)
        workbench.notify(.info(excluded ? "\(location) left out of the next run" : "\(location) back in the next run"))
        sync()
    }

    /// `p` in the chunk view: pin or unpin that chunk (a chunk of the current search).
    func togglePin(_ chunk: RetrievedChunk) {
        guard let index = state.results.firstIndex(where: { $0.location == chunk.location }) else { return }
        state.contextList.selected = index
        togglePin()
    }

    /// `p` in the context pane: pin or unpin the selected chunk.
    func togglePin() {
        guard state.results.indices.contains(state.contextList.selected) else { return }
        let chunk = state.results[state.contextList.selected]
        if session.togglePin(chunk) {
            workbench.notify(.info("pinned \(chunk.location): always in context"))
        } else {
            workbench.notify(.info("unpinned \(chunk.location)"))
        }
        sync()
        // The cursor stays on the chunk, wherever pinning moved it.
        keepSelection(on: chunk.location)
        refreshContext()
    }

    /// `o` in the context pane: the selected chunk's source in `$PAGER` (default `less`), at its first line.
    func openSelectedInPager() {
        let chunks = workbench.state.listedChunks
        guard chunks.indices.contains(state.contextList.selected), let pager = workbench.externalPager else { return }
        let chunk = chunks[state.contextList.selected]
        // A converted document (PDF, DOCX) opens as its extracted text, where the chunk's lines are.
        if workspace.config.loaders.loader(for: chunk.path) != nil {
            guard let text = workspace.extractedText(of: chunk.path) else {
                workbench.notify(.warning("\(chunk.path) has no extracted text yet: run whet index"))
                return
            }
            pager(text, chunk.startLine)
            return
        }
        pager(workspace.root.appendingPathComponent(chunk.path), chunk.startLine)
    }

    /// `b` in the context pane: the selected chunk's whole document, cut as the index cut it, so the effect
    /// of the chunking settings can be seen; it opens scrolled to the selected chunk.
    func showChunkBoundaries() {
        let listed = workbench.state.listedChunks
        guard listed.indices.contains(state.contextList.selected), let index else { return }
        let selected = listed[state.contextList.selected]
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
            let chunking = workspace.config.retrieval.chunking.rawValue
            workbench.layers.push(
                DocumentLayer(
                    title: "\(selected.path) · \(chunks.count) chunks (\(chunking))", lines: lines, scroll: scroll))
        } catch {
            workbench.notify(.failure(error))
        }
    }
}
