import WhetCore

/// What `:optimize` found, as a list of every candidate it scored (which set, passed, the rate with its 95 %
/// interval, retrieval hit rate), the held-out verdict in the title. Enter shows a candidate's change against
/// the workspace as it is (a prompt's word diff, or the `[retrieval]` lines to paste); `a` adopts a prompt
/// candidate into the editor as one unsaved, undoable edit (a retrieval one says what to paste: whet never edits
/// whet.toml); `o` opens the whole outcome as text.
@MainActor
final class OptimizeLayer: Layer {
    let outcome: OptimizeOutcome
    /// The prompt's text the candidates are compared with (the baseline candidate's).
    let original: String
    private(set) var list = ListState()

    init(outcome: OptimizeOutcome) {
        self.outcome = outcome
        original = outcome.tried.first { $0.candidate.axis == .baseline }?.candidate.prompt.source ?? ""
    }

    /// The keys as the help lists them.
    static func help(_ state: WorkbenchState) -> LayerHelp? {
        LayerHelp("Optimize results (:optimize)", helpBindings(state))
    }

    static func helpBindings(_ state: WorkbenchState) -> [KeyBinding] {
        OptimizeLayer(outcome: OptimizeOutcome(id: "", ending: .nothingToOptimise, message: "", logPath: "")).bindings(
            state)
    }

    var selected: OptimizeOutcome.Tried? {
        outcome.tried.indices.contains(list.selected) ? outcome.tried[list.selected] : nil
    }

    func bindings(_ state: WorkbenchState) -> [KeyBinding] {
        let count = outcome.tried.count
        return [
            KeyBinding([.character("j"), .down], "j k", "select a candidate", hint: "select", hintKey: "j/k") {
                [unowned self] _ in self.list.apply(.lines(1), count: count, height: count)
            },
            KeyBinding([.character("k"), .up], "k", nil) { [unowned self] _ in
                self.list.apply(.lines(-1), count: count, height: count)
            },
            KeyBinding([.enter], "Enter", "the candidate's change against the workspace", hint: "change") {
                [unowned self] wb in self.showChange(wb)
            },
            KeyBinding(
                [.character("a")], "a", "adopt: a prompt into the editor (unsaved, undoable); settings to paste",
                hint: "adopt"
            ) { [unowned self] wb in self.adopt(wb) },
            KeyBinding([.character("o")], "o", "the whole outcome as text", hint: "outcome") { [unowned self] wb in
                wb.layers.push(
                    DocumentLayer(
                        title: "optimize \(self.outcome.id)",
                        lines: self.outcome.text.components(separatedBy: "\n").map { StyledLine($0) }, scroll: 0))
            },
            KeyBinding.closing([.escape, .character("q")], "Esc", "close", hint: "close"),
        ]
    }

    func unbound(_ key: Key, _ workbench: Workbench) -> LayerAnswer { .consumed }

    /// One row per scored candidate: `r3  context  top_k=10  search  19/26  73.1% [53.9–86.3]  hit 0.73`.
    static func row(_ tried: OptimizeOutcome.Tried) -> String {
        let score = tried.score
        let clusters = score.perCase.values.map { (passed: $0.passed, answered: $0.answered) }
        let rate = RateEstimate(clusters: clusters)
        var text = "\(tried.candidate.id)  \(tried.candidate.axis.rawValue)  \(tried.candidate.label)  \(tried.set)  "
        text += String(format: "%.0f/%d  ", score.passed, score.answered) + rate.shortText
        if let hit = score.hitRate { text += String(format: "  hit %.2f", hit) }
        return text
    }

    private func showChange(_ workbench: Workbench) {
        guard let tried = selected else { return }
        let candidate = tried.candidate
        switch candidate.axis {
        case .prompt:
            workbench.layers.push(
                DiffLayer(
                    title: "\(candidate.id) · \(candidate.label) · against the prompt as it is",
                    pieces: WordDiff.diff(original, candidate.prompt.source)))
        case .context, .baseline:
            let lines =
                candidate.variant.overrides.isEmpty
                ? ["the workspace's own settings"]
                : ["[retrieval]"] + candidate.variant.overrides.map { "\($0.key) = \($0.value)" }
            workbench.layers.push(
                DocumentLayer(
                    title: "\(candidate.id) · \(candidate.label) · settings", lines: lines.map { StyledLine($0) },
                    scroll: 0))
        }
    }

    private func adopt(_ workbench: Workbench) {
        guard let tried = selected else { return }
        let candidate = tried.candidate
        switch candidate.axis {
        case .prompt:
            guard candidate.prompt.path == workbench.prompt.state.path else {
                workbench.notify(
                    .error(
                        "\(candidate.id) is a version of \(candidate.prompt.path); open it first (:prompt)"))
                return
            }
            workbench.prompt.editPrompt { $0.replaceAll(with: candidate.prompt.source) }
            workbench.layers.remove(self)
            workbench.notify(
                .info(
                    "\(candidate.id) is in the editor, unsaved: Ctrl-S saves it, Ctrl-Z undoes it"))
        case .context, .baseline:
            let settings = candidate.variant.overrides.map { "\($0.key) = \($0.value)" }.joined(separator: ", ")
            workbench.notify(
                .info(
                    settings.isEmpty
                        ? "\(candidate.id) is the workspace as it is"
                        : "whet never edits whet.toml: paste under [retrieval]: \(settings)"))
        }
    }

    func draw(_ context: DrawContext, canvas: inout Canvas) -> (x: Int, y: Int)? {
        let theme = context.state.theme
        let box = OverlayDrawing.centered(
            context.screen, width: context.screen.width, height: context.screen.height - 1)
        let verdict = outcome.validation.map { " · held out: \($0.text)" } ?? " · \(outcome.message)"
        OverlayDrawing.frame(box, title: "Optimize \(outcome.id)" + verdict, canvas: &canvas, theme: theme)
        let inner = box.inset(1)
        guard inner.height >= 3 else { return nil }
        let height = inner.height - 1
        var view = list
        view.fit(count: outcome.tried.count, height: height)
        if outcome.tried.isEmpty {
            canvas.draw("nothing was scored", x: inner.x, y: inner.y, maxWidth: inner.width, style: theme.style(.dim))
        }
        for line in 0..<height {
            let index = view.top + line
            guard outcome.tried.indices.contains(index) else { break }
            let tried = outcome.tried[index]
            let winner = outcome.winner?.id == tried.candidate.id && tried.set.hasPrefix("validation")
            canvas.draw(
                (winner ? "★ " : "  ") + Self.row(tried), x: inner.x, y: inner.y + line, maxWidth: inner.width,
                style: theme.style(index == list.selected ? .selection : .overlay))
        }
        OverlayDrawing.footer(bindings(context.state).footer, in: box, canvas: &canvas, theme: theme)
        return nil
    }
}
