import WhetCore

/// The versions of a prompt: when each was first run, how many runs, its eval pass rate. `d` diffs two,
/// over this list (Esc returns here); opened from the eval results, Esc returns there.
@MainActor
final class VersionsLayer: Layer {
    var browser: VersionBrowser

    init(browser: VersionBrowser) { self.browser = browser }

    static func help(_ state: WorkbenchState) -> LayerHelp? { LayerHelp("Prompt versions", helpBindings(state)) }

    static func helpBindings(_ state: WorkbenchState) -> [KeyBinding] {
        VersionsLayer(browser: VersionBrowser(promptPath: "", versions: [], currentHash: nil)).bindings(state)
    }

    func bindings(_ state: WorkbenchState) -> [KeyBinding] {
        let count = browser.versions.count
        return ScrollKeys.bindings("move") { [unowned self] wb, move in
            var list = ListState(selected: self.browser.selected)
            list.apply(move, count: count, height: max(1, wb.layout.status.y - 4))
            self.browser.selected = list.selected
        } + [
            KeyBinding([.character("m")], "m", "mark", hint: "mark") { [unowned self] _ in
                self.browser.marked = self.browser.marked == self.browser.selected ? nil : self.browser.selected
            },
            KeyBinding(
                [.character("d"), .enter], "d or Enter", "diff marked (or previous) version with this one",
                hint: "diff marked (or previous) with this one"
            ) {
                [unowned self] wb in self.showDiff(wb)
            },
            KeyBinding.closing([.escape, .character("q")], "Esc", "close", hint: "close"),
        ]
    }

    func unbound(_ key: Key, _ workbench: Workbench) -> LayerAnswer { .consumed }

    private func showDiff(_ workbench: Workbench) {
        let other =
            browser.marked.flatMap { $0 == browser.selected ? nil : $0 }
            ?? (browser.selected > 0 ? browser.selected - 1 : nil)
        guard let other else {
            workbench.notify(.error("a diff needs two versions"))
            return
        }
        let older = browser.versions[min(other, browser.selected)]
        let newer = browser.versions[max(other, browser.selected)]
        let store = PromptVersions(workspace: workbench.app.workspace)
        var pieces: [WordDiff.Piece]? = nil
        if let a = store.text(older.hash, promptPath: browser.promptPath),
            let b = store.text(newer.hash, promptPath: browser.promptPath)
        {
            pieces = WordDiff.diff(a, b)
        }
        workbench.layers.push(
            DiffLayer(
                title: "\(browser.promptPath) · \(older.hash.prefix(8)) → \(newer.hash.prefix(8))", pieces: pieces))
    }

    func draw(_ context: DrawContext, canvas: inout Canvas) -> (x: Int, y: Int)? {
        EvalViews.drawVersions(
            browser, keys: bindings(context.state).footer, state: context.state, screen: context.screen, canvas: &canvas
        )
        return nil
    }
}
