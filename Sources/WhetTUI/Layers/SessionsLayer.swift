/// Review mode's session list: Enter opens a session's runs; q quits; Esc closes once a session is open.
@MainActor
final class SessionsLayer: Layer {
    static func help(_ state: WorkbenchState) -> LayerHelp? {
        LayerHelp("Sessions (review mode, s)", SessionsLayer(selected: 0).bindings(state))
    }

    private(set) var list: ListState

    init(selected: Int) { list = ListState(selected: selected) }

    func bindings(_ state: WorkbenchState) -> [KeyBinding] {
        let count = state.runs.reviewSessions.count
        return ScrollKeys.bindings("select") { [unowned self] wb, move in
            self.list.apply(move, count: count, height: max(1, wb.layout.status.y - 4))
        } + [
            KeyBinding([.enter], "Enter", "open a session", hint: "open") { [unowned self] wb in
                guard wb.runs.state.reviewSessions.indices.contains(self.list.selected) else { return }
                wb.layers.remove(self)
                wb.runs.openSession(wb.runs.state.reviewSessions[self.list.selected].id)
                wb.app.focus = .output
            },
            KeyBinding([.character("q"), .control("q"), .control("c")], "q", "quit", hint: "quit") { wb in
                wb.requestQuit()
            },
            KeyBinding([.escape], "Esc", "close (quit when no session is open)") { [unowned self] wb in
                if wb.runs.state.sessionID != nil { wb.layers.remove(self) } else { wb.requestQuit() }
            },
        ]
    }

    func unbound(_ key: Key, _ workbench: Workbench) -> LayerAnswer { .consumed }

    func draw(_ context: DrawContext, canvas: inout Canvas) -> (x: Int, y: Int)? {
        let state = context.state
        let theme = state.theme
        let box = OverlayDrawing.centered(
            context.screen, width: min(context.screen.width - 4, 90),
            height: min(context.screen.height - 2, max(6, state.runs.reviewSessions.count + 4)))
        OverlayDrawing.frame(box, title: "Sessions · Enter open · q quit", canvas: &canvas, theme: theme)
        let inner = box.inset(1)
        if state.runs.reviewSessions.isEmpty {
            canvas.draw("no sessions in this workspace", x: inner.x, y: inner.y, style: theme.style(.dim))
        }
        var view = list
        view.fit(count: state.runs.reviewSessions.count, height: inner.height)
        for row in 0..<max(0, inner.height) {
            let index = view.top + row
            guard state.runs.reviewSessions.indices.contains(index) else { break }
            let summary = state.runs.reviewSessions[index]
            let runs = String(summary.runs).padding(toLength: 4, withPad: " ", startingAt: 0)
            let text =
                "\(summary.id)  \(runs) runs  \(summary.models.joined(separator: ","))  "
                + VisibleText.escape(summary.title ?? "")
            canvas.draw(
                text, x: inner.x, y: inner.y + row, maxWidth: inner.width,
                style: theme.style(index == view.selected ? .selection : .overlay))
        }
        return nil
    }
}
