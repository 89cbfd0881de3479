import Foundation
import WhetCore

/// The workbench: the features (prompt, context, runs, evals), each owning its slice of the state, its
/// effects and its jobs; the app's own state (workspace, mode, focus, status line, theme); the layer stack
/// over the panes; and the jobs. It routes keys to the top layer or the focused pane, carries what one
/// feature needs from another, and applies jobs' completions; the components decide what keys mean
/// (Components/, Layers/) and the views draw (Views/).
@MainActor
public final class Workbench {
    /// What belongs to no feature: the workspace, the mode, the focus, the status line, the theme.
    public internal(set) var app: AppState
    /// The overlays, bottom to top.
    public internal(set) var layers = LayerStack()
    /// Every background job, each in the slot of the feature that started it; all cancelled on quit.
    let jobs = Jobs()
    /// The state each feature was opened with (read once, when the features are made).
    private let seed: (PromptState, ContextState, RunsState, EvalsState)
    /// The prompt being edited and its variables.
    private(set) lazy var prompt = PromptFeature(seed.0, workbench: self)
    /// What retrieval gives the prompt.
    private(set) lazy var context = ContextFeature(seed.1, workbench: self, jobs: jobs)
    /// The session's runs, the one streaming, ratings.
    private(set) lazy var runs = RunsFeature(seed.2, workbench: self, jobs: jobs)
    /// Evals, optimisation, the advisor and the fine-tuning dataset.
    private(set) lazy var evals = EvalsFeature(seed.3, workbench: self, jobs: jobs)
    /// Set when the user asked to quit.
    public private(set) var shouldQuit = false
    /// Where the theme files live.
    let themesDirectory: URL
    /// The layout of the screen last drawn (for paging, mouse clicks and keeping views in range).
    public internal(set) var layout = Layout.make(width: 80, height: 24)
    /// Run by `Ctrl-E` to edit the prompt in an external editor; the loop supplies it (it must suspend curses).
    var externalEditor: ((URL) -> Void)?
    /// Run by `o` in the context pane to page a source file from a line; the loop supplies it.
    var externalPager: ((URL, Int) -> Void)?

    /// Opens the workbench on `workspace` for editing (or reviewing, when `readOnly`). Only what the first
    /// frame shows is read here; `finishStartup` loads the rest (index, eval cases, the advisor).
    public init(
        workspace: Workspace, promptName: String?, backendName: String?, theme: Theme, themesDirectory: URL,
        readOnly: Bool
    ) throws {
        self.themesDirectory = themesDirectory
        let backend = try workspace.config.backend(named: backendName)
        var promptLabel = "(session)"
        var promptPath = ""
        var text = ""
        if !readOnly {
            let url = try workspace.promptURL(named: promptName)
            promptPath = workspace.display(url)
            promptLabel = url.lastPathComponent
            guard let data = FileManager.default.contents(atPath: url.path),
                let decoded = String(data: data, encoding: .utf8)
            else {
                throw PromptError.unreadable(SourceLocation(file: promptPath))
            }
            text = decoded
        }
        app = AppState(workspace: workspace, readOnly: readOnly, theme: theme)
        var context = ContextState(
            topK: workspace.config.retrieval.topK, retrievalEnabled: workspace.config.retrieval.enabled)
        context.retrievalOptions = RetrievalOptions(workspace.config.retrieval)
        seed = (
            PromptState(name: promptLabel, path: promptPath, buffer: TextBuffer(text: text)), context,
            RunsState(backendName: backend.name),
            EvalsState(
                assessment: FrameworkAssessment.assess(
                    workspace: workspace, promptText: text, backend: backend, evalCaseCount: 0))
        )
        if readOnly {
            runs.state.reviewSessions = SessionStore(workspace: workspace).summaries()
            layers.push(SessionsLayer(selected: max(0, runs.state.reviewSessions.count - 1)))
        } else {
            prompt.reparsePrompt()
            runs.loadCurrentSession()
            if let recovered = RecoveryFile.read(for: promptPath, in: workspace), recovered != text {
                layers.push(RecoveryLayer(text: recovered))
            }
        }
    }

