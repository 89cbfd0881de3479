import Foundation
import WhetCore

/// Every key, grouped, for the help overlay (and the README's key table).
public enum KeyHelp {
    public static let sections: [(String, [(String, String)])] = [
        (
            "Everywhere",
            [
                ("Tab / Shift-Tab", "next / previous pane"), ("mouse click", "focus a pane"),
                ("Ctrl-R", "run the prompt"), ("Esc", "cancel a run / close an overlay"),
                ("F1 or ?", "this help"), ("F3", "eval results"), (": or Ctrl-P", "command line"),
                ("Ctrl-S", "save the prompt"),
                ("Ctrl-V or F2", "edit variables"), ("Ctrl-Q", "quit (asks if edits are unsaved)"),
            ]
        ),
        (
            "Prompt editor",
            [
                ("arrows Home End", "move"), ("PgUp PgDn", "page"), ("Alt-b / Alt-f, Ctrl-←/→", "word left / right"),
                ("Ctrl-K", "cut line (repeat to collect)"), ("Ctrl-U", "paste cut lines"),
                ("Ctrl-Z / Ctrl-Y", "undo / redo"), ("Ctrl-F, then Enter", "search; Ctrl-G next"),
                ("Ctrl-E", "open in $VISUAL / $EDITOR"),
            ]
        ),
        (
            "Context",
            [
                ("j k / arrows", "select a chunk"), ("Enter", "open the chunk: matched terms, score breakdown"),
                ("Space", "exclude / include for the next run"), ("p", "pin / unpin (always in context)"),
                ("+ / -", "top-k up / down"), ("m", "method: bm25 → dense → hybrid"), ("R", "rerank on / off"),
                ("e", "query expansion: none → multi-query → hyde"),
                ("b", "the chunk's document with chunk boundaries"),
                ("o", "open the source at the chunk in $PAGER"),
            ]
        ),
        (
            "Output",
            [
                ("[ / ]", "previous / next run"), ("j k PgUp PgDn", "scroll"), ("m", "mark run for diff"),
                ("d", "diff marked (or previous) run with this one"), ("+ / -", "rate the run good / bad"),
                ("C", "correct the answer in $EDITOR (rates it bad, exported for fine-tuning)"),
                ("v", "versions of the run's prompt"), ("E", "eval results"),
            ]
        ),
        ("Framework sidebar", [("Enter or E", "eval results"), ("1-4", "the failing cases behind a class count")]),
        (
            "Eval results (F3)",
            [
                ("j k h l", "move in the case × variant matrix"),
                ("Enter", "the cell: verdicts, output, context, prompt; r steps through repeats"),
                ("f", "failures only"), ("c", "compare with an earlier eval (< > baseline)"),
                ("[ / ]", "older / newer eval"), ("v", "versions of the cell's prompt"),
                ("w", "write this eval's HTML report to evals/reports/ (also :report)"),
            ]
        ),
        (
            "Prompt versions",
            [("j k", "move"), ("m", "mark"), ("d or Enter", "diff marked (or previous) version with this one")]
        ),
        ("Review mode", [("s", "list sessions"), ("Enter", "open a session"), ("q", "quit")]),
        (
            "Commands (:)",
            [
                ("run", "run the prompt"), ("index", "re-index the corpus"), ("backend NAME", "switch backend"),
                ("theme NAME", "switch theme"), ("session ID|new", "record into a session"),
                ("prompt NAME", "open another prompt"), ("set NAME=VALUE", "set a variable"),
                ("topk N", "results to retrieve"), ("retrieval on|off", "toggle retrieval"),
                ("cache on|off", "answer repeated requests from .whet/cache"),
                ("eval [FILE…]", "run the evals with this prompt and backend"), ("evals", "eval results"),
                ("report", "write the shown eval's HTML report to evals/reports/"),
                ("versions", "versions of this prompt"), ("rate good|bad", "rate the shown run"),
                ("finetune", "the fine-tuning dataset: examples, split, check; w writes it"),
                ("w / q / q! / wq", "save / quit / quit without saving / both"),
                ("w! / e!", "save over / load a prompt changed on disk meanwhile"),
            ]
        ),
    ]

