import Foundation
import WhetCore

/// The context pane: the chunks retrieved for the current input, with rank, score and source; excluded
/// chunks dimmed, the selected one highlighted, the retrieval settings in the title.
enum ContextPane {
    /// What an empty list means: the index's status first (opening, unavailable), then the query's.
    static func emptyNote(_ state: WorkbenchState) -> String {
        let context = state.context
        if state.readOnly {
            return state.shownRun?.retrieval == nil ? "retrieval was off for this run" : "this run retrieved nothing"
        }
        if state.prompt.problem != nil { return "no query: the prompt does not parse (see the editor)" }
        switch context.status {
        case .connecting: return "opening the index…" + (context.openingProgress.map { " (\($0))" } ?? "")
        case .unavailable: return "retrieval is unavailable (:messages says why)"
        case .off, .ready, .updating:
            return context.query.isEmpty ? "no query yet" : "nothing matches the query"
        }
    }

    static func draw(_ state: WorkbenchState, in rect: Rect, canvas: inout Canvas, focused: Bool) {
        let theme = state.theme
        let chunks = state.listedChunks
        let recorded = state.viewingEarlierRun
        let used = chunks.filter { !state.context.excluded.contains($0.location) }.count
        let method =
            state.context.retrievalEnabled
            ? state.retrievalLabel + (state.context.searching ? " …" : "")
                + (state.context.embedding ? " · embedding…" : "")
                + (state.context.status == .connecting && !state.readOnly ? " · opening…" : "")
                + (state.context.status.isUpdating ? " · updating…" : "")
            : "off"
        let full: String
        let compact: String
        if let recorded {
            let used = recorded.retrieval?.chunks.filter { $0.citation != nil }.count ?? 0
            full = "Context · run \(recorded.run) · \(recorded.retrieval?.method ?? "none") · \(used)/\(chunks.count)"
            compact = "Context run \(recorded.run) \(used)/\(chunks.count)"
        } else if !state.context.retrievalEnabled {
            // Off: no run takes context, so no count of chunks used.
            full = "Context · off"
            compact = full
        } else if state.context.status == .connecting {
            // Nothing is listed until the index is open: no count to give yet.
            full = "Context · \(method) · k=\(state.context.topK)"
            compact = "Context \(method) k\(state.context.topK)"
        } else {
            full = "Context · \(method) · k=\(state.context.topK) · \(used)/\(chunks.count)"
            compact = "Context \(method) k\(state.context.topK) \(used)/\(chunks.count)"
        }
        // The watch's news is the first thing a narrow pane drops.
        let marked = state.context.corpusChanged && recorded == nil ? full + " · corpus changed" : full
        let title = [marked, full].first { DisplayWidth.of($0) + 2 <= rect.width - 3 } ?? compact
        canvas.box(
            rect, title: title,
            style: theme.style(focused ? .borderFocused : .border),
            titleStyle: theme.style(focused ? .titleFocused : .title))
        let inner = rect.inset(1)
        guard !inner.isEmpty else { return }
        if recorded == nil, !state.context.retrievalEnabled {
            canvas.draw(
                "retrieval is off (:retrieval on)", x: inner.x, y: inner.y, maxWidth: inner.width,
                style: theme.style(.dim))
            return
        }
        if chunks.isEmpty {
            let note =
                recorded != nil
                ? (recorded?.retrieval == nil ? "retrieval was off for this run" : "this run retrieved nothing")
                : ContextPane.emptyNote(state)
            canvas.draw(note, x: inner.x, y: inner.y, maxWidth: inner.width, style: theme.style(.dim))
            return
        }
        // Model-written queries (multi-query, HyDE) take the pane's last line, so the user sees what was searched.
        let expansions = recorded == nil ? state.context.searchedQueries.dropFirst() : []
        let listHeight = expansions.isEmpty || inner.height < 3 ? inner.height : inner.height - 1
        if listHeight < inner.height {
            let line = "also searched: " + expansions.map { VisibleText.escape($0) }.joined(separator: " · ")
            canvas.draw(
                line, x: inner.x, y: inner.y + inner.height - 1, maxWidth: inner.width, style: theme.style(.dim))
        }
        var list = state.context.contextList
        list.fit(count: chunks.count, height: listHeight)
        for row in 0..<listHeight {
            let index = list.top + row
            guard index < chunks.count else { break }
            let chunk = chunks[index]
            let isExcluded = state.context.excluded.contains(chunk.location) && recorded == nil
            let selected = index == list.selected
            let pointer = selected ? "▸" : " "
            let isPinned = recorded == nil && state.context.pinned.contains { $0.location == chunk.location }
            let mark = isExcluded ? "✗" : (isPinned ? "*" : String(chunk.rank))
            let score =
                isPinned && state.context.pinnedUnranked.contains(chunk.location) ? "  pin" : formatScore(chunk.score)
            let head = "\(pointer)\(mark) \(score) "
            let lines = chunk.pages.map { " \($0.label)" } ?? ":\(chunk.startLine)-\(chunk.endLine)"
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
