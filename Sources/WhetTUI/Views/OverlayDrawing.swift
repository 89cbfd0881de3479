import Foundation
import WhetCore

/// Drawing shared by the layers: a centred box with a title, a scrolled list of styled lines, a footer of
/// key hints, matched terms highlighted, a word diff laid out like wrapped text, and a question dialog.
enum OverlayDrawing {
    /// Lines word-wrapped to `width`, each keeping its role.
    static func wrap(_ lines: [StyledLine], width: Int) -> [StyledLine] {
        lines.flatMap { line in
            line.text.isEmpty
                ? [line] : wrapText(line.text, width: max(10, width)).map { StyledLine($0, line.role) }
        }
    }

    /// Styled lines from `scroll` on, in `rect`.
    static func lines(_ lines: [StyledLine], scroll: Int, in rect: Rect, canvas: inout Canvas, theme: Theme) {
        for row in 0..<max(0, rect.height) {
            let index = scroll + row
            guard index < lines.count else { break }
            canvas.draw(
                lines[index].text, x: rect.x, y: rect.y + row, maxWidth: rect.width,
                style: theme.style(lines[index].role))
        }
    }

    /// A footer line at the bottom of `box`'s inside.
    static func footer(_ text: String, in box: Rect, canvas: inout Canvas, theme: Theme) {
        let inner = box.inset(1)
        guard inner.height > 0 else { return }
        canvas.draw(
            fitted(text, width: inner.width), x: inner.x, y: inner.y + inner.height - 1, maxWidth: inner.width,
            style: theme.style(.statusKey))
    }

    /// A footer of `key label · key label …` cut to whole hints that fit, with `· F1 more` when some were left
    /// out (a hint cut in the middle reads as a different key).
    static func fitted(_ text: String, width: Int) -> String {
        guard DisplayWidth.of(text) > width else { return text }
        let more = " · F1 more"
        var kept = ""
        for hint in text.components(separatedBy: " · ") {
            let next = kept.isEmpty ? hint : kept + " · " + hint
            guard DisplayWidth.of(next) + DisplayWidth.of(more) <= width else { break }
            kept = next
        }
        return kept.isEmpty ? DisplayWidth.prefix(text, fitting: width) : kept + more
    }

    /// A dialog sized to its text: the title, the lines, and the answers it takes.
    static func question(
        title: String, lines: [String], answers: String, context: DrawContext, canvas: inout Canvas
    ) {
        let theme = context.state.theme
        let width = ([answers] + lines).map(DisplayWidth.of).max().map { $0 + 4 } ?? 40
        let box = centered(context.screen, width: min(context.screen.width, max(width, 40)), height: lines.count + 4)
        frame(box, title: title, canvas: &canvas, theme: theme)
        for (row, line) in lines.enumerated() {
            canvas.draw(line, x: box.x + 2, y: box.y + 1 + row, maxWidth: box.width - 4, style: theme.style(.overlay))
        }
        let answerLines = wrapText(answers, width: max(10, box.width - 4))
        for (row, line) in answerLines.enumerated() where box.y + 2 + lines.count + row < box.y + box.height - 1 {
            canvas.draw(
                line, x: box.x + 2, y: box.y + 2 + lines.count + row, maxWidth: box.width - 4,
                style: theme.style(.statusKey))
        }
    }

    static func centered(_ screen: Rect, width: Int, height: Int) -> Rect {
        let w = min(width, screen.width)
        let h = min(height, screen.height - 1)
        return Rect(x: (screen.width - w) / 2, y: max(0, (screen.height - 1 - h) / 2), width: w, height: h)
    }

    static func frame(_ rect: Rect, title: String, canvas: inout Canvas, theme: Theme) {
        canvas.fill(rect, style: theme.style(.overlay))
        canvas.box(rect, title: title, style: theme.style(.borderFocused), titleStyle: theme.style(.titleFocused))
    }

    static func highlightTerms(
        _ terms: [String], lines: [String], scroll: Int, in rect: Rect, canvas: inout Canvas, theme: Theme
    ) {
        for row in 0..<rect.height {
            let index = scroll + row
            guard index < lines.count else { break }
            let characters = Array(lines[index])
            var columns: [Int] = []
            var column = 0
            for character in characters {
                columns.append(column)
                column += DisplayWidth.of(character)
            }
            columns.append(column)
            let folded = characters.map {
                String($0).folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
            }
            for term in terms {
                let termCharacters = Array(term).map(String.init)
                guard !termCharacters.isEmpty, termCharacters.count <= folded.count else { continue }
                for start in 0...(folded.count - termCharacters.count)
                where Array(folded[start..<start + termCharacters.count]) == termCharacters {
                    let x = columns[start]
                    let end = columns[start + termCharacters.count]
                    if x < rect.width {
                        canvas.restyle(x: rect.x + x, y: rect.y + row, width: min(end, rect.width) - x) {
                            $0 = theme.style(.match)
                        }
                    }
                }
            }
        }
    }

    static func drawDiff(_ pieces: [WordDiff.Piece], scroll: Int, in rect: Rect, canvas: inout Canvas, theme: Theme) {
        layOutDiff(pieces, width: rect.width) { row, column, word, role in
            let y = row - scroll
            guard y >= 0, y < rect.height else { return }
            canvas.draw(
                word, x: rect.x + column, y: rect.y + y, maxWidth: rect.width - column, style: theme.style(role))
        }
    }

    /// Lays the words out like wrapped text, each in its piece's role (a word keeps its own trailing space);
    /// calls `place` for each word and returns the number of rows.
    @discardableResult
    static func layOutDiff(
        _ pieces: [WordDiff.Piece], width: Int,
        place: (_ row: Int, _ column: Int, String, ThemeRole) -> Void = {
            _, _, _, _ in
        }
    ) -> Int {
        var row = 0
        var column = 0
        for piece in pieces {
            let role: ThemeRole =
                switch piece.kind {
                case .same: .overlay
                case .added: .added
                case .removed: .removed
                }
            for token in WordDiff.tokens(piece.text) {
                let endsLine = token.hasSuffix("\n")
                let word = endsLine ? String(token.dropLast()) : token
                let wordWidth = DisplayWidth.of(word)
                if column + wordWidth > width, column > 0 {
                    row += 1
                    column = 0
                }
                if !word.isEmpty { place(row, column, word, role) }
                column += wordWidth
                if endsLine {
                    row += 1
                    column = 0
                }
            }
        }
        return row + (column > 0 ? 1 : 0)
    }
}
