// The Editor folder: the prompt editor's text model (cursor, edits, undo, search) with no drawing in it.

/// A position in a buffer: line and character (grapheme) index, both 0-based.
public struct TextPosition: Sendable, Equatable, Comparable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (a: TextPosition, b: TextPosition) -> Bool { (a.line, a.column) < (b.line, b.column) }
}

/// The editable text of the prompt pane: lines of grapheme clusters, a cursor, undo/redo by snapshots of
/// whole edits (typing a word is one undo step, not one per letter), a cut-line buffer and search.
public struct TextBuffer: Sendable, Equatable {
    public private(set) var lines: [[Character]]
    public private(set) var cursor = TextPosition(line: 0, column: 0)
    /// The display column the cursor wants to keep while moving up and down through shorter lines.
    private var wantedColumn: Int? = nil
    private var undoStack: [Snapshot] = []
    private var redoStack: [Snapshot] = []
    private var lastEditWasTyping = false
    private var cutBuffer: [[Character]] = []
    private var cutWasLast = false
    private var savedText: String

    private struct Snapshot: Sendable, Equatable {
        var lines: [[Character]]
        var cursor: TextPosition
    }

    /// A buffer holding `text`, considered saved.
    public init(text: String) {
        lines = TextBuffer.split(text)
        savedText = text
    }

    static func split(_ text: String) -> [[Character]] {
        let parts = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
        return parts.isEmpty ? [[]] : parts
    }

    /// The whole text.
    public var text: String { lines.map { String($0) }.joined(separator: "\n") }
    /// Whether the text differs from what was last saved.
    public var isModified: Bool { text != savedText }
    /// Records that the current text is what is on disk.
    public mutating func markSaved() {
        savedText = text
        // Typing after a save starts a new undo step, so one undo never reaches back past the save.
        lastEditWasTyping = false
    }
    /// The text as last loaded or saved: what the file held when this buffer last agreed with it, so a save
    /// can tell whether someone else changed the file since.
    public var lastSavedText: String { savedText }

    // MARK: Editing

    /// Inserts a character (or a newline) at the cursor.
    public mutating func insert(_ character: Character) {
        beginEdit(typing: character != "\n" && character != " ")
        if character == "\n" || character == "\r\n" {
            let rest = Array(lines[cursor.line][cursor.column...])
            lines[cursor.line].removeSubrange(cursor.column...)
            lines.insert(rest, at: cursor.line + 1)
            cursor = TextPosition(line: cursor.line + 1, column: 0)
        } else {
            lines[cursor.line].insert(character, at: cursor.column)
            cursor.column += 1
        }
        wantedColumn = nil
    }

    /// Inserts text that may hold newlines (a paste), as one undo step.
    public mutating func insert(text: String) {
        beginEdit(typing: false)
        for character in text {
            lastEditWasTyping = true
            insert(character)
        }
        lastEditWasTyping = false
    }

    /// Deletes the character before the cursor, joining lines at a line start.
    public mutating func backspace() {
        guard cursor.column > 0 || cursor.line > 0 else { return }
        beginEdit(typing: false)
        if cursor.column > 0 {
            lines[cursor.line].remove(at: cursor.column - 1)
            cursor.column -= 1
        } else {
            let previousLength = lines[cursor.line - 1].count
            lines[cursor.line - 1] += lines[cursor.line]
            lines.remove(at: cursor.line)
            cursor = TextPosition(line: cursor.line - 1, column: previousLength)
        }
        wantedColumn = nil
    }

    /// Deletes the character under the cursor, joining the next line at a line end.
    public mutating func deleteForward() {
        if cursor.column < lines[cursor.line].count {
            beginEdit(typing: false)
            lines[cursor.line].remove(at: cursor.column)
        } else if cursor.line + 1 < lines.count {
            beginEdit(typing: false)
            lines[cursor.line] += lines[cursor.line + 1]
            lines.remove(at: cursor.line + 1)
        }
    }

    /// Cuts the cursor's line into the cut buffer; consecutive cuts collect several lines, as in nano.
    public mutating func cutLine() {
        let collecting = cutWasLast
        beginEdit(typing: false)
        let line = lines[cursor.line]
        cutBuffer = collecting ? cutBuffer + [line] : [line]
        if lines.count == 1 { lines = [[]] } else { lines.remove(at: cursor.line) }
        cursor = TextPosition(line: min(cursor.line, lines.count - 1), column: 0)
        cutWasLast = true
    }

    /// Pastes the cut lines above the cursor's line.
    public mutating func pasteLines() {
        guard !cutBuffer.isEmpty else { return }
        beginEdit(typing: false)
        lines.insert(contentsOf: cutBuffer, at: cursor.line)
        cursor = TextPosition(line: cursor.line + cutBuffer.count, column: 0)
    }

    /// Undoes the last edit; returns false when there is nothing to undo.
    @discardableResult
    public mutating func undo() -> Bool {
        guard let snapshot = undoStack.popLast() else { return false }
        redoStack.append(Snapshot(lines: lines, cursor: cursor))
        restore(snapshot)
        return true
    }

    /// Redoes the last undone edit.
    @discardableResult
    public mutating func redo() -> Bool {
        guard let snapshot = redoStack.popLast() else { return false }
        undoStack.append(Snapshot(lines: lines, cursor: cursor))
        restore(snapshot)
        return true
    }

