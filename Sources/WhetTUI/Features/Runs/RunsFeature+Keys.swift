import Foundation
import WhetCore

/// Runs and sessions: starting a run through the core's `RunSession` (its events come back through the
/// queue), stepping through earlier runs, diffs, sessions, and rating.
extension Workbench {
    /// Reads the current session's runs and ratings (the session whatever was run last went to).
    func loadCurrentSessionRuns() {
        let store = SessionStore(workspace: state.workspace)
        let pointer = state.workspace.derivedDirectory.appendingPathComponent("current-session")
        guard
            let id = (try? String(contentsOf: pointer, encoding: .utf8))?.trimmingCharacters(
                in: .whitespacesAndNewlines),
            store.ids().contains(id)
        else { return }
        state.sessionID = id
        state.runs = store.log(id).read().records
        state.ratings = store.ratings(id).byRun
    }

    /// Follows the session log as other processes append to it (a `whet run` from a script, another
    /// workbench): when the log grew since it was read, its runs and ratings are read again, so `[`/`]` reach
    /// every run and the title counts them all. Cheap when nothing changed: one `stat`.
    func followSessionLog() {
        guard let id = state.sessionID else { return }
        let store = SessionStore(workspace: state.workspace)
        let log = store.log(id)
        let size =
            (try? FileManager.default.attributesOfItem(atPath: log.url.path)[.size] as? NSNumber)?.uint64Value ?? 0
        let ratings =
            (try? FileManager.default.attributesOfItem(atPath: store.ratingsURL(id).path)[.size] as? NSNumber)?
            .uint64Value ?? 0
        guard size != sessionLogSize || ratings != sessionRatingsSize else { return }
        sessionLogSize = size
        sessionRatingsSize = ratings
        let viewed = state.outputView.viewedRun.map { state.runs.indices.contains($0) ? state.runs[$0].id : nil } ?? nil
        state.runs = log.read().records
        state.ratings = store.ratings(id).byRun
        if let viewed, let index = state.runs.firstIndex(where: { $0.id == viewed }) {
            state.outputView.viewedRun = index
        }
    }

    /// Opens a session's runs (review mode, or `:session ID`).
    func openSession(_ id: String) {
        let store = SessionStore(workspace: state.workspace)
        let (records, warnings) = store.log(id).read()
        state.sessionID = id
        state.runs = records
        state.ratings = store.ratings(id).byRun
        state.outputView = OutputView(viewedRun: records.isEmpty ? nil : records.count - 1)
        if let warning = warnings.first { state.message = .warning("\(warning)") }
        if state.readOnly { showRecordedRun() }
    }

    /// `s` in review mode: the session list, on the session being shown.
    func openSessions() {
        state.reviewSessions = SessionStore(workspace: state.workspace).summaries()
        layers.push(SessionsLayer(selected: max(0, state.reviewSessions.firstIndex { $0.id == state.sessionID } ?? 0)))
    }

    /// In review mode the prompt and context panes show what the viewed run used.
    func showRecordedRun() {
        guard state.readOnly, let run = state.shownRun else { return }
        state.promptName = "run \(run.run) · \(run.prompt.path) · \(run.prompt.hash.prefix(8))"
        let transcript = run.messages.map { "\($0.role.rawValue):\n\($0.content)" }.joined(separator: "\n\n")
        state.buffer = TextBuffer(text: transcript)
        state.editorView = EditorView()
        state.variableNames = run.variables.keys.sorted()
        state.variables = run.variables
        state.results = run.retrieval?.chunks.map(\.chunk) ?? []
        state.excluded = Set(run.retrieval?.chunks.filter { $0.citation == nil }.map(\.chunk.location) ?? [])
        state.retrievalEnabled = run.retrieval != nil
        state.topK = run.retrieval?.topK ?? state.topK
        state.query = run.retrieval?.query ?? ""
        state.backendName =
            state.workspace.config.backends[run.backend.name] != nil ? run.backend.name : state.backendName
        state.contextList = ListState()
        state.outputView.scroll = ScrollState()
        state.assessment = FrameworkAssessment.assess(
            workspace: state.workspace, promptText: transcript, backend: state.backend,
            evalCaseCount: state.evalCaseCount, retrievalInUse: run.retrieval != nil, evalRan: state.evalRan)
    }

    /// Starts a run of the editor's text in the background; its events stream into the output pane.
    func startRun() {
        guard !state.readOnly, runTask == nil else { return }
        var input = RunInput(
            promptName: (state.promptPath as NSString).lastPathComponent.replacingOccurrences(of: ".prompty", with: ""),
            variables: state.variables.filter { !RunPlan.retrievalVariables.contains($0.key) },
            backendName: state.backendName, retrievalEnabled: state.retrievalEnabled, topK: state.topK,
            excludedChunks: state.excluded, promptSource: state.buffer.text)
        input.pinnedChunks = state.pinned
        // The context a run uses is searched now, not remembered from the last keystroke: another process may
        // have re-indexed since (the index notices on the search). Searches that call a model keep the shown
        // results, which the user is looking at.
        if state.retrievalEnabled, let retriever, !retriever.needsModels {
            index?.checkFreshnessOnNextSearch()
            refreshContext()
        }
        do {
            launch(
                try RunPlan.make(input, in: state.workspace, retrieved: state.retrievalEnabled ? currentOutcome() : nil)
            )
        } catch {
            state.message = .failure(error)
        }
    }

