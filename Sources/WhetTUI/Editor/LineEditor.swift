/// One line of text being typed (the command line, the search line, a variable's value), with a cursor
/// that moves: Left/Right, Home/End (or Ctrl-A/Ctrl-E), Backspace/Delete, Ctrl-U/Ctrl-K to clear before or
/// after the cursor.
public struct LineEditor: Sendable, Equatable {
    public private(set) var characters: [Character]
    /// The insertion point, as an index into `characters`.
    public private(set) var cursor: Int

    /// `text`, with the cursor at its end.
    public init(_ text: String = "") {
        characters = Array(text)
        cursor = characters.count
    }

    public var text: String { String(characters) }

    /// Applies an editing key; returns false when the key is not an editing key.
    public mutating func apply(_ key: Key) -> Bool {
        switch key {
        case .character(let character):
            characters.insert(character, at: cursor)
            cursor += 1
        case .backspace:
            guard cursor > 0 else { return true }
            characters.remove(at: cursor - 1)
            cursor -= 1
        case .delete, .control("d"):
            if cursor < characters.count { characters.remove(at: cursor) }
        case .left, .control("b"): cursor = max(0, cursor - 1)
        case .right, .control("f"): cursor = min(characters.count, cursor + 1)
        case .home, .control("a"): cursor = 0
        case .end, .control("e"): cursor = characters.count
        case .wordLeft, .alt("b"):
            while cursor > 0, characters[cursor - 1] == " " { cursor -= 1 }
            while cursor > 0, characters[cursor - 1] != " " { cursor -= 1 }
        case .wordRight, .alt("f"):
            while cursor < characters.count, characters[cursor] == " " { cursor += 1 }
            while cursor < characters.count, characters[cursor] != " " { cursor += 1 }
        case .control("u"):
            characters.removeFirst(cursor)
            cursor = 0
        case .control("k"): characters.removeLast(characters.count - cursor)
        default: return false
        }
        return true
    }

    /// The display column of the cursor from the start of the text (wide characters count two).
    public var cursorColumn: Int { DisplayWidth.of(String(characters[..<cursor])) }

    /// The part of the text to show in `width` columns, scrolled so the cursor is visible, and the cursor's
    /// column within it.
    public func visible(width: Int) -> (text: String, cursor: Int) {
        let width = max(1, width)
        let text = VisibleText.escape(String(characters))
        let column = DisplayWidth.of(VisibleText.escape(String(characters[..<cursor])))
        guard column >= width else { return (text, column) }
        let skip = column - width + 1
        let shown = PromptPane.dropColumns(text, skip)
        return (shown, column - skip)
    }
}
