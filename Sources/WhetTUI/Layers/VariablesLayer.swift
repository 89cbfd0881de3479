import WhetCore

/// Ctrl-V / F2: the prompt's variables as a form. Enter edits the selected value in a line editor (the
/// cursor moves: Left/Right, Home/End, Ctrl-A/Ctrl-E); Enter again keeps it and moves to the next.
@MainActor
final class VariablesLayer: Layer {
    private(set) var list = ListState()
    /// The value being edited, if one is.
    private(set) var editing: LineEditor?

    /// The keys as the help lists them: the form's, then those of a value being edited (two contexts: a key
    /// means one thing in each).
    static func help(_ state: WorkbenchState) -> LayerHelp? {
        let layer = VariablesLayer()
        let form = layer.bindings(state)
        layer.editing = LineEditor("")
        let editing = layer.bindings(state)
        return LayerHelp(
            "Variables", form + editing.filter { $0.help != nil && $0.keys != [.escape] }, contexts: [form, editing])
    }

    static func names(_ state: WorkbenchState) -> [String] {
        state.prompt.variableNames.filter { !RunPlan.retrievalVariables.contains($0) }
    }

    func bindings(_ state: WorkbenchState) -> [KeyBinding] {
        let names = Self.names(state)
        if editing != nil {
            return [
                KeyBinding([.enter], "Enter", "while editing: keep the typed value", hint: "keep") {
                    [unowned self] wb in
                    if names.indices.contains(self.list.selected), let value = self.editing?.text {
                        // The prompt feature keeps the value; the context is searched again for it.
                        wb.prompt.setVariable(names[self.list.selected], to: value)
                    } else {
                        wb.context.refreshContext()
                    }
                    self.editing = nil
                    self.list.apply(.lines(1), count: names.count, height: names.count)
                },
                KeyBinding([.escape], "Esc", "while editing: leave the value as it was", hint: "cancel") {
                    [unowned self] _ in
                    self.editing = nil
                },
            ]
        }
        return [
            KeyBinding([.character("j"), .down, .tab], "j k / arrows / Tab", "select", hint: "select", hintKey: "j/k") {
                [unowned self] _ in self.list.apply(.lines(1), count: names.count, height: names.count)
            },
            KeyBinding([.character("k"), .up, .backTab], "k", nil) { [unowned self] _ in
                self.list.apply(.lines(-1), count: names.count, height: names.count)
            },
            KeyBinding([.enter], "Enter", "edit the value (a conversation as its messages)", hint: "edit") {
                [unowned self] wb in
                guard names.indices.contains(self.list.selected) else { return }
                let name = names[self.list.selected]
                let value = wb.prompt.state.variables[name] ?? ""
                if wb.prompt.state.threadInputs.contains(name) {
                    do {
                        wb.layers.push(
                            ThreadLayer(name: name, messages: try ThreadValue.messages(from: value, input: name)))
                        return
                    } catch {
                        wb.notify(.warning("\(error); edit it as text"))
                    }
                }
                self.editing = LineEditor(value)
            },
            KeyBinding.closing([.escape], "Esc", "close", hint: "close"),
        ]
    }

    func unbound(_ key: Key, _ workbench: Workbench) -> LayerAnswer {
        guard editing != nil else { return .close }
        _ = editing?.apply(key)
        return .consumed
    }

    func draw(_ context: DrawContext, canvas: inout Canvas) -> (x: Int, y: Int)? {
        let state = context.state
        let theme = state.theme
        let names = Self.names(state)
        let box = OverlayDrawing.centered(
            context.screen, width: min(context.screen.width - 4, 70),
            height: min(context.screen.height - 2, names.count + 4))
        OverlayDrawing.frame(box, title: "Variables", canvas: &canvas, theme: theme)
        let inner = box.inset(1)
        var cursor: (x: Int, y: Int)? = nil
        var view = list
        view.fit(count: names.count, height: max(1, inner.height - 1))
        for row in 0..<max(0, inner.height - 1) {
            let index = view.top + row
            guard names.indices.contains(index) else { break }
            let isSelected = index == view.selected
            let label = "\(names[index]) = "
            let labelWidth = DisplayWidth.of(label)
            let style = theme.style(isSelected ? .selection : .overlay)
            canvas.draw(label, x: inner.x, y: inner.y + row, maxWidth: inner.width, style: style)
            if isSelected, let editing {
                let (text, column) = editing.visible(width: max(1, inner.width - labelWidth))
                canvas.draw(
                    text, x: inner.x + labelWidth, y: inner.y + row, maxWidth: inner.width - labelWidth, style: style)
                cursor = (min(inner.x + inner.width - 1, inner.x + labelWidth + column), inner.y + row)
            } else {
                let value = state.displayedValue(of: names[index])
                canvas.draw(
                    value, x: inner.x + labelWidth, y: inner.y + row, maxWidth: inner.width - labelWidth, style: style)
            }
        }
        if names.isEmpty {
            canvas.draw("this prompt has no variables", x: inner.x, y: inner.y, style: theme.style(.dim))
        }
        OverlayDrawing.footer(bindings(state).footer, in: box, canvas: &canvas, theme: theme)
        return cursor
    }
}
