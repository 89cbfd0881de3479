import Foundation

/// Draws the whole screen: the four panes (as the layout allows), the status bar, and the layers over them,
/// bottom to top. A frame is a function of the state, the layers and the screen size: nothing is changed
/// while drawing, so tests render it without a terminal and get the same cells the terminal gets.
@MainActor
public enum WorkbenchRenderer {
    /// Renders a `width` × `height` frame; returns it with the cursor position, if the cursor should show.
    static func render(
        _ state: WorkbenchState, layers: [any Layer], output: WrappedText, hints: [(key: String, label: String)],
        width: Int, height: Int, now: Date
    ) -> (Canvas, (x: Int, y: Int)?) {
        var canvas = Canvas(width: width, height: height, style: state.theme.style(.text))
        let layout = Layout.make(width: width, height: height)
        if layout.tooSmall {
            // Said in as many lines as the width needs, so the size is never cut off.
            let note = wrapText("whet needs at least 40×10 (now \(width)×\(height))", width: max(1, width))
            for (row, line) in note.enumerated() where row < height {
                canvas.draw(
                    line, x: 0, y: max(0, height / 2 - note.count / 2) + row, maxWidth: width,
                    style: state.theme.style(.warning))
            }
            return (canvas, nil)
        }
        let focus = layout.sidebar == nil && state.focus == .sidebar ? Pane.prompt : state.focus
        var cursor: (x: Int, y: Int)? = nil
        let promptCursor = PromptPane.draw(state, in: layout.prompt, canvas: &canvas, focused: focus == .prompt)
        if focus == .prompt { cursor = promptCursor }
        ContextPane.draw(state, in: layout.context, canvas: &canvas, focused: focus == .context)
        OutputPane.draw(
            state, lines: output.lines(for: state, width: layout.output.width - 2), in: layout.output, canvas: &canvas,
            focused: focus == .output, now: now)
        if let sidebar = layout.sidebar {
            FrameworkSidebar.draw(state, in: sidebar, canvas: &canvas, focused: focus == .sidebar)
        }
        StatusBar.draw(state, hints: hints, in: layout.status, canvas: &canvas)
        let context = DrawContext(
            state: state, screen: Rect(x: 0, y: 0, width: width, height: height), layout: layout, now: now)
        for layer in layers {
            cursor = layer.draw(context, canvas: &canvas)
        }
        return (canvas, cursor)
    }
}
