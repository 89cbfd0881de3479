// The Views folder: each pane, the overlays and the status bar, drawn from WorkbenchState into a Canvas.

/// Where each pane goes for a screen size. From 80×24 up all four panes show; narrower or shorter screens
/// first hide the sidebar, then stack the panes, and below 40×10 only a "too small" note is drawn, so
/// nothing is ever garbled.
public struct Layout: Sendable, Equatable {
    public var prompt: Rect
    public var context: Rect
    public var output: Rect
    public var sidebar: Rect?
    public var status: Rect
    /// True when the screen is too small for any pane.
    public var tooSmall: Bool

    /// The layout for a `width` × `height` screen.
    public static func make(width: Int, height: Int) -> Layout {
        let status = Rect(x: 0, y: height - 1, width: width, height: 1)
        let empty = Rect(x: 0, y: 0, width: 0, height: 0)
        guard width >= 40, height >= 10 else {
            return Layout(prompt: empty, context: empty, output: empty, sidebar: nil, status: status, tooSmall: true)
        }
        let body = height - 1
        if width < 60 {
            // Stacked: prompt, context, output, full width.
            let third = body / 3
            return Layout(
                prompt: Rect(x: 0, y: 0, width: width, height: third),
                context: Rect(x: 0, y: third, width: width, height: third),
                output: Rect(x: 0, y: 2 * third, width: width, height: body - 2 * third),
                sidebar: nil, status: status, tooSmall: false)
        }
        let showSidebar = width >= 80 && height >= 20
        let sidebarWidth = showSidebar ? min(30, max(22, width / 5)) : 0
        let main = width - sidebarWidth
        let topHeight = max(6, body * 11 / 20)
        let promptWidth = main / 2
        return Layout(
            prompt: Rect(x: 0, y: 0, width: promptWidth, height: topHeight),
            context: Rect(x: promptWidth, y: 0, width: main - promptWidth, height: topHeight),
            output: Rect(x: 0, y: topHeight, width: main, height: body - topHeight),
            sidebar: showSidebar ? Rect(x: main, y: 0, width: sidebarWidth, height: body) : nil,
            status: status, tooSmall: false)
    }

    /// The pane under a screen position, for mouse clicks.
    public func pane(atX x: Int, y: Int) -> Pane? {
        if prompt.contains(x: x, y: y) { return .prompt }
        if context.contains(x: x, y: y) { return .context }
        if output.contains(x: x, y: y) { return .output }
        if let sidebar, sidebar.contains(x: x, y: y) { return .sidebar }
        return nil
    }

    /// The rectangle of a pane (the sidebar's may be absent).
    public func rect(of pane: Pane) -> Rect? {
        switch pane {
        case .prompt: return prompt
        case .context: return context
        case .output: return output
        case .sidebar: return sidebar
        }
    }
}

/// Word-wraps text to a width, by display columns; long words are cut. Used by the output pane and overlays.
public func wrapText(_ text: String, width: Int) -> [String] {
    guard width > 0 else { return [] }
    var lines: [String] = []
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
        var line = ""
        var lineWidth = 0
        for word in paragraph.split(separator: " ", omittingEmptySubsequences: false) {
            var piece = String(word)
            var pieceWidth = DisplayWidth.of(piece)
            let space = line.isEmpty ? 0 : 1
            if lineWidth + space + pieceWidth <= width {
                if space == 1 { line += " " }
                line += piece
                lineWidth += space + pieceWidth
                continue
            }
            if !line.isEmpty { lines.append(line) }
            line = ""
            lineWidth = 0
            while pieceWidth > width {
                let head = DisplayWidth.prefix(piece, fitting: width)
                lines.append(head)
                piece = String(piece.dropFirst(head.count))
                pieceWidth = DisplayWidth.of(piece)
            }
            line = piece
            lineWidth = pieceWidth
        }
        lines.append(line)
    }
    return lines
}
