/// The bottom line: workspace and backend on the left, the key hints (or a message, or the command line)
/// on the right.
enum StatusBar {
    static func draw(_ state: WorkbenchState, in rect: Rect, canvas: inout Canvas) -> (x: Int, y: Int)? {
        let theme = state.theme
        canvas.fill(rect, style: theme.style(.status))
        if let command = state.commandLine {
            let text = ":" + command
            canvas.draw(text, x: rect.x, y: rect.y, maxWidth: rect.width, style: theme.style(.status))
            return (min(rect.width - 1, DisplayWidth.of(text)), rect.y)
        }
        if let search = state.searchLine {
            let text = "search: " + search
            canvas.draw(text, x: rect.x, y: rect.y, maxWidth: rect.width, style: theme.style(.status))
            return (min(rect.width - 1, DisplayWidth.of(text)), rect.y)
        }
        let model = state.backend?.model ?? "?"
        let left =
            " \(state.workspace.config.name) · \(state.backendName)/\(model)\(state.readOnly ? " · review" : "") "
        var x = rect.x + canvas.draw(left, x: rect.x, y: rect.y, maxWidth: rect.width, style: theme.style(.statusKey))
        if let progress = state.evalProgress {
            x += canvas.draw(
                " \(progress) ", x: x, y: rect.y, maxWidth: max(0, rect.width - x), style: theme.style(.statusKey))
        }
        if let message = state.message {
            canvas.draw(
                " " + VisibleText.escape(message.text), x: x, y: rect.y, maxWidth: rect.width - x,
                style: message.isError ? theme.style(.error) : theme.style(.status))
            return nil
        }
        let hints: [(String, String)] =
            state.readOnly
            ? [("[ ]", "run"), ("Tab", "pane"), ("s", "sessions"), ("F1", "help"), ("q", "quit")]
            : [("^R", "run"), ("Tab", "pane"), ("F1", "help"), ("^S", "save"), ("^Q", "quit"), (":", "cmd")]
        // A hint is shown whole or not at all.
        for (key, label) in hints where x + DisplayWidth.of(" \(key) \(label) ") <= rect.width {
            x += canvas.draw(" \(key)", x: x, y: rect.y, style: theme.style(.statusKey))
            x += canvas.draw(" \(label) ", x: x, y: rect.y, style: theme.style(.status))
        }
        return nil
    }
}
