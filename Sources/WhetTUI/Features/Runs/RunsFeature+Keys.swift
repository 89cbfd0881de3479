import Foundation
import WhetCore

/// What the output pane's keys and the session commands do: earlier runs, diffs, ratings and corrections,
/// sessions, the backend, and the pane's scrolling.
extension RunsFeature {
    /// `s` in review mode: the session list, on the session being shown.
    func openSessions() {
        state.reviewSessions = SessionStore(workspace: workspace).summaries()
        workbench.layers.push(
            SessionsLayer(selected: max(0, state.reviewSessions.firstIndex { $0.id == state.sessionID } ?? 0)))
    }

    /// `:session ID|new|latest`.
    func switchSession(_ argument: String) {
        let store = SessionStore(workspace: workspace)
        if argument == "new", !readOnly {
            state.records = []
            state.outputView = OutputView()
            history = nil
            do { state.sessionID = try store.create(title: nil) } catch { workbench.notify(.failure(error)) }
            return
        }
        do {
            let id = try store.resolve(argument.isEmpty ? "latest" : argument)
            if !readOnly { try store.setCurrent(id) }
            openSession(id)
            workbench.notify(.info("session \(id): \(state.records.count) runs"))
        } catch {
            workbench.notify(.failure(error))
        }
    }

    /// `:backend NAME`.
    func switchBackend(_ name: String) {
        let config = workspace.config
        guard config.backends[name] != nil else {
            workbench.notify(
                .error(
                    "unknown backend '\(name)'\(Suggestion.hint(for: name, in: config.backendNames)); "
                        + "whet.toml defines: \(config.backendNames.joined(separator: ", "))"))
            return
        }
        state.backendName = name
        workbench.reassess()
        workbench.notify(.info("backend: \(name)"))
    }

    /// `:cache on|off`.
    func setCache(_ argument: String) {
        guard argument == "on" || argument == "off" else {
            workbench.notify(.error("expected :cache on|off"))
            return
        }
        state.useCache = argument == "on"
        workbench.notify(.info("response cache \(argument) for runs"))
    }

    /// In review mode the output pane starts the viewed run from its top; the backend is the run's own.
    func show(recorded run: RunRecord) {
        state.backendName = workspace.config.backends[run.backend.name] != nil ? run.backend.name : state.backendName
        state.outputView.scroll = ScrollState()
    }

    /// Scrolls the output pane (following a streaming answer's end until the user scrolls up).
    func scroll(_ move: ScrollMove, _ layout: Layout) {
        let height = max(1, layout.output.height - 2)
        let count = outputLines.lines(for: workbench.state, width: layout.output.width - 2).count
        if state.outputView.follows, state.live != nil {
            state.outputView.scroll.offset = ScrollState.maxOffset(count: count, height: height)
        }
        state.outputView.scroll.apply(move, count: count, height: height)
        state.outputView.follows =
            state.outputView.scroll.offset == ScrollState.maxOffset(count: count, height: height)
    }

    /// Keeps the output's scroll position in range at the pane's size.
    func fit(_ layout: Layout, _ composed: WorkbenchState) {
        let height = max(1, layout.output.height - 2)
        let count = outputLines.lines(for: composed, width: layout.output.width - 2).count
        if state.live != nil, state.outputView.follows {
            state.outputView.scroll.offset = ScrollState.maxOffset(count: count, height: height)
        }
        state.outputView.scroll.clamp(count: count, height: height)
    }

    /// `[` / `]`: an earlier or later run in the output pane (with the input it was asked with).
    func stepRun(by step: Int) {
        followSessionLog()
        guard !state.records.isEmpty, state.live == nil else { return }
        let current = state.outputView.viewedRun ?? state.records.count - 1
        state.outputView.viewedRun = max(0, min(state.records.count - 1, current + step))
        state.outputView.scroll = ScrollState()
        state.outputView.follows = false
        workbench.context.listFromTop()
        workbench.showRecordedRun()
    }

    /// `m` in the output pane: the shown run is the diff's other side.
    func markShownRun() {
        guard !state.records.isEmpty else { return }
        let marked = state.outputView.viewedRun ?? state.records.count - 1
        state.outputView.markedRun = marked
        workbench.notify(.info("marked run \(state.records[marked].run) for diff"))
    }

    /// `d`: the word diff of the marked (or previous) run and the shown one.
    func showDiff() {
        guard state.records.count >= 2 else {
            workbench.notify(.error("a diff needs two runs"))
            return
        }
        let newer = state.outputView.viewedRun ?? state.records.count - 1
        let older = state.outputView.markedRun.flatMap { $0 == newer ? nil : $0 } ?? max(0, newer - 1)
        guard older != newer else {
            workbench.notify(.error("a diff needs two different runs"))
            return
        }
        let (a, b) = (state.records[min(older, newer)], state.records[max(older, newer)])
        workbench.layers.push(
            DiffLayer(
                title: "Diff · run \(a.run) → run \(b.run)", pieces: WordDiff.diff(a.output, b.output)))
    }

    /// Rates the run shown in the output pane (appended to the session's ratings.jsonl).
    func rateShownRun(_ verdict: RunRating.Verdict, corrected: String? = nil) {
        guard let record = state.shownRun, let session = state.sessionID else {
            workbench.notify(.error("no run to rate"))
            return
        }
        let rating = RunRating(of: record, verdict: verdict, corrected: corrected, time: RunExecutor.timestamp(Date()))
        do {
            try SessionStore(workspace: workspace).rate(rating, inSession: session)
            state.ratings[record.id] = rating
            history?.noteRating(rating)
            if workbench.evals.state.advice != nil { workbench.evals.refreshAdvice() }
            workbench.notify(
                .info(
                    "run \(record.run) rated \(verdict.rawValue)\(rating.corrected == nil ? "" : " with a corrected answer")"
                ))
        } catch {
            workbench.notify(.failure(error))
        }
    }

    /// `C`: writes the run's output to a file, opens it in the editor, and rates the run bad with what the
    /// user wrote as the corrected answer (unchanged text rates nothing).
    func correctShownRun() {
        guard let record = state.shownRun else {
            workbench.notify(.error("no run to correct"))
            return
        }
        guard let editor = workbench.externalEditor else {
            workbench.notify(.error("no editor available here; use `whet rate … --corrected`"))
            return
        }
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent(
            "whet-\(getpid())-corrected-run-\(record.run).md")
        do {
            let start = state.ratings[record.id]?.corrected ?? record.output
            try DurableFile.writeAtomically(Data(start.utf8), to: temporary)
            editor(temporary)
            let edited = try String(contentsOf: temporary, encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines)
            try? FileManager.default.removeItem(at: temporary)
            guard !edited.isEmpty, edited != record.output.trimmingCharacters(in: .whitespacesAndNewlines) else {
                workbench.notify(.info("the answer was not changed; no correction recorded"))
                return
            }
            rateShownRun(.bad, corrected: edited)
        } catch {
            workbench.notify(.failure(error))
        }
    }
}
