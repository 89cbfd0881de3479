import Foundation

/// The prompt editor as a component: its keys (typing goes to the text; keys it does not know are ignored,
/// never typed), and how its view follows the cursor. Drawn by `PromptPane`.
enum PromptEditorPane {
    /// The editor's keys while editing.
    @MainActor
    static func bindings(_ workbench: Workbench) -> [KeyBinding] {
        let page = max(1, workbench.layout.prompt.height - 3)
        return [
            KeyBinding(keyed: [.left, .right, .up, .down, .home, .end], "arrows Home End", "move") { wb, key in
                wb.prompt.state.buffer.move(key)
            },
            KeyBinding(keyed: [.pageUp, .pageDown], "PgUp PgDn", "page") { wb, key in
                wb.prompt.state.buffer.moveVertically(by: key == .pageUp ? -page : page)
            },
            KeyBinding(keyed: [.alt("b"), .wordLeft], "Alt-b / Alt-f, Ctrl-←/→", "word left / right") { wb, _ in
                wb.prompt.state.buffer.move(.wordLeft)
            },
            KeyBinding([.alt("f"), .wordRight], "Alt-f", nil) { $0.prompt.state.buffer.move(.wordRight) },
            KeyBinding([.control("k")], "Ctrl-K", "cut line (repeat to collect)") { wb in
                wb.prompt.editPrompt(checkpoint: true) { $0.cutLine() }
            },
            KeyBinding([.control("u")], "Ctrl-U", "paste cut lines") { wb in
                wb.prompt.editPrompt(checkpoint: true) { $0.pasteLines() }
            },
            KeyBinding([.control("z")], "Ctrl-Z / Ctrl-Y", "undo / redo") { wb in
                var undone = true
                wb.prompt.editPrompt { undone = $0.undo() }
                if !undone { wb.notify(.info("nothing to undo")) }
            },
            KeyBinding([.control("y")], "Ctrl-Y", nil) { wb in
                var redone = true
                wb.prompt.editPrompt { redone = $0.redo() }
                if !redone { wb.notify(.info("nothing to redo")) }
            },
            KeyBinding([.control("f")], "Ctrl-F, then Enter", "search (matches highlighted); Ctrl-G next") {
                $0.prompt.openSearchLine()
            },
            KeyBinding([.control("g")], "Ctrl-G", nil) { $0.prompt.search($0.prompt.state.lastSearch) },
            KeyBinding([.control("e")], "Ctrl-E", "open in $VISUAL / $EDITOR") { $0.prompt.editExternally() },
            .documented("typing", "edit the text (Enter, Backspace, Delete; `:` is text here)"),
        ]
    }

    /// The editor's keys in review mode: it shows the recorded messages and only moves.
    @MainActor
    static func reviewBindings() -> [KeyBinding] {
        [
            KeyBinding(keyed: [.up, .down, .left, .right, .home, .end], "arrows Home End", "move") { wb, key in
                wb.prompt.state.buffer.move(key)
            },
            KeyBinding(keyed: [.pageUp, .pageDown, .character("j"), .character("k")], "j k PgUp PgDn", "move") {
                wb, key in
                wb.prompt.state.buffer.move(key == .pageUp || key == .character("k") ? .up : .down)
            },
            KeyBinding([.character("?")], "?", "this help") { $0.openHelp() },
            KeyBinding([.character(":")], ":", "command line", hint: "cmd") { $0.openCommandLine() },
            KeyBinding([.character("q")], "q", "quit", hint: "quit") { $0.requestQuit() },
        ]
    }

    /// A key no binding took: text goes into the prompt; any other key (an unknown sequence) is ignored.
    @MainActor
    static func type(_ key: Key, _ workbench: Workbench) {
        switch key {
        case .character(let character): workbench.prompt.editPrompt { $0.insert(character) }
        case .enter: workbench.prompt.editPrompt(checkpoint: true) { $0.insert("\n") }
        case .backspace: workbench.prompt.editPrompt { $0.backspace() }
        case .delete: workbench.prompt.editPrompt { $0.deleteForward() }
        default: break
        }
    }

    /// The text area of the pane in `rect`: its height (less the variables strip) and width (less the
    /// line-number gutter).
    static func textArea(_ rect: Rect) -> (height: Int, width: Int) {
        let inner = rect.inset(1)
        let strip = inner.height >= 4 ? 1 : 0
        return (max(1, inner.height - strip), max(1, inner.width - PromptPane.gutter))
    }

    /// Scrolls the view so the cursor is on screen, and never further down than the text needs (after a
    /// resize to a larger screen the text starts at the top again rather than over blank space).
    static func fit(_ view: inout EditorView, buffer: TextBuffer, in rect: Rect) {
        let (height, width) = textArea(rect)
        let cursor = buffer.cursor
        if cursor.line < view.line { view.line = cursor.line }
        if cursor.line >= view.line + height { view.line = cursor.line - height + 1 }
        view.line = max(0, min(view.line, ScrollState.maxOffset(count: buffer.lines.count, height: height)))
        let column = buffer.displayColumn(of: cursor)
        // Scroll by half a pane at a time rather than a column per keystroke: each shift redraws the line,
        // which costs bytes over SSH.
        if column < view.column { view.column = max(0, column - width / 2) }
        if column >= view.column + width { view.column = column - width / 2 }
    }
}