    /// Replaces the whole text (after an external editor), as one undoable edit.
    public mutating func replaceAll(with text: String) {
        beginEdit(typing: false)
        lines = TextBuffer.split(text)
        cursor = TextPosition(line: min(cursor.line, lines.count - 1), column: 0)
    }

    private mutating func restore(_ snapshot: Snapshot) {
        lines = snapshot.lines
        cursor = snapshot.cursor
        lastEditWasTyping = false
        cutWasLast = false
        wantedColumn = nil
    }

    private mutating func beginEdit(typing: Bool) {
        cutWasLast = false
        if !(typing && lastEditWasTyping) {
            undoStack.append(Snapshot(lines: lines, cursor: cursor))
            if undoStack.count > 500 { undoStack.removeFirst() }
        }
        redoStack.removeAll()
        lastEditWasTyping = typing
    }

    // MARK: Moving

    /// Moves the cursor one step; movement ends a typing run, so the next word is its own undo step.
    public mutating func move(_ direction: Key) {
        lastEditWasTyping = false
        cutWasLast = false
        switch direction {
        case .left:
            if cursor.column > 0 {
                cursor.column -= 1
            } else if cursor.line > 0 {
                cursor.line -= 1
                cursor.column = lines[cursor.line].count
            }
            wantedColumn = nil
        case .right:
            if cursor.column < lines[cursor.line].count {
                cursor.column += 1
            } else if cursor.line + 1 < lines.count {
                cursor.line += 1
                cursor.column = 0
            }
            wantedColumn = nil
        case .up: moveVertically(by: -1)
        case .down: moveVertically(by: 1)
        case .home:
            cursor.column = 0
            wantedColumn = nil
        case .end:
            cursor.column = lines[cursor.line].count
            wantedColumn = nil
        case .wordLeft: moveWord(forward: false)
        case .wordRight: moveWord(forward: true)
        default: break
        }
    }

    /// Moves the cursor `count` lines up (negative) or down, keeping its display column.
    public mutating func moveVertically(by count: Int) {
        let wanted = wantedColumn ?? displayColumn(of: cursor)
        cursor.line = max(0, min(lines.count - 1, cursor.line + count))
        cursor.column = column(forDisplayColumn: wanted, inLine: cursor.line)
        wantedColumn = wanted
    }

    /// Moves to a position (mouse click, search hit), clamped to the text.
    public mutating func moveTo(_ position: TextPosition) {
        cursor.line = max(0, min(lines.count - 1, position.line))
        cursor.column = max(0, min(lines[cursor.line].count, position.column))
        wantedColumn = nil
        lastEditWasTyping = false
    }

    private mutating func moveWord(forward: Bool) {
        wantedColumn = nil
        let isWord: (Character) -> Bool = { $0.isLetter || $0.isNumber || $0 == "_" }
        if forward {
            if cursor.column >= lines[cursor.line].count {
                if cursor.line + 1 < lines.count { cursor = TextPosition(line: cursor.line + 1, column: 0) }
                return
            }
            let line = lines[cursor.line]
            var column = cursor.column
            while column < line.count, !isWord(line[column]) { column += 1 }
            while column < line.count, isWord(line[column]) { column += 1 }
            cursor.column = column
        } else {
            if cursor.column == 0 {
                if cursor.line > 0 {
                    cursor = TextPosition(line: cursor.line - 1, column: lines[cursor.line - 1].count)
                }
                return
            }
            let line = lines[cursor.line]
            var column = cursor.column
            while column > 0, !isWord(line[column - 1]) { column -= 1 }
            while column > 0, isWord(line[column - 1]) { column -= 1 }
            cursor.column = column
        }
    }

    /// The display column (terminal cells) of a position.
    public func displayColumn(of position: TextPosition) -> Int {
        DisplayWidth.of(String(lines[position.line].prefix(position.column)))
    }

    /// The character index in `line` whose display column is closest to, without passing, `displayColumn`.
    public func column(forDisplayColumn displayColumn: Int, inLine line: Int) -> Int {
        var used = 0
        for (index, character) in lines[line].enumerated() {
            let width = DisplayWidth.of(character)
            if used + width > displayColumn { return index }
            used += width
        }
        return lines[line].count
    }

    // MARK: Search

    /// The next occurrence of `needle` after the cursor (wrapping around), case-insensitively.
    public func find(_ needle: String, after position: TextPosition) -> TextPosition? {
        guard !needle.isEmpty else { return nil }
        let lowered = needle.lowercased()
        for offset in 0...lines.count {
            let lineIndex = (position.line + offset) % lines.count
            let text = String(lines[lineIndex]).lowercased()
            let characters = Array(text)
            let start = offset == 0 ? position.column + 1 : 0
            let needleCharacters = Array(lowered)
            guard characters.count >= needleCharacters.count else { continue }
            var index = max(0, start)
            while index + needleCharacters.count <= characters.count {
                if Array(characters[index..<index + needleCharacters.count]) == needleCharacters {
                    return TextPosition(line: lineIndex, column: index)
                }
                index += 1
            }
            if offset == lines.count { break }
        }
        return nil
    }
}
