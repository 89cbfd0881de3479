import WhetCore

/// F3: the eval results view, in three modes (the matrix, one cell in full, two evals compared). Its keys
/// depend on the mode; Esc goes back a mode, then closes.
@MainActor
final class EvalsLayer: Layer {
    var browser: EvalBrowser

    init(browser: EvalBrowser) { self.browser = browser }

    /// Shows eval `id` (an eval just run) from a fresh read of the results folder.
    func show(evalID id: String, in workspace: Workspace, advice: Advice?) {
        var fresh = EvalBrowser(files: EvalHistory(workspace: workspace).files(), advice: advice)
        if let index = fresh.files.firstIndex(where: { $0.id == id }) { fresh.current = index }
        fresh.clamp()
        browser = fresh
    }

    /// The matrix mode's keys, as the help lists them.
    /// Every mode's keys: the matrix's, then those a cell and the comparison add (each mode is one context).
    static func help(_ state: WorkbenchState) -> LayerHelp? {
        let layer = EvalsLayer(browser: EvalBrowser(files: []))
        let matrix = layer.matrixBindings()
        let cell = layer.cellBindings()
        let compare = layer.compareBindings()
        return LayerHelp(
            "Eval results (F3)",
            matrix + added(cell, to: matrix, where: "in a cell") + added(compare, to: matrix, where: "comparing"),
            contexts: [matrix, cell, compare])
    }

    /// The bindings of `mode` the matrix does not list, their help saying where they work.
    private static func added(_ mode: [KeyBinding], to listed: [KeyBinding], where place: String) -> [KeyBinding] {
        let labels = Set(listed.map(\.label))
        return mode.filter { !labels.contains($0.label) }.map { binding in
            var binding = binding
            binding.help = binding.help.map { "\(place): \($0)" }
            return binding
        }
    }

    static func helpBindings(_ state: WorkbenchState) -> [KeyBinding] {
        EvalsLayer(browser: EvalBrowser(files: [])).bindings(state)
    }

    func bindings(_ state: WorkbenchState) -> [KeyBinding] {
        switch browser.mode {
        case .cell: return cellBindings()
        case .compare: return compareBindings()
        case .matrix: return matrixBindings()
        }
    }

    func unbound(_ key: Key, _ workbench: Workbench) -> LayerAnswer { .consumed }

    /// Changes the browser, then keeps its cursor inside the matrix.
    private func change(clamping: Bool = true, _ edit: @escaping (inout EvalBrowser) -> Void)
        -> @MainActor (Workbench) -> Void
    {
        { [unowned self] _ in
            edit(&self.browser)
            if clamping { self.browser.clamp() }
        }
    }

    private func matrixBindings() -> [KeyBinding] {
        [
            KeyBinding(
                [.character("j"), .down], "j k h l", "move in the case × variant matrix", hint: "move",
                hintKey: "j/k h/l", perform: change { $0.row += 1 }),
            KeyBinding([.character("k"), .up], "k", nil, perform: change { $0.row -= 1 }),
            KeyBinding([.character("l"), .right], "l", nil, perform: change { $0.column += 1 }),
            KeyBinding([.character("h"), .left], "h", nil, perform: change { $0.column -= 1 }),
            KeyBinding([.pageDown], "PgUp PgDn", "a page of cases", perform: change { $0.row += 10 }),
            KeyBinding([.pageUp], "PgUp", nil, perform: change { $0.row -= 10 }),
            KeyBinding([.home, .character("g")], "g G", "first / last case", perform: change { $0.row = 0 }),
            KeyBinding([.end, .character("G")], "G", nil, perform: change { $0.row = $0.rows.count - 1 }),
            KeyBinding(
                [.enter], "Enter", "the cell: verdicts, output, context, prompt; r steps through repeats", hint: "open"
            ) {
                [unowned self] wb in
                if self.browser.selectedResult != nil { self.browser.showCell(in: wb.app.workspace) }
            },
            KeyBinding(
                [.character("f")], "f", "failures only", hint: "failures",
                perform: change { browser in
                    if browser.classFilter != nil {
                        browser.classFilter = nil
                        browser.failuresOnly = false
                    } else {
                        browser.failuresOnly.toggle()
                    }
                    browser.row = 0
                }),
            KeyBinding(
                [.character("~")], "~", "flaky cases only (repeats disagree)",
                perform: change { browser in
                    browser.flakyOnly.toggle()
                    browser.row = 0
                }),
            KeyBinding([.character("c")], "c", "compare with an earlier eval (< > baseline)", hint: "compare") {
                [unowned self] wb in
                guard self.browser.files.count >= 2 else {
                    wb.notify(
                        .error(
                            "comparing needs two evals; this workspace has \(self.browser.files.count)"))
                    return
                }
                self.browser.baseline = self.browser.defaultBaseline
                self.browser.mode = .compare
                self.browser.row = 0
            },
            KeyBinding(
                [.character("[")], "[ / ]", "older / newer eval", hint: "older/newer eval", hintKey: "[ ]",
                perform: change {
                    $0.current = max(0, $0.current - 1)
                    $0.row = 0
                    $0.column = 0
                }),
            KeyBinding(
                [.character("]")], "]", nil,
                perform: change {
                    $0.current = min($0.files.count - 1, $0.current + 1)
                    $0.row = 0
                    $0.column = 0
                }),
            KeyBinding([.character("v")], "v", "versions of the cell's prompt", hint: "versions") { [unowned self] wb in
                if let result = self.browser.selectedResult {
                    wb.evals.openVersions(promptPath: result.prompt.path, selecting: result.prompt.hash)
                }
            },
            KeyBinding(
                [.character("w")], "w", "write this eval's HTML report to evals/reports/ (also :report)",
                hint: "report", changesWorkspace: true
            ) {
                $0.evals.writeReport()
            },
            KeyBinding.closing([.escape, .character("q")], "Esc", "close", hint: "close"),
        ]
    }