    /// Everything the panes show, as one value: the features' slices and the app's. Drawing and tests read
    /// it; setting it (tests) gives each feature its slice back.
    public var state: WorkbenchState {
        get {
            WorkbenchState(app: app, prompt: prompt.state, context: context.state, runs: runs.state, evals: evals.state)
        }
        set {
            app = newValue.app
            prompt.state = newValue.prompt
            context.state = newValue.context
            runs.state = newValue.runs
            evals.state = newValue.evals
        }
    }

    /// Where jobs' updates arrive; the loop waits on its pipe.
    var events: EventQueue { jobs.queue }

    /// What the first frame does not need: the eval cases and the advisor's reading of the latest eval, then
    /// the index. Called by the loop after the first frame with `background` set, so reading them never holds
    /// a key back; tests call it in place.
    public func finishStartup(background: Bool = false) {
        evals.loadAfterFirstFrame(background: background)
        context.openIndex(background: background)
    }

    // MARK: Between features

    /// The one way a feature reports an outcome to the user: the status line (and `:messages`). Features
    /// return or report outcomes here; none writes the status line itself.
    func notify(_ message: StatusMessage?) { app.message = message }

    /// Moves the focus (a search found its text in the editor).
    func focus(_ pane: Pane) { app.focus = pane }

    /// The sidebar's assessment after the prompt, backend or retrieval changed.
    func reassess() { evals.reassess() }

    /// In review mode the panes show what the viewed run used: its messages and variables, its context, its
    /// backend and the sidebar's reading of them.
    func showRecordedRun() {
        guard app.readOnly, let run = runs.state.shownRun else { return }
        prompt.show(recorded: run)
        context.show(recorded: run)
        runs.show(recorded: run)
        evals.assess(recorded: run, transcript: prompt.state.buffer.text)
    }

    /// Keeps unsaved edits in `.whet/recovery/` so a dropped connection loses nothing.
    public func writeRecovery() { prompt.writeRecovery() }

    /// What other processes did to the workspace since the last look: the prompt file changed on disk, runs
    /// appended to this session (another terminal's `whet run`), an eval run or eval cases changed elsewhere. The loop calls it about once a second; each check is a
    /// few `stat`s, and what changed is read again (an eval's reading in the background).
    /// True when what it found changed the screen (what the eval reading finds arrives as a job's event).
    @discardableResult
    public func followOtherProcesses() -> Bool {
        guard !app.readOnly else { return false }
        var changed = prompt.followDisk()
        changed = runs.followSessionLog() || changed
        evals.followOtherEvals()
        changed = context.followCorpus() || changed
        return changed
    }

    /// Applies every update jobs posted since the last call; returns true when any arrived (the screen changed).
    @discardableResult
    public func applyEvents() -> Bool {
        let applied = jobs.applyPending()
        if applied { settle() }
        return applied
    }

    // MARK: Drawing

    /// The frame for a `width` × `height` screen and where the cursor goes. Drawing reads the state and the
    /// layers and changes neither.
    public func render(width: Int, height: Int, now: Date = Date()) -> (Canvas, (x: Int, y: Int)?) {
        WorkbenchRenderer.render(
            state, layers: layers.layers, output: runs.outputLines, hints: statusHints(), width: width,
            height: height, now: now)
    }

    // MARK: Quitting

    /// Asks to quit: straight away, or after asking when edits are unsaved.
    func requestQuit(force: Bool = false) {
        if !force, !app.readOnly, prompt.state.buffer.isModified {
            if !layers.topIs(ConfirmQuitLayer.self) { layers.push(ConfirmQuitLayer()) }
            return
        }
        // Every background job ends with the workbench: the run is recorded as cancelled, an eval stops between
        // cells (it resumes next time, nothing paid twice), searches and embeddings are dropped.
        jobs.cancelAll()
        context.session.stopWatchingCorpus()
        shouldQuit = true
    }

    /// Marks the workbench finished (used by the loop on hang-up).
    public func quitNow() {
        jobs.cancelAll()
        context.session.stopWatchingCorpus()
        shouldQuit = true
    }

    /// Whether a run is in flight (the loop keeps redrawing while it is).
    public var isRunning: Bool { runs.isRunning }
}
