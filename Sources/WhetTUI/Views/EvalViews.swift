import Foundation
import WhetCore

/// The eval results view: the case × variant matrix, one cell in full, two evals compared, and the prompt
/// versions list. Drawn over the panes like the other overlays.
enum EvalViews {
    static func drawBrowser(
        _ browser: EvalBrowser, keys: String, state: WorkbenchState, screen: Rect, canvas: inout Canvas
    ) {
        let theme = state.theme
        let box = OverlayDrawing.centered(screen, width: screen.width, height: screen.height - 1)
        guard let file = browser.file else {
            OverlayDrawing.frame(box, title: "Evals · Esc closes", canvas: &canvas, theme: theme)
            canvas.draw(
                "no eval results yet: run `:eval` here or `whet eval`", x: box.x + 2, y: box.y + 1,
                maxWidth: box.width - 4, style: theme.style(.dim))
            return
        }
        let headline = browser.verdict?.headline ?? ""
        let title =
            "Evals · \(file.id) · \(String(file.time.prefix(16)).replacingOccurrences(of: "T", with: " ")) · "
            + headline
        OverlayDrawing.frame(box, title: title, canvas: &canvas, theme: theme)
        let inner = box.inset(1)
        guard inner.height >= 4, inner.width >= 20 else { return }
        var filters: [String] = []
        if let type = browser.classFilter {
            filters.append("\(type.rawValue) failures (f clears)")
        } else if browser.failuresOnly {
            filters.append(browser.mode == .compare ? "changes only" : "failures only")
        }
        if browser.flakyOnly { filters.append("flaky only (~ clears)") }
        let history = "history \(browser.sparkline) (\(browser.current + 1) of \(browser.files.count))"
        canvas.draw(
            history + (filters.isEmpty ? "" : " · showing " + filters.joined(separator: ", ")),
            x: inner.x, y: inner.y, maxWidth: inner.width, style: theme.style(.dim))
        let body = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 2)
        switch browser.mode {
        case .matrix:
            drawMatrix(browser, in: body, canvas: &canvas, theme: theme)
        case .compare:
            drawComparison(browser, in: body, canvas: &canvas, theme: theme)
        case .cell(let scroll):
            let lines = cellLines(browser.selectedResult, cellPrompt: browser.cellPrompt, width: body.width)
            for row in 0..<body.height where lines.indices.contains(scroll + row) {
                let line = lines[scroll + row]
                canvas.draw(line.text, x: body.x, y: body.y + row, maxWidth: body.width, style: theme.style(line.role))
            }
        }
        canvas.draw(
            OverlayDrawing.fitted(keys, width: inner.width), x: inner.x, y: inner.y + inner.height - 1,
            maxWidth: inner.width, style: theme.style(.statusKey))
    }

    /// The rows under the title line and above the footer, where each mode draws.
    static func body(of screen: Rect) -> Rect {
        let inner = OverlayDrawing.centered(screen, width: screen.width, height: screen.height - 1).inset(1)
        return Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: max(0, inner.height - 2))
    }

    static func percent(_ rate: Double) -> String { String(format: "%.0f%%", rate * 100) }

    static func drawMatrix(_ browser: EvalBrowser, in rect: Rect, canvas: inout Canvas, theme: Theme) {
        let rows = browser.rows
        let columns = browser.columns
        guard rect.height >= 2 else { return }
        let labelWidth = min(34, max(14, rect.width / 3))
        let columnWidth = max(18, min(64, (rect.width - labelWidth - 1) / max(1, columns.count)))
        let visibleColumns = max(1, (rect.width - labelWidth - 1) / columnWidth)
        // The selected column and row are always drawn: the view scrolls just enough to show them.
        let start = max(0, browser.column - visibleColumns + 1)
        canvas.draw(
            "case".padding(toLength: labelWidth, withPad: " ", startingAt: 0), x: rect.x, y: rect.y,
            style: theme.style(.titleFocused))
        for (offset, index) in (start..<min(columns.count, start + visibleColumns)).enumerated() {
            let x = rect.x + labelWidth + 1 + offset * columnWidth
            let rate = browser.columnRates.indices.contains(index) ? browser.columnRates[index] : nil
            canvas.draw(
                "\(rate?.shortText ?? "–") \(columns[index])", x: x, y: rect.y, maxWidth: columnWidth - 1,
                style: theme.style(.titleFocused))
        }
        if rows.isEmpty {
            canvas.draw(
                browser.failuresOnly || browser.classFilter != nil
                    ? "no cases match the filter (f clears it)" : "no cells",
                x: rect.x, y: rect.y + 1, maxWidth: rect.width, style: theme.style(.dim))
            return
        }
        let height = rect.height - 1
        let firstRow = max(0, browser.row - height + 1)
        for line in 0..<height {
            let index = firstRow + line
            guard rows.indices.contains(index) else { break }
            let y = rect.y + 1 + line
            canvas.draw(
                VisibleText.escape(rows[index].label), x: rect.x, y: y, maxWidth: labelWidth - 1,
                style: theme.style(index == browser.row ? .titleFocused : .overlay))
            for (offset, column) in (start..<min(columns.count, start + visibleColumns)).enumerated() {
                let cell = browser.cell(rows[index].key, columns[column])
                let x = rect.x + labelWidth + 1 + offset * columnWidth
                let selected = index == browser.row && column == browser.column
                let role: ThemeRole =
                    selected
                    ? .selection
                    : cell.results.isEmpty
                        ? .dim
                        : cell.notEvaluated
                            ? .warning
                            : cell.allPassed ? .success : .error
                canvas.draw(
                    cellText(cell).padding(toLength: columnWidth - 1, withPad: " ", startingAt: 0), x: x, y: y,
                    maxWidth: columnWidth - 1, style: theme.style(role))
            }
        }
    }

    /// `✓ 1.00 312ms $0.0012`; repeats as `2/3`; a backend error as `! error`.
    static func cellText(_ cell: EvalBrowser.Cell) -> String {
        guard !cell.results.isEmpty else { return "–" }
        if cell.results.allSatisfy({ $0.status == .error }) { return "! error" }
        if cell.notEvaluated { return "? not evaluated" }
        var text =
            cell.evaluated > 1 || cell.evaluated < cell.results.count
            ? "\(cell.passed)/\(cell.evaluated)" : (cell.allPassed ? "✓" : "✗")
        text += String(format: " %.2f", cell.score)
        if let latency = cell.latencyMs {
            text += String(format: " %.0fms", latency)
        } else if cell.results.contains(where: { $0.cached == true }) {
            text += " cached"
        }
        if let cost = cell.costUSD { text += String(format: " $%.4f", cost) }
        return text
    }

    static func drawComparison(_ browser: EvalBrowser, in rect: Rect, canvas: inout Canvas, theme: Theme) {
        guard let comparison = browser.comparison, let file = browser.file else { return }
        let changes = browser.changes
        let header =
            "baseline \(comparison.baseline.id) (\(comparison.baseline.rate?.shortText ?? "checked nothing")) → "
            + "\(file.id) (\(browser.verdict?.rate?.shortText ?? "checked nothing")) · \(comparison.headline)"
        canvas.draw(header, x: rect.x, y: rect.y, maxWidth: rect.width, style: theme.style(.titleFocused))
        let labelWidth = max(14, rect.width - 34)
        let height = rect.height - 1
        let top = max(0, browser.row - height + 1)
        for line in 0..<height {
            let index = top + line
            guard changes.indices.contains(index) else { break }
            let change = changes[index]
            let y = rect.y + 1 + line
            func share(_ value: Double?) -> String { value.map(percent) ?? "–" }
            let (mark, role): (String, ThemeRole) =
                switch change.kind {
                case .fixed: ("▲ fixed", .success)
                case .regressed: ("▼ regressed", .error)
                case .added: ("+ new case", .dim)
                case .removed: ("- gone", .dim)
                case .notEvaluated: ("? not evaluated", .warning)
                case .same: ("", .overlay)
                }
            let text =
                VisibleText.escape(change.label).padding(toLength: labelWidth, withPad: " ", startingAt: 0)
                + share(change.before).padding(toLength: 6, withPad: " ", startingAt: 0) + "→ "
                + share(change.after).padding(toLength: 6, withPad: " ", startingAt: 0) + mark
            canvas.draw(
                text, x: rect.x, y: y, maxWidth: rect.width,
                style: theme.style(index == browser.row ? .selection : role))
        }
    }

    /// One cell in full, as lines with a role each.
    static func cellLines(_ result: EvalResult?, cellPrompt: EvalBrowser.CellPrompt?, width: Int) -> [(
        text: String, role: ThemeRole
    )] {
        guard let result else { return [("no cell here", .dim)] }
        var lines: [(String, ThemeRole)] = []
        func add(_ text: String, _ role: ThemeRole = .overlay) {
            for wrapped in wrapText(VisibleText.escape(text), width: max(10, width)) { lines.append((wrapped, role)) }
        }
        func section(_ title: String) { lines.append(("── " + title, .titleFocused)) }
        add(
            "case     \(result.label) (\(result.caseRef.file):\(result.caseRef.line)) · repeat \(result.repeatIndex + 1)"
        )
        add("variant  \(result.variant)")
        var numbers = "\(result.status.rawValue) · score \(String(format: "%.2f", result.score))"
        if let latency = result.latencyMs { numbers += String(format: " · %.0f ms", latency) }
        if result.cached == true { numbers += " · from the response cache" }
        if let cost = result.costUSD { numbers += String(format: " · $%.4f", cost) }
        add("result   " + numbers, result.status == .passed ? .success : result.status == .notRun ? .warning : .error)
        if result.status == .notRun {
            add("         not evaluated: no assertion could run (\(result.notRunReason)); not a pass", .warning)
        }
        if let error = result.error { add("error    \(error)", .error) }
        for (name, value) in result.variables.sorted(by: { $0.key < $1.key }) { add("var      \(name) = \(value)") }
        section("assertions")
        if result.assertions.isEmpty { add(result.status == .error ? "not evaluated: the run failed" : "none", .dim) }
        for assertion in result.assertions {
            let mark = assertion.status.mark
            let role: ThemeRole =
                switch assertion.status {
                case .passed: .success
                case .failed: .error
                case .notRun: .dim
                }
            let metric = assertion.metric.map { " [\($0)]" } ?? ""
            add(
                "\(mark) \(assertion.type)\(metric) \(String(format: "%.2f", assertion.score)): \(assertion.reason)",
                role)
        }
        section("output")
        for line in result.output.split(separator: "\n", omittingEmptySubsequences: false) { add(String(line)) }
        for call in result.toolCalls ?? [] {
            section("tool call \(call.name)")
            for line in call.prettyArguments.split(separator: "\n", omittingEmptySubsequences: false) {
                add(String(line))
            }
        }
        if let retrieval = result.retrieval {
            section("context · \(retrieval.method), top \(retrieval.topK), query \"\(retrieval.query)\"")
            for entry in retrieval.chunks {
                let mark = entry.citation.map { "[\($0)]" } ?? " - "
                add(
                    "\(mark) \(String(format: "%6.2f", entry.chunk.score)) \(entry.chunk.location)\(entry.omitted.map { " (\($0))" } ?? "")",
                    entry.citation == nil ? .dim : .overlay)
            }
        }
        if let prompt = cellPrompt {
            section("\(prompt.heading) · \(result.prompt.path) @ \(result.prompt.hash.prefix(12))")
            for (role, text) in prompt.lines { add(text, role == nil ? .dim : .titleFocused) }
        }
        return lines
    }

    static func drawVersions(
        _ browser: VersionBrowser, keys: String, state: WorkbenchState, screen: Rect, canvas: inout Canvas
    ) {
        let theme = state.theme
        let box = OverlayDrawing.centered(screen, width: min(screen.width - 2, 100), height: screen.height - 1)
        OverlayDrawing.frame(
            box, title: "Versions of \(browser.promptPath) · Esc closes", canvas: &canvas, theme: theme)
        let inner = box.inset(1)
        guard inner.height >= 3 else { return }
        canvas.draw(
            "version   first run          runs  eval pass rate", x: inner.x, y: inner.y, maxWidth: inner.width,
            style: theme.style(.titleFocused))
        if browser.versions.isEmpty {
            canvas.draw(
                "this prompt has not been run or evaluated yet", x: inner.x, y: inner.y + 1, maxWidth: inner.width,
                style: theme.style(.dim))
        }
        let height = inner.height - 2
        let top = max(0, browser.selected - height + 1)
        for line in 0..<height {
            let index = top + line
            guard browser.versions.indices.contains(index) else { break }
            let version = browser.versions[index]
            let rate = version.rate?.text ?? "–"
            var text =
                String(version.hash.prefix(8)).padding(toLength: 10, withPad: " ", startingAt: 0)
                + String(version.firstSeen.prefix(16)).replacingOccurrences(of: "T", with: " ").padding(
                    toLength: 19, withPad: " ", startingAt: 0)
                + String(version.runs).padding(toLength: 6, withPad: " ", startingAt: 0) + rate
            if version.hash == browser.currentHash { text += "  ← on disk" }
            if index == browser.marked { text += "  (marked)" }
            canvas.draw(
                text, x: inner.x, y: inner.y + 1 + line, maxWidth: inner.width,
                style: theme.style(index == browser.selected ? .selection : .overlay))
        }
        canvas.draw(
            OverlayDrawing.fitted(keys, width: inner.width), x: inner.x, y: inner.y + inner.height - 1,
            maxWidth: inner.width, style: theme.style(.statusKey))
    }
}

/// The prompt versions list as plain data.
public struct VersionBrowser: Sendable, Equatable {
    public var promptPath: String
    public var versions: [PromptVersions.Version]
    /// The hash of the prompt file as it is on disk.
    public var currentHash: String?
    public var selected: Int
    public var marked: Int?

    /// A list of `versions` with the newest selected.
    public init(promptPath: String, versions: [PromptVersions.Version], currentHash: String?) {
        self.promptPath = promptPath
        self.versions = versions
        self.currentHash = currentHash
        self.selected = max(0, versions.count - 1)
    }
}