    static var lines: [String] {
        var lines: [String] = []
        for (title, keys) in sections {
            lines.append(title)
            for (key, action) in keys {
                lines.append("  " + key.padding(toLength: 26, withPad: " ", startingAt: 0) + action)
            }
            lines.append("")
        }
        return lines
    }
}

/// Overlays drawn over the panes: help, a chunk's full text, a diff of two runs, the variables form, and
/// the quit / recovery questions.
enum OverlayView {
    static func draw(_ state: WorkbenchState, overlay: Overlay, screen: Rect, canvas: inout Canvas) -> (x: Int, y: Int)?
    {
        let theme = state.theme
        switch overlay {
        case .help(let scroll):
            let box = centered(screen, width: 72, height: screen.height - 2)
            frame(box, title: "Help · Esc closes", canvas: &canvas, theme: theme)
            let lines = KeyHelp.lines
            list(lines, scroll: scroll, in: box.inset(1), canvas: &canvas, theme: theme) { line in
                line.hasPrefix(" ") ? theme.style(.overlay) : theme.style(.titleFocused)
            }
        case .chunk(let index, let scroll):
            guard state.results.indices.contains(index) else { return nil }
            let chunk = state.results[index]
            let box = centered(screen, width: screen.width - 4, height: screen.height - 2)
            let heading = chunk.headingPath.isEmpty ? "" : " · " + chunk.headingPath.joined(separator: " › ")
            frame(
                box, title: "\(chunk.location)\(heading) · score \(String(format: "%.2f", chunk.score)) · Esc closes",
                canvas: &canvas, theme: theme)
            let inner = box.inset(1)
            var header = ["matched: " + chunk.matchedTerms.joined(separator: ", ")]
            if let methods = chunk.methods, !methods.isEmpty {
                header.append(
                    "why: "
                        + methods.map { "\($0.method) #\($0.rank) (\(String(format: "%.3f", $0.score)))" }.joined(
                            separator: " · "))
            }
            if chunk.pinned == true || state.pinned.contains(where: { $0.location == chunk.location }) {
                header.append("pinned: always in context")
            }
            for (row, line) in header.enumerated() where row < inner.height {
                canvas.draw(line, x: inner.x, y: inner.y + row, maxWidth: inner.width, style: theme.style(.dim))
            }
            let body = Rect(
                x: inner.x, y: inner.y + header.count, width: inner.width, height: max(0, inner.height - header.count))
            let lines = wrapText(VisibleText.escape(chunk.text), width: body.width)
            list(lines, scroll: scroll, in: body, canvas: &canvas, theme: theme) { _ in theme.style(.overlay) }
            highlightTerms(chunk.matchedTerms, lines: lines, scroll: scroll, in: body, canvas: &canvas, theme: theme)
        case .document(let title, let lines, let scroll):
            let box = centered(screen, width: screen.width - 4, height: screen.height - 2)
            frame(box, title: "\(title) · Esc closes", canvas: &canvas, theme: theme)
            list(lines.map(VisibleText.escape), scroll: scroll, in: box.inset(1), canvas: &canvas, theme: theme) {
                line in
                line.hasPrefix("── chunk") ? theme.style(.titleFocused) : theme.style(.overlay)
            }
        case .diff(let older, let newer, let scroll):
            guard state.runs.indices.contains(older), state.runs.indices.contains(newer) else { return nil }
            let box = centered(screen, width: screen.width - 4, height: screen.height - 2)
            frame(
                box, title: "Diff · run \(state.runs[older].run) → run \(state.runs[newer].run) · Esc closes",
                canvas: &canvas, theme: theme)
            drawDiff(
                WordDiff.diff(state.runs[older].output, state.runs[newer].output), scroll: scroll, in: box.inset(1),
                canvas: &canvas, theme: theme)
        case .variables(let selected):
            let names = state.variableNames.filter { $0 != RunPlan.contextVariable }
            let box = centered(
                screen, width: min(screen.width - 4, 70), height: min(screen.height - 2, names.count + 4))
            frame(box, title: "Variables · Enter edit · Esc close", canvas: &canvas, theme: theme)
            let inner = box.inset(1)
            for (row, name) in names.enumerated() where row < inner.height - 1 {
                let isSelected = row == selected
                let value =
                    isSelected && state.variableEdit != nil ? (state.variableEdit ?? "") : (state.variables[name] ?? "")
                let text = "\(name) = \(VisibleText.escape(value))"
                canvas.draw(
                    text, x: inner.x, y: inner.y + row, maxWidth: inner.width,
                    style: theme.style(isSelected ? .selection : .overlay))
                if isSelected, state.variableEdit != nil {
                    return (min(inner.x + inner.width - 1, inner.x + DisplayWidth.of(text)), inner.y + row)
                }
            }
            if names.isEmpty {
                canvas.draw("this prompt has no variables", x: inner.x, y: inner.y, style: theme.style(.dim))
            }
        case .confirmQuit:
            let box = centered(screen, width: 50, height: 5)
            frame(box, title: "Unsaved changes", canvas: &canvas, theme: theme)
            canvas.draw("The prompt has unsaved edits.", x: box.x + 2, y: box.y + 1, style: theme.style(.overlay))
            canvas.draw(
                "s save and quit · q quit without saving · Esc stay", x: box.x + 2, y: box.y + 3,
                maxWidth: box.width - 4, style: theme.style(.statusKey))
        case .recovery:
            let box = centered(screen, width: 60, height: 6)
            frame(box, title: "Recovered edits", canvas: &canvas, theme: theme)
            canvas.draw(
                "Unsaved edits of this prompt from an earlier session", x: box.x + 2, y: box.y + 1,
                maxWidth: box.width - 4, style: theme.style(.overlay))
            canvas.draw(
                "were kept in a recovery file.", x: box.x + 2, y: box.y + 2, maxWidth: box.width - 4,
                style: theme.style(.overlay))
            canvas.draw(
                "r restore them · d discard them", x: box.x + 2, y: box.y + 4, maxWidth: box.width - 4,
                style: theme.style(.statusKey))
        case .sessions(let selected):
            let box = centered(
                screen, width: min(screen.width - 4, 90),
                height: min(screen.height - 2, max(6, state.reviewSessions.count + 4)))
            frame(box, title: "Sessions · Enter open · q quit", canvas: &canvas, theme: theme)
            let inner = box.inset(1)
            if state.reviewSessions.isEmpty {
                canvas.draw("no sessions in this workspace", x: inner.x, y: inner.y, style: theme.style(.dim))
            }
            let top = max(0, selected - inner.height + 1)
            for row in 0..<inner.height {
                let index = top + row
                guard state.reviewSessions.indices.contains(index) else { break }
                let summary = state.reviewSessions[index]
                let text =
                    "\(summary.id)  \(String(summary.runs).padding(toLength: 4, withPad: " ", startingAt: 0)) runs  \(summary.models.joined(separator: ","))  \(VisibleText.escape(summary.title ?? ""))"
                canvas.draw(
                    text, x: inner.x, y: inner.y + row, maxWidth: inner.width,
                    style: theme.style(index == selected ? .selection : .overlay))
            }
        case .evals:
            if let browser = state.evalBrowser {
                EvalViews.drawBrowser(browser, state: state, screen: screen, canvas: &canvas)
            }
        case .versions:
            if let browser = state.versionBrowser {
                EvalViews.drawVersions(browser, state: state, screen: screen, canvas: &canvas)
            }
        case .dataset(let scroll):
            guard let dataset = state.dataset else { return nil }
            let box = centered(screen, width: min(screen.width, 110), height: screen.height - 1)
            frame(box, title: "Fine-tuning dataset · w write finetune/ · Esc close", canvas: &canvas, theme: theme)
            let lines = datasetLines(
                dataset,
                exists: FileManager.default.fileExists(
                    atPath: FineTuningFolder(workspace: state.workspace).trainURL.path))
            list(
                wrapLines(lines, width: box.width - 2), scroll: scroll, in: box.inset(1), canvas: &canvas, theme: theme
            ) { line in
                line.contains(": error: ")
                    ? theme.style(.error)
                    : line.contains(": warning: ")
                        ? theme.style(.warning)
                        : line.hasPrefix("──") ? theme.style(.titleFocused) : theme.style(.overlay)
            }
        }
        return nil
    }

