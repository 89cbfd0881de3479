import WhetCore

/// One cell of the grid: the grapheme drawn there and its style. A wide grapheme occupies its cell and the
/// next, which holds a continuation marker (empty text) so the grid's columns match the terminal's.
public struct Cell: Sendable, Equatable {
    /// The grapheme, " " for blank, "" for the right half of a wide grapheme.
    public var text: String
    /// How the cell looks.
    public var style: CellStyle

    /// A blank cell in `style`.
    public static func blank(_ style: CellStyle = .plain) -> Cell { Cell(text: " ", style: style) }
}

/// A rectangle of the screen, in cells.
public struct Rect: Sendable, Equatable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    /// Makes a rectangle; negative sizes become empty.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// Whether the rectangle has no cells.
    public var isEmpty: Bool { width == 0 || height == 0 }
    /// The rectangle shrunk by `amount` on every side (a bordered box's inside).
    public func inset(_ amount: Int) -> Rect {
        Rect(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
    }
    /// Whether the point lies inside.
    public func contains(x px: Int, y py: Int) -> Bool { px >= x && px < x + width && py >= y && py < y + height }
}

/// The off-screen grid every widget draws into. The terminal adapter compares it with the previous frame and
/// hands ncurses only what changed; tests read it back as text.
public struct Canvas: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    /// A blank grid.
    public init(width: Int, height: Int, style: CellStyle = .plain) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank(style), count: self.width * self.height)
    }

    /// The cell at (x, y).
    public subscript(x: Int, y: Int) -> Cell {
        cells[y * width + x]
    }

    /// Fills a rectangle with blanks in `style`.
    public mutating func fill(_ rect: Rect, style: CellStyle) {
        for row in max(0, rect.y)..<min(height, rect.y + rect.height) {
            for column in max(0, rect.x)..<min(width, rect.x + rect.width) {
                cells[row * width + column] = .blank(style)
            }
        }
    }

    /// Draws `text` (one line; newlines are not expected) from (x, y), clipped to `maxWidth` columns and the
    /// grid. A wide character that would straddle the edge is replaced by a space. Returns the columns used.
    @discardableResult
    /// Every string reaches the grid through here and is made visible on the way (`TerminalText`), so a view
    /// that forgot to escape outside text still cannot send a control sequence or a bidi override.
    public mutating func draw(_ text: String, x: Int, y: Int, maxWidth: Int? = nil, style: CellStyle) -> Int {
        guard y >= 0, y < height else { return 0 }
        let text = TerminalText.visible(text)
        let limit = min(width, x + (maxWidth ?? width))
        var column = x
        for character in text {
            let characterWidth = DisplayWidth.of(character)
            if characterWidth == 0 {
                // A lone zero-width scalar (a control character slipped through) is never sent to the terminal.
                continue
            }
            if column + characterWidth > limit {
                if column < limit, characterWidth == 2 { set(column, y, Cell(text: " ", style: style)) }
                break
            }
            if column >= 0 {
                clearWide(at: column, y)
                set(column, y, Cell(text: String(character), style: style))
                if characterWidth == 2 {
                    clearWide(at: column + 1, y)
                    set(column + 1, y, Cell(text: "", style: style))
                }
            }
            column += characterWidth
        }
        return column - x
    }

    /// Restyles the cells of a row range without changing their text (highlights, selections).
    public mutating func restyle(x: Int, y: Int, width count: Int, _ change: (inout CellStyle) -> Void) {
        guard y >= 0, y < height else { return }
        for column in max(0, x)..<min(width, x + count) { change(&cells[y * width + column].style) }
    }

    /// Draws a box border with Unicode line characters and a title in the top edge.
    public mutating func box(_ rect: Rect, title: String, style: CellStyle, titleStyle: CellStyle) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let right = rect.x + rect.width - 1
        let bottom = rect.y + rect.height - 1
        for column in rect.x + 1..<right {
            draw("─", x: column, y: rect.y, style: style)
            draw("─", x: column, y: bottom, style: style)
        }
        for row in rect.y + 1..<bottom {
            draw("│", x: rect.x, y: row, style: style)
            draw("│", x: right, y: row, style: style)
        }
        draw("┌", x: rect.x, y: rect.y, style: style)
        draw("┐", x: right, y: rect.y, style: style)
        draw("└", x: rect.x, y: bottom, style: style)
        draw("┘", x: right, y: bottom, style: style)
        if !title.isEmpty, rect.width > 4 {
            draw(" \(title) ", x: rect.x + 1, y: rect.y, maxWidth: rect.width - 3, style: titleStyle)
        }
    }

    /// The grid as text, one line per row, trailing spaces kept (continuation cells contribute nothing).
    public var text: String {
        (0..<height).map { row in
            (0..<width).map { self[$0, row].text }.joined()
        }.joined(separator: "\n")
    }

    /// Row `y` as text with trailing spaces trimmed, for assertions on one line.
    public func line(_ y: Int) -> String {
        var text = (0..<width).map { self[$0, y].text }.joined()
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }

    private mutating func set(_ x: Int, _ y: Int, _ cell: Cell) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        cells[y * width + x] = cell
    }

    /// Overwriting half of a wide character blanks the other half, so no orphan half is left on screen.
    private mutating func clearWide(at x: Int, _ y: Int) {
        guard x >= 0, x < width else { return }
        let cell = self[x, y]
        if cell.text.isEmpty, x > 0 { cells[y * width + x - 1].text = " " }
        if !cell.text.isEmpty, x + 1 < width, self[x + 1, y].text.isEmpty { cells[y * width + x + 1].text = " " }
    }
}
