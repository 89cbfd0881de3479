import Foundation
import WhetCore

/// The context pane: the chunks retrieved for the current input, with rank, score and source; excluded
/// chunks dimmed, the selected one highlighted, the retrieval settings in the title.
enum ContextPane {
    static func draw(_ state: inout WorkbenchState, in rect: Rect, canvas: inout Canvas, focused: Bool) {
        let theme = state.theme
        let used = state.results.filter { !state.excluded.contains($0.location) }.count
        let method =
            state.retrievalEnabled
            ? state.retrievalOptions.label + (state.searching ? " …" : "") + (state.embedding ? " · embedding…" : "")
            : "off"
        let full = "Context · \(method) · k=\(state.topK) · \(used)/\(state.results.count)"
        let compact = "Context \(method) k\(state.topK) \(used)/\(state.results.count)"
        canvas.box(
            rect, title: DisplayWidth.of(full) + 2 <= rect.width - 3 ? full : compact,
            style: theme.style(focused ? .borderFocused : .border),
            titleStyle: theme.style(focused ? .titleFocused : .title))
        let inner = rect.inset(1)
        guard !inner.isEmpty else { return }
        if !state.retrievalEnabled {
            canvas.draw(
                "retrieval is off (:retrieval on)", x: inner.x, y: inner.y, maxWidth: inner.width,
                style: theme.style(.dim))
            return
        }
        if state.results.isEmpty {
            let note = state.query.isEmpty ? "no query yet" : "nothing matches the query"
            canvas.draw(note, x: inner.x, y: inner.y, maxWidth: inner.width, style: theme.style(.dim))
            return
        }
        state.selectedChunk = min(state.selectedChunk, state.results.count - 1)
        if state.selectedChunk < state.contextScroll { state.contextScroll = state.selectedChunk }
        let visibleRows = state.searchedQueries.count > 1 && inner.height >= 3 ? inner.height - 1 : inner.height
        if state.selectedChunk >= state.contextScroll + visibleRows {
            state.contextScroll = state.selectedChunk - visibleRows + 1
        }
        // Model-written queries (multi-query, HyDE) take the pane's last line, so the user sees what was searched.
        let expansions = state.searchedQueries.dropFirst()
        let listHeight = expansions.isEmpty || inner.height < 3 ? inner.height : inner.height - 1
        if listHeight < inner.height {
            let line = "also searched: " + expansions.map { VisibleText.escape($0) }.joined(separator: " · ")
            canvas.draw(
                line, x: inner.x, y: inner.y + inner.height - 1, maxWidth: inner.width, style: theme.style(.dim))
        }
        for row in 0..<listHeight {
            let index = state.contextScroll + row
            guard index < state.results.count else { break }
            let chunk = state.results[index]
            let isExcluded = state.excluded.contains(chunk.location)
            let selected = index == state.selectedChunk
            let pointer = selected ? "▸" : " "
            let isPinned = state.pinned.contains { $0.location == chunk.location }
            let mark = isExcluded ? "✗" : (isPinned ? "*" : String(chunk.rank))
            let head = "\(pointer)\(mark) \(formatScore(chunk.score)) "
            let lines = ":\(chunk.startLine)-\(chunk.endLine)"
            var path = VisibleText.escape(shortPath(chunk.path))
            if DisplayWidth.of(head + path + lines) > inner.width { path = (path as NSString).lastPathComponent }
            let line = head + path + lines
            var style = theme.style(isExcluded ? .excluded : .text)
            if selected && focused { style = theme.style(.selection) }
            canvas.fill(
                Rect(x: inner.x, y: inner.y + row, width: inner.width, height: 1),
                style: selected && focused ? style : theme.style(.text))
            canvas.draw(line, x: inner.x, y: inner.y + row, maxWidth: inner.width, style: style)
        }
    }

    /// Five columns whatever the scale: BM25 scores (tens) with one decimal, cosine and fused scores (below
    /// ten, often below one) with more.
    static func formatScore(_ score: Double) -> String {
        if abs(score) >= 100 { return String(format: "%5.0f", score) }
        if abs(score) >= 10 { return String(format: "%5.1f", score) }
        if abs(score) >= 1 { return String(format: "%5.2f", score) }
        return String(format: "%5.3f", score).replacingOccurrences(of: "0.", with: " .", options: .anchored)
    }

    /// The path without the corpus directory, which every result shares.
    static func shortPath(_ path: String) -> String {
        path.hasPrefix("corpus/") ? String(path.dropFirst("corpus/".count)) : path
    }
}
