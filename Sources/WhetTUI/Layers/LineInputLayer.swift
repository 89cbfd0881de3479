/// The command line (`:`) and the search line (Ctrl-F), typed on the status line. Enter submits, Esc or
/// Ctrl-C cancels, Backspace on an empty line closes it; the cursor moves within the line.
@MainActor
final class LineInputLayer: Layer {
    static func help(_ state: WorkbenchState) -> LayerHelp? {
        LayerHelp(
            "Command, search and reply lines", LineInputLayer(kind: .command, text: "") { _, _ in }.bindings(state))
    }

    enum Kind {
        case command, search, reply
    }

    let kind: Kind
    private(set) var editor: LineEditor
    /// The text was offered (the last search again): Enter takes it, the first character typed replaces it
    /// (as a selected suggestion does), any other key keeps it for editing.
    private var offered: Bool
    private let submit: @MainActor (Workbench, String) -> Void

    init(kind: Kind, text: String, submit: @escaping @MainActor (Workbench, String) -> Void) {
        self.kind = kind
        self.editor = LineEditor(text)
        self.offered = kind == .search && !text.isEmpty
        self.submit = submit
    }

    var prompt: String {
        switch kind {
        case .command: ":"
        case .search: "search: "
        case .reply: "reply: "
        }
    }
    var drawsOnStatusLine: Bool { true }

    func bindings(_ state: WorkbenchState) -> [KeyBinding] {
        [
            // The line goes before its command runs: a command that looks at what is open (`:q` and the quit
            // question) must not find the line on top.
            KeyBinding([.enter], "Enter", kind == .search ? "search" : "send") { [unowned self] wb in
                wb.layers.remove(self)
                self.submit(wb, self.editor.text)
            },
            KeyBinding.closing([.escape, .control("c")], "Esc", "cancel"),
            KeyBinding([.backspace], "Backspace", nil) { [unowned self] wb in
                self.offered = false
                if self.editor.text.isEmpty { wb.layers.remove(self) } else { _ = self.editor.apply(.backspace) }
            },
        ]
    }

    func unbound(_ key: Key, _ workbench: Workbench) -> LayerAnswer {
        if offered, case .character = key { editor = LineEditor("") }
        offered = false
        _ = editor.apply(key)
        return .consumed
    }

    func draw(_ context: DrawContext, canvas: inout Canvas) -> (x: Int, y: Int)? {
        let rect = context.layout.status
        canvas.fill(rect, style: context.state.theme.style(.status))
        let promptWidth = canvas.draw(prompt, x: rect.x, y: rect.y, style: context.state.theme.style(.status))
        let (text, cursor) = editor.visible(width: rect.width - promptWidth)
        canvas.draw(
            text, x: rect.x + promptWidth, y: rect.y, maxWidth: rect.width - promptWidth,
            style: context.state.theme.style(.status))
        return (min(rect.width - 1, promptWidth + cursor), rect.y)
    }
}