    /// `c` in the output pane: the shown run's conversation goes on with `text` as the user's next turn
    /// (same context and settings); the new run records the whole thread.
    func continueRun(with text: String) {
        guard !state.readOnly, runTask == nil, let record = state.shownRun else { return }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        do {
            launch(try RunPlan.followUp(record, with: text, in: state.workspace, backendName: state.backendName))
        } catch {
            state.message = .failure(error)
        }
    }

    /// Runs `plan` in the background; its events stream into the output pane.
    private func launch(_ plan: RunPlan) {
        do {
            let run = try RunSession(
                plan: plan, workspace: state.workspace, session: state.sessionID, useCache: state.useCache)
            if state.sessionID != run.session { state.runs = [] }
            state.sessionID = run.session
            followSessionLog()
            state.live = LiveRun(number: run.provisionalNumber, output: "", started: Date(), firstToken: nil)
            state.outputView.showNewest()
            state.message = nil
            let events = self.events
            runTask = Task.detached {
                do {
                    let record = try await run.execute { event in
                        switch event {
                        case .delta(let text): events.post(.runOutput(text, firstAt: Date()))
                        case .retrying(let note): events.post(.runRetrying(note))
                        }
                    }
                    events.post(.runFinished(.success(record)))
                } catch {
                    events.post(.runFinished(.failure(error)))
                }
            }
        } catch {
            state.message = .failure(error)
        }
    }

    /// Cancels the streaming run; the partial output is kept and recorded as cancelled.
    func cancelRun() {
        runTask?.cancel()
    }

    /// `[` / `]`: an earlier or later run in the output pane (with the input it was asked with).
    func stepRun(by step: Int) {
        followSessionLog()
        guard !state.runs.isEmpty, state.live == nil else { return }
        let current = state.outputView.viewedRun ?? state.runs.count - 1
        state.outputView.viewedRun = max(0, min(state.runs.count - 1, current + step))
        state.outputView.scroll = ScrollState()
        state.outputView.follows = false
        state.contextList = ListState()
        showRecordedRun()
    }

    /// `m` in the output pane: the shown run is the diff's other side.
    func markShownRun() {
        guard !state.runs.isEmpty else { return }
        let marked = state.outputView.viewedRun ?? state.runs.count - 1
        state.outputView.markedRun = marked
        state.message = .info("marked run \(state.runs[marked].run) for diff")
    }

    /// `d`: the word diff of the marked (or previous) run and the shown one.
    func showDiff() {
        guard state.runs.count >= 2 else {
            state.message = .error("a diff needs two runs")
            return
        }
        let newer = state.outputView.viewedRun ?? state.runs.count - 1
        let older = state.outputView.markedRun.flatMap { $0 == newer ? nil : $0 } ?? max(0, newer - 1)
        guard older != newer else {
            state.message = .error("a diff needs two different runs")
            return
        }
        let (a, b) = (state.runs[min(older, newer)], state.runs[max(older, newer)])
        layers.push(
            DiffLayer(
                title: "Diff · run \(a.run) → run \(b.run)", pieces: WordDiff.diff(a.output, b.output)))
    }

    /// Rates the run shown in the output pane (appended to the session's ratings.jsonl).
    func rateShownRun(_ verdict: RunRating.Verdict, corrected: String? = nil) {
        guard let record = state.shownRun, let session = state.sessionID else {
            state.message = .error("no run to rate")
            return
        }
        let rating = RunRating(of: record, verdict: verdict, corrected: corrected, time: RunExecutor.timestamp(Date()))
        do {
            try SessionStore(workspace: state.workspace).rate(rating, inSession: session)
            state.ratings[record.id] = rating
            if state.advice != nil { refreshAdvice() }
            state.message = .info(
                "run \(record.run) rated \(verdict.rawValue)\(rating.corrected == nil ? "" : " with a corrected answer")"
            )
        } catch {
            state.message = .failure(error)
        }
    }

    /// `C`: writes the run's output to a file, opens it in the editor, and rates the run bad with what the
    /// user wrote as the corrected answer (unchanged text rates nothing).
    func correctShownRun() {
        guard let record = state.shownRun else {
            state.message = .error("no run to correct")
            return
        }
        guard let editor = externalEditor else {
            state.message = .error("no editor available here; use `whet rate … --corrected`")
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
                state.message = .info("the answer was not changed; no correction recorded")
                return
            }
            rateShownRun(.bad, corrected: edited)
        } catch {
            state.message = .failure(error)
        }
    }
}
