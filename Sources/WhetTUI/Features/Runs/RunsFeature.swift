import Foundation
import WhetCore

/// The runs feature: the session's runs as the core's `RunHistory` follows them (other processes append
/// too), the run streaming now (through the core's `RunSession`, the same use case as `whet run`), follow-ups,
/// ratings and the output pane. It asks the prompt and context features for a run's input through the
/// workbench.
@MainActor
final class RunsFeature {
    /// This feature's slice of the state: only this feature writes it.
    var state: RunsState
    unowned let workbench: Workbench
    /// The session's runs and ratings as the log holds them, read again when another writer appended.
    var history: RunHistory?
    /// The run streaming now; another cannot start until it ends.
    let runJob: JobSlot
    /// Derived text cached between frames: the output pane's wrapped lines.
    var outputLines = WrappedText()
    /// What the plan of the run in flight warned about (said when it starts and when it is saved).
    var planWarning: String?

    init(_ state: RunsState, workbench: Workbench, jobs: Jobs) {
        self.state = state
        self.workbench = workbench
        runJob = jobs.slot("run")
    }

    var workspace: Workspace { workbench.app.workspace }
    var readOnly: Bool { workbench.app.readOnly }

    /// Reads the current session's runs and ratings (the session whatever was run last went to).
    func loadCurrentSession() {
        let store = SessionStore(workspace: workspace)
        let pointer = workspace.derivedDirectory.appendingPathComponent("current-session")
        guard
            let id = (try? String(contentsOf: pointer, encoding: .utf8))?.trimmingCharacters(
                in: .whitespacesAndNewlines),
            store.ids().contains(id)
        else { return }
        state.sessionID = id
        followSessionLog()
    }

    /// Follows the session log as other processes append to it (a `whet run` from a script, another
    /// workbench): when the log or the ratings grew since they were read, they are read again, so `[`/`]` reach
    /// every run and the title counts them all. Cheap when nothing changed: two `stat`s. True when it read
    /// them again.
    @discardableResult
    func followSessionLog() -> Bool {
        guard let id = state.sessionID else {
            history = nil
            return false
        }
        let following = history?.sessionID == id
        if !following {
            history = RunHistory(session: id, in: workspace)
        } else if history?.refresh() != true {
            return false
        }
        guard let history else { return false }
        if following {
            let known = Set(state.records.map(\.id))
            for record in history.records where !known.contains(record.id) {
                state.otherProcessRunIDs.insert(record.id)
            }
        }
        let viewed = state.outputView.viewedRun.flatMap {
            state.records.indices.contains($0) ? state.records[$0].id : nil
        }
        state.records = history.records
        state.ratings = history.ratings
        if let viewed, let index = state.records.firstIndex(where: { $0.id == viewed }) {
            state.outputView.viewedRun = index
        }
        return true
    }

    /// Opens a session's runs (review mode, or `:session ID`).
    func openSession(_ id: String) {
        let opened = RunHistory(session: id, in: workspace)
        history = opened
        state.sessionID = id
        state.records = opened.records
        state.ratings = opened.ratings
        state.outputView = OutputView(viewedRun: opened.records.isEmpty ? nil : opened.records.count - 1)
        if let warning = opened.warnings.first { workbench.notify(.warning("\(warning)")) }
        if readOnly { workbench.showRecordedRun() }
    }

    /// Starts a run of the editor's text in the background; its text streams into the output pane.
    func startRun() {
        guard !readOnly, !runJob.isBusy else { return }
        let prompt = workbench.prompt.state
        let context = workbench.context
        if context.deferUntilOpen("the run", { [weak self] in self?.startRun() }) { return }
        if context.deferUntilVectorsCurrent("the run", { [weak self] in self?.startRun() }) { return }
        if context.state.retrievalEnabled, case .unavailable(let reason) = context.state.status {
            // As `whet run` refuses: a run without the context it asks for would be recorded as if it had it.
            workbench.notify(
                .failure(
                    reason.underlying,
                    doing: "run refused (:retrieval off runs without context); retrieval is unavailable"))
            return
        }
        var input = RunInput(
            promptName: (prompt.path as NSString).lastPathComponent.replacingOccurrences(of: ".prompty", with: ""),
            variables: prompt.variables.filter { !RunPlan.retrievalVariables.contains($0.key) },
            backendName: state.backendName, retrievalEnabled: context.state.retrievalEnabled,
            topK: context.state.topK, excludedChunks: context.state.excluded, promptSource: prompt.buffer.text)
        input.pinnedChunks = context.state.pinned
        do {
            launch(
                try RunPlan.make(
                    input, in: workspace, retrieved: context.state.retrievalEnabled ? context.contextForRun() : nil))
        } catch {
            workbench.notify(.failure(error))
        }
    }

