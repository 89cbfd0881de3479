import WhetCore

/// The prompt editor pane: the prompt file's lines (horizontal scroll, no soft wrap, so a line on screen is a
/// line in the file), an unsaved marker in the title, and a variables strip at the bottom.
enum PromptPane {
    /// Columns of line numbers left of the text.
    static let gutter = 4

    /// Draws the pane; returns where the terminal cursor belongs when the pane has focus.
    static func draw(_ state: WorkbenchState, in rect: Rect, canvas: inout Canvas, focused: Bool) -> (x: Int, y: Int)? {
        let theme = state.theme
        // The unsaved marker comes first so a narrow pane never cuts it off.
        let marker = state.prompt.buffer.isModified ? " ●" : ""
        let mode = state.readOnly ? " · read-only" : ""
        canvas.box(
            rect, title: "Prompt\(marker) · \(state.prompt.name)\(mode)",
            style: theme.style(focused ? .borderFocused : .border),
            titleStyle: theme.style(focused ? .titleFocused : .title))
        let inner = rect.inset(1)
        guard inner.height >= 1, inner.width >= 4 else { return nil }
        let stripHeight = inner.height >= 4 ? 1 : 0
        let textWidth = inner.width - gutter
        // The view as it was fitted after the last key; fitted again here (on a copy) for a size it was not.
        var view = state.prompt.editorView
        PromptEditorPane.fit(&view, buffer: state.prompt.buffer, in: rect)
        let textHeight = inner.height - stripHeight
        for row in 0..<textHeight {
            let lineIndex = view.line + row
            guard lineIndex < state.prompt.buffer.lines.count else { break }
            let number = String(lineIndex + 1)
            canvas.draw(
                String(repeating: " ", count: max(0, gutter - 1 - number.count)) + number, x: inner.x, y: inner.y + row,
                maxWidth: gutter - 1, style: theme.style(.dim))
            let text = VisibleText.escape(String(state.prompt.buffer.lines[lineIndex]))
            let visible = dropColumns(text, view.column)
            let style = roleStyle(for: text, theme: theme)
            canvas.draw(visible, x: inner.x + gutter, y: inner.y + row, maxWidth: textWidth, style: style)
            highlightPlaceholders(
                visible, x: inner.x + gutter, y: inner.y + row, width: textWidth, canvas: &canvas, theme: theme)
            if !state.prompt.lastSearch.isEmpty {
                highlightMatches(
                    of: state.prompt.lastSearch, in: visible, x: inner.x + gutter, y: inner.y + row, width: textWidth,
                    canvas: &canvas, theme: theme)
            }
        }
        if stripHeight == 1 {
            let y = inner.y + inner.height - 1
            if let problem = state.prompt.problem {
                // The pane is the file: its path would take the narrow strip's room from what is wrong.
                let local =
                    problem.hasPrefix(state.prompt.path + ":")
                    ? "line "
                        + problem.dropFirst(state.prompt.path.count + 1).replacingOccurrences(of: " error: ", with: " ")
                    : problem
                canvas.draw(
                    StatusBar.fitting(VisibleText.escape(local), width: inner.width), x: inner.x, y: y,
                    maxWidth: inner.width, style: theme.style(.error))
            } else {
                let values = state.prompt.variableNames.filter { !RunPlan.retrievalVariables.contains($0) }.map {
                    name in
                    "\(name)=\(state.prompt.variables[name] == nil ? "∅" : state.displayedValue(of: name))"
                }
                let strip = values.isEmpty ? "no variables" : values.joined(separator: "  ")
                let used = canvas.draw("vars ", x: inner.x, y: y, style: theme.style(.dim))
                canvas.draw(strip, x: inner.x + used, y: y, maxWidth: inner.width - used, style: theme.style(.text))
            }
        }
        guard focused, !state.readOnly else { return nil }
        let cursor = state.prompt.buffer.cursor
        let screenX = inner.x + gutter + state.prompt.buffer.displayColumn(of: cursor) - view.column
        let screenY = inner.y + cursor.line - view.line
        return (screenX, screenY)
    }

    /// `system:` / `user:` / `assistant:` lines and front-matter fences stand out.
    static func roleStyle(for line: String, theme: Theme) -> CellStyle {
        let trimmed = line.trimmingCharacters(in: .whitespaces).lowercased()
        if ["system:", "user:", "assistant:"].contains(trimmed) { return theme.style(.titleFocused) }
        if trimmed == "---" { return theme.style(.dim) }
        return theme.style(.text)
    }

    /// Marks each occurrence of the last Ctrl-F search (case-insensitive, as the search finds it).
    static func highlightMatches(
        of needle: String, in text: String, x: Int, y: Int, width: Int, canvas: inout Canvas, theme: Theme
    ) {
        let wanted = Array(needle.lowercased())
        let characters = Array(text.lowercased())
        guard !wanted.isEmpty, characters.count == text.count, characters.count >= wanted.count else { return }
        var columns: [Int] = [0]
        for character in text { columns.append(columns[columns.count - 1] + DisplayWidth.of(character)) }
        var index = 0
        while index + wanted.count <= characters.count {
            if Array(characters[index..<index + wanted.count]) == wanted {
                let start = columns[index]
                let end = min(columns[index + wanted.count], width)
                if start < width, end > start {
                    canvas.restyle(x: x + start, y: y, width: end - start) { $0 = theme.style(.match) }
                }
                index += wanted.count
            } else {
                index += 1
            }
        }
    }

    /// Shows `{{variables}}` in the match style.
    static func highlightPlaceholders(_ text: String, x: Int, y: Int, width: Int, canvas: inout Canvas, theme: Theme) {
        var column = 0
        var inside = false
        var start = 0
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            if !inside, index + 1 < characters.count, characters[index] == "{", characters[index + 1] == "{" {
                inside = true
                start = column
            }
            column += DisplayWidth.of(characters[index])
            if inside, index > 0, characters[index] == "}", characters[index - 1] == "}" {
                inside = false
                let span = min(column, width) - start
                if start < width, span > 0 {
                    canvas.restyle(x: x + start, y: y, width: span) { $0 = theme.style(.pinned) }
                }
            }
            index += 1
        }
    }

    /// Drops the first `columns` display columns of `text` (horizontal scrolling).
    static func dropColumns(_ text: String, _ columns: Int) -> String {
        guard columns > 0 else { return text }
        var used = 0
        var index = text.startIndex
        while index < text.endIndex, used < columns {
            used += DisplayWidth.of(text[index])
            index = text.index(after: index)
        }
        // A wide character cut in half leaves a space so the columns still line up.
        return (used > columns ? " " : "") + String(text[index...])
    }
}
