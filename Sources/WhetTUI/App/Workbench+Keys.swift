import Foundation
import WhetCore

/// Routing keys: the top layer first, else the everywhere keys and the focused pane's; mouse clicks and the
/// wheel; keeping every pane's view in range after each key, job update and resize.
extension Workbench {
    /// Applies one key. `layout` is the screen as last drawn (for mouse clicks, paging and clamping).
    public func handle(_ key: Key, layout: Layout) {
        self.layout = layout
        defer { settle() }
        if case .resize = key { return }
        if let top = layers.top { return handle(key, in: top) }
        if app.message != nil, key != .escape { app.message = nil }
        if handleMouse(key) { return }
        if let binding = (globalBindings() + paneBindings(app.focus)).binding(for: key) {
            return perform(binding, key)
        }
        if app.focus == .prompt, !app.readOnly { PromptEditorPane.type(key, self) }
    }

    /// The top layer answers the key; the stack does what the answer says. Keys that mean the same everywhere
    /// reach through whatever is open when the layer passes them down: Ctrl-Q quits (asking first when edits
    /// are unsaved) instead of closing a viewer, F1 opens the help over it.
    func handle(_ key: Key, in layer: any Layer) {
        switch key {
        case .mouseClick, .wheelUp, .wheelDown: return
        default: break
        }
        switch layer.answer(key, self) {
        case .consumed: return
        case .close: layers.remove(layer)
        case .push(let next): layers.push(next)
        case .passDown:
            // The help does not open over itself.
            guard !(layer is HelpLayer && key == .function(1)) else { return }
            if let binding = globalBindings().binding(for: key) { perform(binding, key) }
        }
    }

    /// The everywhere keys no layer hides unless it binds them itself.
    static let reachThrough: Set<Key> = [.control("q"), .function(1)]

    /// Runs a binding, unless review mode or its disabled reason stops it (said in the status line).
    func perform(_ binding: KeyBinding, _ key: Key) {
        if app.readOnly, binding.changesWorkspace {
            let what = binding.help ?? binding.hint ?? "this"
            notify(.error("review mode is read-only: \(binding.label) (\(what)) is not available"))
            return
        }
        if let reason = binding.disabledReason {
            notify(.warning(reason))
            return
        }
        binding.perform(self, key)
    }

    /// Clicks focus a pane; the wheel scrolls the pane under the pointer.
    func handleMouse(_ key: Key) -> Bool {
        switch key {
        case .mouseClick(let x, let y):
            if let pane = layout.pane(atX: x, y: y) { app.focus = pane }
            return true
        case .wheelUp(let x, let y), .wheelDown(let x, let y):
            let down: Bool = if case .wheelDown = key { true } else { false }
            scroll(layout.pane(atX: x, y: y) ?? app.focus, .lines(down ? 3 : -3))
            return true
        default: return false
        }
    }

    /// Moves the pane's cursor or scroll position (each pane's view belongs to its feature).
    func scroll(_ pane: Pane, _ move: ScrollMove) {
        switch pane {
        case .prompt:
            if case .lines(let n) = move { prompt.state.buffer.moveVertically(by: n) }
        case .context: context.scroll(move)
        case .output: runs.scroll(move, layout)
        case .sidebar: break
        }
    }

    func cycleFocus(by step: Int) {
        let panes = Pane.allCases.filter { layout.rect(of: $0) != nil }
        guard let current = panes.firstIndex(of: app.focus) else {
            app.focus = .prompt
            return
        }
        app.focus = panes[(current + step + panes.count) % panes.count]
    }

    /// Keeps every view in range of what it shows at the current size: after keys, events and resizes,
    /// so drawing never has to change the state.
    func settle() {
        if layout.sidebar == nil, app.focus == .sidebar { app.focus = .prompt }
        prompt.fit(layout)
        let composed = state
        context.fit(layout, listed: composed.listedChunks.count)
        runs.fit(layout, composed)
    }

    /// Called when the screen size changed: the views are refitted to it.
    public func resize(to layout: Layout) {
        self.layout = layout
        settle()
    }
}
extension Workbench {
    /// The open results view's data (tests and benchmarks look at it and set it).
    var evalBrowser: EvalBrowser? {
        get { layers.first(EvalsLayer.self)?.browser }
        set { if let newValue { layers.first(EvalsLayer.self)?.browser = newValue } }
    }

    /// The open versions list's data.
    var versionBrowser: VersionBrowser? { layers.first(VersionsLayer.self)?.browser }
}

extension Workbench {
    /// Shows `browser` as the eval results view, in place of one already open (benchmarks set one up).
    public func presentEvalResults(_ browser: EvalBrowser) { evals.presentEvalResults(browser) }
}