    /// `c` in the output pane: the shown run's conversation goes on with `text` as the user's next turn
    /// (same context and settings); the new run records the whole thread.
    func continueRun(with text: String) {
        guard !readOnly, !runJob.isBusy, let record = state.shownRun else { return }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { return }
        do {
            launch(try RunPlan.followUp(record, with: text, in: workspace, backendName: state.backendName))
        } catch {
            workbench.notify(.failure(error))
        }
    }

    /// Runs `plan` in the background; its text streams into the output pane, its record ends it.
    private func launch(_ plan: RunPlan) {
        do {
            let run = try RunSession(
                plan: plan, workspace: workspace, session: state.sessionID, useCache: state.useCache)
            if state.sessionID != run.session { state.records = [] }
            state.sessionID = run.session
            followSessionLog()
            state.live = LiveRun(number: run.provisionalNumber, output: "", started: Date(), firstToken: nil)
            state.outputView.showNewest()
            // What `whet run` warns about (retrieval off, so {{context}} is empty) is said here too, with the run.
            planWarning = plan.warnings.first?.message
            workbench.notify(planWarning.map { .warning($0) })
            runJob.start { port in
                let result = await Result(awaiting: {
                    try await run.execute { event in
                        switch event {
                        case .delta(let text):
                            let at = Date()
                            port.stream(text) { joined in self.received(joined, firstAt: at) }
                        case .retrying(let note):
                            port.post { self.state.retryNote = note }
                        }
                    }
                })
                port.finish { self.runFinished(result) }
            }
        } catch {
            workbench.notify(.failure(error))
        }
    }

    /// Streamed text of the running run.
    private func received(_ text: String, firstAt: Date) {
        guard state.live != nil else { return }
        state.live?.output += text
        if state.live?.firstToken == nil { state.live?.firstToken = firstAt }
    }

    /// Cancels the streaming run; the partial output is kept and recorded as cancelled.
    func cancelRun() { runJob.cancel() }

    /// Whether a run is in flight.
    var isRunning: Bool { runJob.isBusy }

    /// The run ended and was recorded (or could not be).
    func runFinished(_ result: Result<RunRecord, any Error>) {
        state.live = nil
        state.retryNote = nil
        switch result {
        case .success(let record):
            // The log holds this run and any others appended meanwhile by other processes, in their order.
            followSessionLog()
            history?.noteRecorded(record)
            state.otherProcessRunIDs.remove(record.id)
            if !state.records.contains(where: { $0.id == record.id }) { state.records.append(record) }
            state.outputView.showNewest()
            if record.turn != nil {
                // A follow-up opens at the user's last turn: the new question and its answer; earlier turns are
                // above it.
                let width = workbench.layout.output.width - 2
                if let last = outputLines.lastUserTurn(for: workbench.state, width: width) {
                    state.outputView.scroll.offset = last
                    state.outputView.follows = false
                }
            }
            if record.finishReason == .cancelled {
                workbench.notify(.info("run \(record.run) cancelled; partial output kept"))
            } else if let error = record.error {
                workbench.notify(.error(error))
            } else if let planWarning {
                workbench.notify(.warning("run \(record.run) saved; \(planWarning)"))
            } else {
                workbench.notify(.info("run \(record.run) saved to sessions/\(state.sessionID ?? "")/runs.jsonl"))
            }
        case .failure(let error):
            workbench.notify(.failure(error))
        }
    }
}
