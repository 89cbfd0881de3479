/// The bottom line: workspace and backend on the left, then eval progress, then the message or the key
/// hints (generated from the bindings that apply now). The command and search lines draw over it.
enum StatusBar {
    static func draw(
        _ state: WorkbenchState, hints: [(key: String, label: String)], in rect: Rect, canvas: inout Canvas
    ) {
        let theme = state.theme
        canvas.fill(rect, style: theme.style(.status))
        let model = state.backend?.model ?? "?"
        let left =
            " \(state.workspace.config.name) · \(state.runs.backendName)/\(model)\(state.readOnly ? " · review" : "") "
        var x = rect.x + canvas.draw(left, x: rect.x, y: rect.y, maxWidth: rect.width, style: theme.style(.statusKey))
        if let progress = state.evals.evalProgress ?? state.evals.optimizeProgress {
            x += canvas.draw(
                " \(progress) ", x: x, y: rect.y, maxWidth: max(0, rect.width - x), style: theme.style(.statusKey))
        }
        if let message = state.message {
            let width = max(0, rect.width - x - 1)
            canvas.draw(
                " " + fitting(VisibleText.escape(message.text), width: width), x: x, y: rect.y, maxWidth: width + 1,
                style: message.isError ? theme.style(.error) : theme.style(.status))
            return
        }
        // A hint is shown whole or not at all.
        for (key, label) in hints where x + DisplayWidth.of(" \(key) \(label) ") <= rect.width {
            x += canvas.draw(" \(key)", x: x, y: rect.y, style: theme.style(.statusKey))
            x += canvas.draw(" \(label) ", x: x, y: rect.y, style: theme.style(.status))
        }
    }

    /// `text` cut to `width` columns at a word boundary, with `…` when something was left out.
    static func fitting(_ text: String, width: Int) -> String {
        guard DisplayWidth.of(text) > width else { return text }
        guard width > 1 else { return "" }
        let head = DisplayWidth.prefix(text, fitting: width - 1)
        if let space = head.lastIndex(of: " "), head.distance(from: head.startIndex, to: space) > head.count / 2 {
            return String(head[..<space]) + " …"
        }
        return head + "…"
    }
}
