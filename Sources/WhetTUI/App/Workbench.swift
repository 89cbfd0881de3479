import Foundation
import WhetCore

/// The workbench: the state, the layer stack over the panes, the one queue background work reports into,
/// and what the state is connected to (the index, the running request, the prompt file). It routes keys
/// to the top layer or the focused pane, performs the effects bindings ask for, and applies events; the
/// components decide what keys mean (Components/, Layers/) and the views draw (Views/).
@MainActor
public final class Workbench {
    public var state: WorkbenchState
    /// The overlays, bottom to top.
    public internal(set) var layers = LayerStack()
    var index: LexicalIndex?
    /// Embeddings for dense and hybrid search, once computed (on first use).
    var dense: DenseRetriever?
    /// The retrieval pipeline for the current options.
    var retriever: WorkspaceRetriever?
    /// Options waiting for embeddings to be computed (`m` pressed before they existed).
    var pendingOptions: RetrievalOptions?
    var denseTask: Task<Void, Never>?
    var retrievalTask: Task<Void, Never>?
    /// Tells the latest background search from a stale one.
    var searchGeneration = 0
    var runTask: Task<Void, Never>?
    var evalTask: Task<Void, Never>?
    /// Gathering the fine-tuning dataset (`:finetune`); a newer request replaces it.
    var datasetTask: Task<Void, Never>?
    /// `:optimize` running in the background.
    var optimizeTask: Task<Void, Never>?
    /// Where background work posts its events; the loop applies them.
    let events = EventQueue()
    /// Derived text cached between frames: the output pane's wrapped lines.
    var outputLines = WrappedText()
    /// Set when the user asked to quit.
    public private(set) var shouldQuit = false
    /// Where the theme files live.
    let themesDirectory: URL
    /// The text last written to the recovery file.
    var lastRecoveryText: String?
    /// The session log's and ratings file's sizes when last read: `followSessionLog` reads them again when
    /// another process appended.
    var sessionLogSize: UInt64 = 0
    var sessionRatingsSize: UInt64 = 0
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
        state = WorkbenchState(
            workspace: workspace, readOnly: readOnly, promptName: promptLabel, promptPath: promptPath,
            buffer: TextBuffer(text: text), backendName: backend.name, topK: workspace.config.retrieval.topK,
            retrievalEnabled: workspace.config.retrieval.enabled, theme: theme,
            assessment: FrameworkAssessment.assess(
                workspace: workspace, promptText: text, backend: backend, evalCaseCount: 0),
            evalCaseCount: 0)
        state.retrievalOptions = RetrievalOptions(workspace.config.retrieval)
        state.indexPending = !readOnly && state.retrievalEnabled
        if readOnly {
            state.reviewSessions = SessionStore(workspace: workspace).summaries()
            layers.push(SessionsLayer(selected: max(0, state.reviewSessions.count - 1)))
        } else {
            reparsePrompt()
            loadCurrentSessionRuns()
            if let recovered = RecoveryFile.read(for: promptPath, in: workspace), recovered != text {
                layers.push(RecoveryLayer(text: recovered))
            }
        }
    }

    /// What the first frame does not need: the eval cases and the advisor's reading of the latest eval (too
    /// much I/O for a keystroke: results files, every session's ratings), then the index. Called by the loop
    /// after the first frame with `background` set, so reading them never holds a key back: they arrive as
    /// `.startupLoaded`; tests call it in place.
    public func finishStartup(background: Bool = false) {
        let workspace = state.workspace
        let promptText = state.buffer.text
        @Sendable func load() -> (Int, Advice?) {
            let count = workspace.evalFiles().reduce(0) { count, url in
                count + ((try? EvalFile.load(url, displayPath: url.path, limits: workspace.config.limits))?.count ?? 0)
            }
            let advice =
                Advisor.latestResults(in: workspace) != nil
                ? try? Advisor.advise(workspace: workspace, promptText: promptText) : nil
            return (count, advice)
        }
        if background {
            let events = self.events
            Task.detached {
                let (count, advice) = load()
                events.post(.startupLoaded(evalCaseCount: count, advice: advice))
            }
        } else {
            let (count, advice) = load()
            applyStartup(evalCaseCount: count, advice: advice)
        }
        openIndex()
    }

    /// The eval case count and the advisor's reading, once read.
    func applyStartup(evalCaseCount: Int, advice: Advice?) {
        state.evalCaseCount = evalCaseCount
        // A newer reading (an eval finished meanwhile) is not replaced by the startup one.
        if state.lastEvalID == nil { state.advice = advice }
        // A baseline is an eval that checked answers: one whose runs all failed measured nothing.
        state.evalRan = state.advice?.checkedAnything ?? false
        reassess()
    }

    // MARK: Keys

    /// Applies one key. `layout` is the screen as last drawn (for mouse clicks, paging and clamping).
    public func handle(_ key: Key, layout: Layout) {
        self.layout = layout
        defer { settle() }
        if case .resize = key { return }
        if let top = layers.top { return handle(key, in: top) }
        if state.message != nil, key != .escape { state.message = nil }
        if handleMouse(key) { return }
        if let binding = (globalBindings() + paneBindings(state.focus)).binding(for: key) {
            return perform(binding, key)
        }
        if state.focus == .prompt, !state.readOnly { PromptEditorPane.type(key, self) }
    }

    /// The top layer's bindings first, then Esc (which pops), then what the layer does with other keys.
    func handle(_ key: Key, in layer: any Layer) {
        switch key {
        case .mouseClick, .wheelUp, .wheelDown: return
        default: break
        }
        if let binding = layer.bindings(state).binding(for: key) { return perform(binding, key) }
        // Keys that mean the same everywhere reach through whatever is open: Ctrl-Q quits (asking first when
        // edits are unsaved) instead of closing a viewer, F1 opens the help over it.
        if Self.reachThrough.contains(key), !(layer is HelpLayer && key == .function(1)),
            let binding = globalBindings().binding(for: key)
        {
            return perform(binding, key)
        }
        if key == .escape || layer.unbound(key, self) == .close { layers.remove(layer) }
    }

    /// The global keys no layer hides unless it binds them itself.
    static let reachThrough: Set<Key> = [.control("q"), .function(1)]

    /// Runs a binding, unless review mode or its disabled reason stops it (said in the status line).
    func perform(_ binding: KeyBinding, _ key: Key) {
        if state.readOnly, binding.changesWorkspace {
            let what = binding.help ?? binding.hint ?? "this"
            state.message = .error("review mode is read-only: \(binding.label) (\(what)) is not available")
            return
        }
        if let reason = binding.disabledReason {
            state.message = .warning(reason)
            return
        }
        binding.perform(self, key)
    }

    /// Clicks focus a pane; the wheel scrolls the pane under the pointer.
    func handleMouse(_ key: Key) -> Bool {
        switch key {
        case .mouseClick(let x, let y):
            if let pane = layout.pane(atX: x, y: y) { state.focus = pane }
            return true
        case .wheelUp(let x, let y), .wheelDown(let x, let y):
            let down: Bool = if case .wheelDown = key { true } else { false }
            scroll(layout.pane(atX: x, y: y) ?? state.focus, .lines(down ? 3 : -3))
            return true
        default: return false
        }
    }

    /// Moves the pane's cursor or scroll position.
    func scroll(_ pane: Pane, _ move: ScrollMove) {
        switch pane {
        case .prompt:
            if case .lines(let n) = move { state.buffer.moveVertically(by: n) }
        case .context:
            state.contextList.apply(
                move, count: state.listedChunks.count, height: ContextPane.listHeight(state, layout))
        case .output:
            let height = max(1, layout.output.height - 2)
            let count = outputLines.lines(for: state, width: layout.output.width - 2).count
            if state.outputView.follows, state.live != nil {
                state.outputView.scroll.offset = ScrollState.maxOffset(count: count, height: height)
            }
            state.outputView.scroll.apply(move, count: count, height: height)
            state.outputView.follows =
                state.outputView.scroll.offset == ScrollState.maxOffset(count: count, height: height)
        case .sidebar: break
        }
    }

    func cycleFocus(by step: Int) {
        let panes = Pane.allCases.filter { layout.rect(of: $0) != nil }
        guard let current = panes.firstIndex(of: state.focus) else {
            state.focus = .prompt
            return
        }
        state.focus = panes[(current + step + panes.count) % panes.count]
    }

    /// Keeps every view in range of what it shows at the current size: after keys, events and resizes,
    /// so drawing never has to change the state.
    func settle() {
        if layout.sidebar == nil, state.focus == .sidebar { state.focus = .prompt }
        PromptEditorPane.fit(&state.editorView, buffer: state.buffer, in: layout.prompt)
        state.contextList.fit(count: state.listedChunks.count, height: ContextPane.listHeight(state, layout))
        let height = max(1, layout.output.height - 2)
        let count = outputLines.lines(for: state, width: layout.output.width - 2).count
        if state.live != nil, state.outputView.follows {
            state.outputView.scroll.offset = ScrollState.maxOffset(count: count, height: height)
        }
        state.outputView.scroll.clamp(count: count, height: height)
    }

    /// Called when the screen size changed: the views are refitted to it.
    public func resize(to layout: Layout) {
        self.layout = layout
        settle()
    }

    // MARK: Drawing

    /// The frame for a `width` × `height` screen and where the cursor goes. Drawing reads the state and the
    /// layers and changes neither.
    public func render(width: Int, height: Int, now: Date = Date()) -> (Canvas, (x: Int, y: Int)?) {
        WorkbenchRenderer.render(
            state, layers: layers.layers, output: outputLines, hints: statusHints(), width: width, height: height,
            now: now)
    }

    // MARK: Quitting

    /// Asks to quit: straight away, or after asking when edits are unsaved.
    func requestQuit(force: Bool = false) {
        if !force, !state.readOnly, state.buffer.isModified {
            if !layers.topIs(ConfirmQuitLayer.self) { layers.push(ConfirmQuitLayer()) }
            return
        }
        cancelRun()
        // Every background job ends with the workbench: an eval stops between cells (it resumes next time,
        // nothing paid twice), searches and embeddings are dropped.
        for task in [evalTask, retrievalTask, denseTask, datasetTask, optimizeTask] { task?.cancel() }
        shouldQuit = true
    }

    /// Marks the workbench finished (used by the loop on hang-up).
    public func quitNow() { shouldQuit = true }

    /// Whether a run is in flight (the loop keeps redrawing while it is).
    public var isRunning: Bool { runTask != nil }
}
