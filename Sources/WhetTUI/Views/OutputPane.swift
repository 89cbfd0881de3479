import Foundation
import WhetCore

/// The output pane: the streaming answer, or a recorded run; the title carries the run's numbers.
enum OutputPane {
    static func draw(
        _ state: WorkbenchState, lines: [StyledLine], in rect: Rect, canvas: inout Canvas, focused: Bool, now: Date
    ) {
        let theme = state.theme
        var title = "Output"
        if let live = state.runs.live {
            let elapsed = now.timeIntervalSince(live.started)
            title +=
                " · run \(live.number) · \(state.runs.backendName) · streaming \(String(format: "%.1f", elapsed)) s · Esc cancels"
            if let retry = state.runs.retryNote { title += " · \(retry)" }
        } else if let run = state.shownRun {
            title += " · " + runTitle(run, total: state.runs.records.count)
            if let rating = state.runs.ratings[run.id] {
                title +=
                    rating.verdict == .good
                    ? " · rated good" : rating.corrected == nil ? " · rated bad" : " · rated bad, corrected"
            }
        } else if let sessionID = state.runs.sessionID {
            title += " · session \(sessionID)"
        }
        canvas.box(
            rect, title: title, style: theme.style(focused ? .borderFocused : .border),
            titleStyle: theme.style(focused ? .titleFocused : .title))
        let inner = rect.inset(1)
        guard !inner.isEmpty else { return }
        // Follow the stream unless the user scrolled up.
        var view = state.runs.outputView.scroll
        if state.runs.live != nil, state.runs.outputView.follows {
            view.offset = ScrollState.maxOffset(count: lines.count, height: inner.height)
        }
        view.clamp(count: lines.count, height: inner.height)
        for row in 0..<inner.height {
            let index = view.offset + row
            guard index < lines.count else { break }
            let line = lines[index]
            canvas.draw(line.text, x: inner.x, y: inner.y + row, maxWidth: inner.width, style: theme.style(line.role))
            if line.role == .text {
                highlightCitations(
                    line.text, x: inner.x, y: inner.y + row, width: inner.width, canvas: &canvas, theme: theme)
            }
        }
        if lines.count > inner.height {
            let position = "\(view.offset + inner.height)/\(lines.count)"
            canvas.draw(
                position, x: rect.x + rect.width - DisplayWidth.of(position) - 2, y: rect.y + rect.height - 1,
                style: theme.style(.dim))
        }
    }

    static func runTitle(_ run: RunRecord, total: Int) -> String {
        var parts = ["run \(run.run)/\(total)", run.backend.name, run.model]
        if let first = run.latency.firstTokenMs { parts.append(String(format: "ttft %.0f ms", first)) }
        parts.append(String(format: "%.2f s", run.latency.totalMs / 1000))
        if let usage = run.usage { parts.append("\(usage.totalTokens) tok\(usage.estimated ? "~" : "")") }
        if let cost = run.costUSD { parts.append(String(format: "$%.4f", cost)) }
        if run.cached == true { parts.append("cached") }
        if let check = run.schemaCheck { parts.append(check.conforms ? "schema ✓" : "schema ✗") }
        if run.finishReason != .stop { parts.append(run.finishReason.rawValue) }
        return parts.joined(separator: " · ")
    }

    /// Citations like [2] stand out so they can be matched to the context pane.
    static func highlightCitations(_ line: String, x: Int, y: Int, width: Int, canvas: inout Canvas, theme: Theme) {
        var column = 0
        var openColumn: Int? = nil
        var digits = 0
        for character in line {
            if character == "[" {
                openColumn = column
                digits = 0
            } else if character.isNumber, openColumn != nil {
                digits += 1
            } else if character == "]", let start = openColumn, digits > 0 {
                let span = column + 1 - start
                if start + span <= width {
                    canvas.restyle(x: x + start, y: y, width: span) { $0 = theme.style(.pinned) }
                }
                openColumn = nil
            } else {
                openColumn = nil
            }
            column += DisplayWidth.of(character)
        }
    }
}
