import Foundation

/// Draws the whole screen from the state: the four panes (as the layout allows), the status bar and any
/// overlay. Pure apart from scroll positions it clamps in the state, so tests render it without a terminal.
public enum WorkbenchRenderer {
    /// Renders a `width` × `height` frame; returns it with the cursor position, if the cursor should show.
    public static func render(_ state: inout WorkbenchState, width: Int, height: Int, now: Date = Date()) -> (
        Canvas, (x: Int, y: Int)?
    ) {
        var canvas = Canvas(width: width, height: height, style: state.theme.style(.text))
        let layout = Layout.make(width: width, height: height)
        if layout.tooSmall {
            let note = "whet needs at least 40×10 (now \(width)×\(height))"
            canvas.draw(note, x: 0, y: max(0, height / 2), maxWidth: width, style: state.theme.style(.warning))
            return (canvas, nil)
        }
        if layout.sidebar == nil, state.focus == .sidebar { state.focus = .prompt }
        var cursor: (x: Int, y: Int)? = nil
        let promptCursor = PromptPane.draw(&state, in: layout.prompt, canvas: &canvas, focused: state.focus == .prompt)
        if state.focus == .prompt { cursor = promptCursor }
        ContextPane.draw(&state, in: layout.context, canvas: &canvas, focused: state.focus == .context)
        OutputPane.draw(&state, in: layout.output, canvas: &canvas, focused: state.focus == .output, now: now)
        if let sidebar = layout.sidebar {
            FrameworkSidebar.draw(state, in: sidebar, canvas: &canvas, focused: state.focus == .sidebar)
        }
        if let statusCursor = StatusBar.draw(state, in: layout.status, canvas: &canvas) { cursor = statusCursor }
        if let overlay = state.overlay {
            cursor = OverlayView.draw(
                state, overlay: overlay, screen: Rect(x: 0, y: 0, width: width, height: height), canvas: &canvas)
            if state.commandLine != nil, let statusCursor = StatusBar.draw(state, in: layout.status, canvas: &canvas) {
                cursor = statusCursor
            }
        }
        return (canvas, cursor)
    }
}