    private func cellBindings() -> [KeyBinding] {
        let repeats = browser.selectedCell?.results.count ?? 1
        func step(_ edit: @escaping (inout EvalBrowser) -> Void, keepRepeat: Bool = false)
            -> @MainActor (Workbench) -> Void
        {
            { [unowned self] wb in
                edit(&self.browser)
                self.browser.showCell(in: wb.app.workspace, keepRepeat: keepRepeat)
            }
        }
        var bindings = ScrollKeys.bindings("scroll", space: true) { [unowned self] wb, move in
            self.scrollCell(move, screen: wb.layout)
        }
        bindings += [
            KeyBinding(
                [.character("h"), .left], "h l", "other variant", hint: "other variant", hintKey: "h/l",
                perform: step { $0.column -= 1 }),
            KeyBinding([.character("l"), .right], "l", nil, perform: step { $0.column += 1 }),
            KeyBinding(
                [.character("n")], "n p", "next / previous case", hint: "next/previous case", hintKey: "n/p",
                perform: step { $0.row += 1 }),
            KeyBinding([.character("p")], "p", nil, perform: step { $0.row -= 1 }),
        ]
        if repeats > 1 {
            bindings.append(
                KeyBinding(
                    [.character("r")], "r", "next repeat",
                    hint: "next repeat (\(browser.repeatShown + 1) of \(repeats))",
                    perform: step({ $0.repeatShown = ($0.repeatShown + 1) % max(1, repeats) }, keepRepeat: true)))
        }
        bindings.append(
            KeyBinding([.escape, .character("q"), .enter], "Esc", "back to the matrix", hint: "back") {
                [unowned self] _ in
                self.browser.mode = .matrix
            })
        return bindings
    }

    /// Scrolls the cell view by `move` within its lines at the screen's size, like any scrolled text.
    private func scrollCell(_ move: ScrollMove, screen layout: Layout) {
        guard case .cell(let offset) = browser.mode else { return }
        let screen = Rect(x: 0, y: 0, width: layout.status.width, height: layout.status.y + 1)
        let body = EvalViews.body(of: screen)
        let count = EvalViews.cellLines(browser.selectedResult, cellPrompt: browser.cellPrompt, width: body.width).count
        var scroll = ScrollState(offset: offset)
        scroll.apply(move, count: count, height: body.height)
        browser.mode = .cell(scroll: scroll.offset)
    }

    private func compareBindings() -> [KeyBinding] {
        [
            KeyBinding(
                [.character("j"), .down], "j k", "move",
                perform: change(clamping: false) { $0.row = min($0.row + 1, max(0, $0.changes.count - 1)) }),
            KeyBinding(
                [.character("k"), .up], "k", nil, perform: change(clamping: false) { $0.row = max(0, $0.row - 1) }),
            KeyBinding(
                [.character("c")], "c", "back to the matrix", hint: "back to the matrix",
                perform: change {
                    $0.mode = .matrix
                    $0.row = 0
                }),
            KeyBinding(
                [.character("<")], "< >", "baseline", hint: "baseline", hintKey: "< >",
                perform: change(clamping: false) {
                    $0.baseline = max(0, ($0.baseline ?? 0) - 1)
                    $0.row = 0
                }),
            KeyBinding(
                [.character(">")], ">", nil,
                perform: change(clamping: false) {
                    $0.baseline = min($0.files.count - 1, ($0.baseline ?? 0) + 1)
                    $0.row = 0
                }),
            KeyBinding(
                [.character("[")], "[ ]", "shown eval", hint: "shown eval", hintKey: "[ ]",
                perform: change(clamping: false) {
                    $0.current = max(0, $0.current - 1)
                    $0.row = 0
                }),
            KeyBinding(
                [.character("]")], "]", nil,
                perform: change(clamping: false) {
                    $0.current = min($0.files.count - 1, $0.current + 1)
                    $0.row = 0
                }),
            KeyBinding(
                [.character("f")], "f", "changes only", hint: "changes only",
                perform: change(clamping: false) {
                    $0.failuresOnly.toggle()
                    $0.row = 0
                }),
            KeyBinding.closing([.escape, .character("q")], "Esc", "close", hint: "close"),
        ]
    }

    func draw(_ context: DrawContext, canvas: inout Canvas) -> (x: Int, y: Int)? {
        EvalViews.drawBrowser(
            browser, keys: bindings(context.state).footer, state: context.state, screen: context.screen, canvas: &canvas
        )
        return nil
    }
}
