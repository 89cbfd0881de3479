import WhetCore

/// The context pane's keys: moving through the chunks, opening one, and changing what the next run gets.
extension ContextPane {
    @MainActor
    static func bindings(_ workbench: Workbench) -> [KeyBinding] {
        let state = workbench.state
        // While an earlier run is shown, the list is that run's context: it can be read, not changed.
        let recorded = state.viewingEarlierRun.map {
            "this is run \($0.run)'s context, as recorded; it cannot be changed"
        }
        return ScrollKeys.bindings("select a chunk") { wb, move in wb.scroll(.context, move) } + [
            KeyBinding([.enter], "Enter", "open the chunk: matched terms, score breakdown") { wb in
                let chunks = wb.state.listedChunks
                guard chunks.indices.contains(wb.state.selectedChunk) else { return }
                wb.layers.push(
                    ChunkLayer(chunk: chunks[wb.state.selectedChunk], excludable: wb.state.viewingEarlierRun == nil))
            },
            KeyBinding(
                [.character(" ")], "Space", "exclude / include for the next run", changesWorkspace: true,
                disabledReason: recorded
            ) { wb in
                guard wb.context.state.results.indices.contains(wb.state.selectedChunk) else { return }
                wb.context.toggleExcluded(wb.context.state.results[wb.state.selectedChunk].location)
            },
            KeyBinding(
                [.character("p")], "p", "pin / unpin (always in context)", changesWorkspace: true,
                disabledReason: recorded
            ) { $0.context.togglePin() },
            KeyBinding(
                [.character("+")], "+ / -", "top-k up / down", changesWorkspace: true, disabledReason: recorded
            ) { $0.context.changeTopK(by: 1) },
            KeyBinding([.character("-")], "-", nil, changesWorkspace: true, disabledReason: recorded) {
                $0.context.changeTopK(by: -1)
            },
            KeyBinding(
                [.character("m")], "m", "method: bm25 → dense → hybrid", changesWorkspace: true,
                disabledReason: recorded
            ) { $0.context.cycleMethod() },
            KeyBinding([.character("R")], "R", "rerank on / off", changesWorkspace: true, disabledReason: recorded) {
                $0.context.toggleRerank()
            },
            KeyBinding(
                [.character("e")], "e", "query expansion: none → multi-query → hyde", changesWorkspace: true,
                disabledReason: recorded
            ) { $0.context.cycleExpansion() },
            KeyBinding([.character("b")], "b", "the chunk's document with chunk boundaries") {
                $0.context.showChunkBoundaries()
            },
            KeyBinding(
                [.character("o")], "o", "open the source at the chunk in $PAGER (a PDF or DOCX as its extracted text)"
            ) { $0.context.openSelectedInPager() },
        ]
    }

    /// Rows for chunks: the pane's inside, less the line of model-written queries when there is one.
    static func listHeight(_ state: ContextState, _ layout: Layout) -> Int {
        let inner = layout.context.inset(1)
        return max(1, state.searchedQueries.count > 1 && inner.height >= 3 ? inner.height - 1 : inner.height)
    }
}

/// The output pane's keys: earlier runs, scrolling, diffs, ratings.
extension OutputPane {
    @MainActor
    static func bindings(_ workbench: Workbench) -> [KeyBinding] {
        let streaming = workbench.runs.state.live != nil ? "a run is streaming" : nil
        let noRun = workbench.state.shownRun == nil ? "no run to rate yet" : nil
        // In review mode `[ ]` are everywhere keys (every pane shows the viewed run): not bound twice here.
        let stepping =
            workbench.app.readOnly
            ? []
            : [
                KeyBinding(
                    [.character("[")], "[ / ]", "previous / next run (with the input it was asked with)",
                    disabledReason: streaming
                ) {
                    $0.runs.stepRun(by: -1)
                },
                KeyBinding([.character("]")], "]", nil, disabledReason: streaming) { $0.runs.stepRun(by: 1) },
            ]
        return stepping + ScrollKeys.bindings("scroll") { wb, move in wb.scroll(.output, move) } + [
            KeyBinding(
                [.character("c")], "c", "continue the conversation: a follow-up turn after this run's answer",
                changesWorkspace: true, disabledReason: streaming ?? noRun.map { _ in "no run to continue yet" }
            ) { wb in
                wb.layers.push(
                    LineInputLayer(kind: .reply, text: "") { workbench, text in workbench.runs.continueRun(with: text) }
                )
            },
            KeyBinding([.character("m")], "m", "mark run for diff") { $0.runs.markShownRun() },
            KeyBinding([.character("d")], "d", "diff marked (or previous) run with this one") { $0.runs.showDiff() },
            KeyBinding(
                [.character("+")], "+ / -", "rate the run good / bad", changesWorkspace: true, disabledReason: noRun
            ) { $0.runs.rateShownRun(.good) },
            KeyBinding([.character("-")], "-", nil, changesWorkspace: true, disabledReason: noRun) {
                $0.runs.rateShownRun(.bad)
            },
            KeyBinding(
                [.character("C")], "C", "correct the answer in $EDITOR (rates it bad, exported for fine-tuning)",
                changesWorkspace: true
            ) { $0.runs.correctShownRun() },
            KeyBinding([.character("v")], "v", "versions of the run's prompt") { wb in
                wb.evals.openVersions(
                    promptPath: wb.state.shownRun?.prompt.path, selecting: wb.state.shownRun?.prompt.hash)
            },
            KeyBinding([.character("E")], "E", "eval results") { $0.evals.openEvals() },
        ]
    }
}

/// The sidebar's keys: the eval results, and the failing cases behind each class count.
extension FrameworkSidebar {
    @MainActor
    static func bindings(_ workbench: Workbench) -> [KeyBinding] {
        [
            KeyBinding([.enter, .character("E")], "Enter or E", "eval results") { $0.evals.openEvals() },
            KeyBinding(
                keyed: FailureClass.allCases.indices.map { .character(Character(String($0 + 1))) }, "1-4",
                "the failing cases behind a class count"
            ) { wb, key in
                guard case .character(let digit) = key, let number = digit.wholeNumberValue,
                    FailureClass.allCases.indices.contains(number - 1)
                else { return }
                wb.evals.openEvals(classFilter: FailureClass.allCases[number - 1])
            },
        ]
    }
}