    /// What `:finetune` shows: the counts, the split, the check, and where each example comes from.
    static func datasetLines(_ dataset: FineTuningExporter.Prepared, exists: Bool) -> [String] {
        var lines = [
            dataset.summary,
            "train \(dataset.split.train.count) · validation \(dataset.split.validation.count) (about 20 %, by content digest)",
            exists
                ? "w replaces the files exported before in finetune/"
                : "w writes finetune/train.jsonl and validation.jsonl", "",
        ]
        lines.append("── check of the training set")
        lines += FineTuningReportFormatter.format(dataset.report).split(
            separator: "\n", omittingEmptySubsequences: false
        ).map(String.init)
        if !dataset.gathered.conflicts.isEmpty {
            lines.append("── same prompt, different answers")
            lines += dataset.gathered.conflicts
        }
        if !dataset.gathered.skipped.isEmpty {
            lines.append("── skipped")
            lines += dataset.gathered.skipped
        }
        lines.append("── examples")
        lines +=
            dataset.split.train.map { "train       \($0.source)" }
            + dataset.split.validation.map { "validation  \($0.source)" }
        return lines.map(VisibleText.escape)
    }

    static func wrapLines(_ lines: [String], width: Int) -> [String] {
        lines.flatMap { $0.isEmpty ? [""] : wrapText($0, width: max(10, width)) }
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

    static func list(
        _ lines: [String], scroll: Int, in rect: Rect, canvas: inout Canvas, theme: Theme, style: (String) -> CellStyle
    ) {
        for row in 0..<rect.height {
            let index = scroll + row
            guard index < lines.count else { break }
            canvas.draw(lines[index], x: rect.x, y: rect.y + row, maxWidth: rect.width, style: style(lines[index]))
        }
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
        // Lay the words out like wrapped text, each in its piece's style; a word keeps its own trailing space.
        var row = -scroll
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
                let width = DisplayWidth.of(word)
                if column + width > rect.width, column > 0 {
                    row += 1
                    column = 0
                }
                if row >= 0, row < rect.height, !word.isEmpty {
                    canvas.draw(
                        word, x: rect.x + column, y: rect.y + row, maxWidth: rect.width - column,
                        style: theme.style(role))
                }
                column += width
                if endsLine {
                    row += 1
                    column = 0
                }
            }
        }
    }
}

/// A word-level diff of two outputs (longest common subsequence), for comparing runs.
public enum WordDiff {
    public struct Piece: Equatable, Sendable {
        public enum Kind: Sendable { case same, added, removed }
        public var kind: Kind
        public var text: String
    }

    /// The pieces that turn `old` into `new`, consecutive words of one kind joined.
    public static func diff(_ old: String, _ new: String) -> [Piece] {
        guard let steps = SequenceDiff.diff(tokens(old), tokens(new)) else {
            return [Piece(kind: .removed, text: old), Piece(kind: .added, text: new)]
        }
        var pieces: [Piece] = []
        for step in steps {
            let (kind, text): (Piece.Kind, String) =
                switch step {
                case .same(let word): (.same, word)
                case .removed(let word): (.removed, word)
                case .added(let word): (.added, word)
                }
            if let last = pieces.last, last.kind == kind {
                pieces[pieces.count - 1].text += text
            } else {
                pieces.append(Piece(kind: kind, text: text))
            }
        }
        return pieces
    }

    /// Words with their following space or newline attached, so pieces join back into the text.
    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if character == " " || character == "\n" {
                tokens.append(current)
                current = ""
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }
}
