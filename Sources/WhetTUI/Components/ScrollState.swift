// The Components folder: the panes as components (their own state, keys and drawing) and the state types
// they share.

/// A movement through a list or a text: the same keys mean the same thing in every pane and overlay.
public enum ScrollMove: Sendable, Equatable {
    case lines(Int)
    case pages(Int)
    case top
    case bottom

    /// Where the move lands from `position`: a page is the view's `height` less one line (the line kept for
    /// context); `last` is where `.bottom` goes. The caller clamps.
    func target(from position: Int, height: Int, last: Int) -> Int {
        switch self {
        case .lines(let n): position + n
        case .pages(let n): position + n * max(1, height - 1)
        case .top: 0
        case .bottom: last
        }
    }
}

/// How far a text view is scrolled. One type for every scrolled text, so paging and clamping are the same
/// everywhere: the offset never passes the last full page, and a page moves by the view's height less one
/// line (the line kept for context).
public struct ScrollState: Sendable, Equatable {
    /// The first line shown.
    public var offset: Int

    /// Scrolled to `offset`.
    public init(offset: Int = 0) { self.offset = offset }

    /// The largest offset for `count` lines in a view `height` lines tall.
    public static func maxOffset(count: Int, height: Int) -> Int { max(0, count - max(1, height)) }

    /// Moves by `move` within `count` lines shown `height` at a time.
    public mutating func apply(_ move: ScrollMove, count: Int, height: Int) {
        offset = move.target(from: offset, height: height, last: Self.maxOffset(count: count, height: height))
        clamp(count: count, height: height)
    }

    /// Keeps the offset within the text (after a resize, or the text got shorter).
    public mutating func clamp(count: Int, height: Int) {
        offset = max(0, min(offset, Self.maxOffset(count: count, height: height)))
    }

    /// `12-40/130`: the lines shown and the total, for a title or footer; nil when everything fits.
    public func position(count: Int, height: Int) -> String? {
        guard count > height else { return nil }
        return "\(offset + 1)-\(min(count, offset + height))/\(count)"
    }
}

/// A list with a cursor: the selected row and the first row shown. The selection is always on screen, and
/// the list never shows blank rows below its end while there are rows above.
public struct ListState: Sendable, Equatable {
    public var selected: Int
    public var top: Int

    /// Row `selected` selected, shown from `top`.
    public init(selected: Int = 0, top: Int = 0) {
        self.selected = selected
        self.top = top
    }

    /// Moves the cursor by `move` in a list of `count` rows shown `height` at a time.
    public mutating func apply(_ move: ScrollMove, count: Int, height: Int) {
        selected = move.target(from: selected, height: height, last: count - 1)
        fit(count: count, height: height)
    }

    /// Clamps the cursor to the list and scrolls just enough to show it.
    public mutating func fit(count: Int, height: Int) {
        selected = max(0, min(selected, count - 1))
        let height = max(1, height)
        if selected < top { top = selected }
        if selected >= top + height { top = selected - height + 1 }
        top = max(0, min(top, ScrollState.maxOffset(count: count, height: height)))
    }
}

/// The movement keys every scrolled view shares, as bindings.
enum ScrollKeys {
    /// j/k, arrows, PgUp/PgDn (and Space), Home/End, g/G: `apply` receives the move.
    @MainActor
    static func bindings(
        _ what: String, space: Bool = false, _ apply: @escaping @MainActor (Workbench, ScrollMove) -> Void
    ) -> [KeyBinding] {
        [
            KeyBinding([.character("j"), .down], "j k / arrows", what, hint: what, hintKey: "j/k") {
                apply($0, .lines(1))
            },
            KeyBinding([.character("k"), .up], "k", nil) { apply($0, .lines(-1)) },
            KeyBinding([.pageDown] + (space ? [.character(" ")] : []), "PgUp PgDn", "a page up / down") {
                apply($0, .pages(1))
            },
            KeyBinding([.pageUp], "PgUp", nil) { apply($0, .pages(-1)) },
            KeyBinding([.home, .character("g")], "g G / Home End", "first / last") { apply($0, .top) },
            KeyBinding([.end, .character("G")], "G", nil) { apply($0, .bottom) },
        ]
    }
}
