import Foundation
import WhetCore

/// A text overlay over the whole screen (the status line stays visible): a title, styled lines scrolled by
/// the shared keys with the position shown, and a footer of its keys. Any other key closes it.
@MainActor
class ScrolledTextLayer: Layer {
    var scroll = ScrollState()
    /// The lines last laid out, and for which width: a frame or a key does not wrap the text again.
    private var laidOut: (width: Int, lines: [StyledLine])?

    /// `lines(state, width:)`, kept until the width changes (what these layers show does not change while
    /// they are open).
    func text(_ state: WorkbenchState, width: Int) -> [StyledLine] {
        if let laidOut, laidOut.width == width { return laidOut.lines }
        let made = lines(state, width: width)
        laidOut = (width, made)
        return made
    }

    /// The title (without position or keys).
    func title(_ state: WorkbenchState) -> String { "" }
    /// The lines at `width` columns.
    func lines(_ state: WorkbenchState, width: Int) -> [StyledLine] { [] }
    /// Rows above the scrolled lines (a header that stays).
    func header(_ state: WorkbenchState, width: Int) -> [StyledLine] { [] }
    /// Keys besides scrolling.
    func extraBindings(_ state: WorkbenchState) -> [KeyBinding] { [] }

    func box(_ screen: Rect) -> Rect { OverlayDrawing.centered(screen, width: screen.width, height: screen.height - 1) }

    /// Each viewer says its own section; the base class has none.
    class func help(_ state: WorkbenchState) -> LayerHelp? { nil }

    /// A viewer's keys as the help lists them: scrolling, its own, Esc.
    static func viewerHelp(_ title: String, extra: [KeyBinding] = []) -> LayerHelp {
        LayerHelp(
            title,
            ScrollKeys.bindings("scroll", space: extra.binding(for: .character(" ")) == nil) { _, _ in } + extra + [
                KeyBinding([.escape], "Esc", "close") { _ in }
            ])
    }

    /// The height left for the scrolled lines in `box` (inside, less header and footer).
    func bodyHeight(_ state: WorkbenchState, box: Rect) -> Int {
        max(1, box.height - 2 - header(state, width: box.width - 2).count - 1)
    }

    func bindings(_ state: WorkbenchState) -> [KeyBinding] {
        ScrollKeys.bindings("scroll", space: extraBindings(state).binding(for: .character(" ")) == nil) {
            [unowned self] wb, move in
            let box = self.box(Rect(x: 0, y: 0, width: wb.layout.status.width, height: wb.layout.status.y + 1))
            let count = self.text(wb.state, width: box.width - 2).count
            self.scroll.apply(move, count: count, height: self.bodyHeight(wb.state, box: box))
        } + extraBindings(state) + [
            KeyBinding.closing([.escape], "Esc", "close", hint: "close")
        ]
    }

    func draw(_ context: DrawContext, canvas: inout Canvas) -> (x: Int, y: Int)? {
        let theme = context.state.theme
        let box = box(context.screen)
        let inner = box.inset(1)
        let header = header(context.state, width: inner.width)
        let lines = text(context.state, width: inner.width)
        let height = bodyHeight(context.state, box: box)
        var view = scroll
        view.clamp(count: lines.count, height: height)
        let position = view.position(count: lines.count, height: height).map { " · \($0)" } ?? ""
        OverlayDrawing.frame(box, title: title(context.state) + position, canvas: &canvas, theme: theme)
        OverlayDrawing.lines(header, scroll: 0, in: inner, canvas: &canvas, theme: theme)
        let body = Rect(x: inner.x, y: inner.y + header.count, width: inner.width, height: height)
        OverlayDrawing.lines(lines, scroll: view.offset, in: body, canvas: &canvas, theme: theme)
        decorate(context, lines: lines, scroll: view.offset, body: body, canvas: &canvas)
        OverlayDrawing.footer(bindings(context.state).footer, in: box, canvas: &canvas, theme: theme)
        return nil
    }

    /// Extra drawing over the body (matched terms).
    func decorate(_ context: DrawContext, lines: [StyledLine], scroll: Int, body: Rect, canvas: inout Canvas) {}
}

/// Enter in the context pane: one chunk in full, its matched terms highlighted, why it was retrieved.
@MainActor
final class ChunkLayer: ScrolledTextLayer {
    let chunk: RetrievedChunk
    /// Whether Space may exclude it (not for an earlier run's recorded chunks).
    let excludable: Bool

    init(chunk: RetrievedChunk, excludable: Bool) {
        self.chunk = chunk
        self.excludable = excludable
    }

    override func title(_ state: WorkbenchState) -> String {
        let heading = chunk.headingPath.isEmpty ? "" : " · " + chunk.headingPath.joined(separator: " › ")
        let score =
            state.context.pinnedUnranked.contains(chunk.location) ? "pinned" : String(format: "score %.2f", chunk.score)
        return "\(chunk.citedLocation)\(heading) · \(score)"
    }

    override func header(_ state: WorkbenchState, width: Int) -> [StyledLine] {
        var header = [StyledLine("matched: " + chunk.matchedTerms.joined(separator: ", "), .dim)]
        if let methods = chunk.methods, !methods.isEmpty {
            header.append(
                StyledLine(
                    "why: "
                        + methods.map { "\($0.method) #\($0.rank) (\(String(format: "%.3f", $0.score)))" }
                        .joined(separator: " · "), .dim))
        }
        if state.context.pinned.contains(where: { $0.location == chunk.location }) {
            header.append(StyledLine("pinned: always in context", .dim))
        }
        if state.context.excluded.contains(chunk.location) {
            header.append(StyledLine("excluded from the next run", .dim))
        }
        return header
    }

    override func lines(_ state: WorkbenchState, width: Int) -> [StyledLine] {
        wrapText(VisibleText.escape(chunk.text), width: width).map { StyledLine($0, .overlay) }
    }

    override func extraBindings(_ state: WorkbenchState) -> [KeyBinding] {
        [Self.excludeBinding(chunk.location, excludable: excludable), Self.pinBinding(chunk, pinnable: excludable)]
    }

    /// `p`: the chunk pinned (always in context, listed first) or unpinned, as `p` in the context pane.
    static func pinBinding(_ chunk: RetrievedChunk?, pinnable: Bool) -> KeyBinding {
        KeyBinding(
            [.character("p")], "p", "pin / unpin: always in context", hint: "pin", changesWorkspace: true,
            disabledReason: pinnable ? nil : "this is a recorded run's context; it cannot be changed"
        ) { wb in if let chunk { wb.context.togglePin(chunk) } }
    }

    override class func help(_ state: WorkbenchState) -> LayerHelp? {
        viewerHelp(
            "Chunk (Enter in Context)", extra: [excludeBinding(nil, excludable: true), pinBinding(nil, pinnable: true)])
    }

    /// Space: the chunk at `location` left out of the next run, or put back (nil: the help's entry only).
    static func excludeBinding(_ location: ChunkLocation?, excludable: Bool) -> KeyBinding {
        KeyBinding(
            [.character(" ")], "Space", "exclude / include for the next run", hint: "exclude",
            hintKey: "Space", changesWorkspace: true,
            disabledReason: excludable ? nil : "this is a recorded run's context; it cannot be changed"
        ) { wb in if let location { wb.context.toggleExcluded(location) } }
    }

    override func decorate(
        _ context: DrawContext, lines: [StyledLine], scroll: Int, body: Rect, canvas: inout Canvas
    ) {
        OverlayDrawing.highlightTerms(
            chunk.matchedTerms, lines: lines.map(\.text), scroll: scroll, in: body, canvas: &canvas,
            theme: context.state.theme)
    }
}

/// `b` in the context pane: a document cut as the index cut it, long lines wrapped to the width, opened at the
/// selected chunk (`start` is its line before wrapping).
@MainActor
final class DocumentLayer: ScrolledTextLayer {
    let heading: String
    let content: [StyledLine]
    private let start: Int
    private var positioned = false

    init(title: String, lines: [StyledLine], scroll: Int) {
        heading = title
        content = lines
        start = scroll
        super.init()
    }

    override func title(_ state: WorkbenchState) -> String { heading }

    override class func help(_ state: WorkbenchState) -> LayerHelp? {
        viewerHelp("Document (b in Context)")
    }

    override func lines(_ state: WorkbenchState, width: Int) -> [StyledLine] {
        var out: [StyledLine] = []
        for (index, line) in content.enumerated() {
            if index == start, !positioned {
                scroll = ScrollState(offset: out.count)
                positioned = true
            }
            let pieces = wrapText(line.text, width: max(10, width))
            out += (pieces.isEmpty ? [""] : pieces).map { StyledLine($0, line.role) }
        }
        return out
    }
}

/// `d` in the output pane (and in the versions list): a word diff, laid out once per width.
@MainActor
final class DiffLayer: ScrolledTextLayer {
    let heading: String
    let pieces: [WordDiff.Piece]?
    private var rows: (width: Int, count: Int) = (0, 0)

    init(title: String, pieces: [WordDiff.Piece]?) {
        heading = title
        self.pieces = pieces
    }

    override func title(_ state: WorkbenchState) -> String { heading }

    /// A legend above the diff, or the note that there is nothing to show.
    override func header(_ state: WorkbenchState, width: Int) -> [StyledLine] {
        guard let pieces else { return [] }
        if pieces.allSatisfy({ $0.kind == .same }) {
            return [StyledLine("identical: the two texts are the same, word for word", .success)]
        }
        let removed = pieces.filter { $0.kind == .removed }.count
        let added = pieces.filter { $0.kind == .added }.count
        return [
            StyledLine(
                "red: removed, green: added (without colour: underlined, bold) · \(removed) removed, \(added) added",
                .dim)
        ]
    }

    /// Placeholder lines standing for the laid-out rows (the diff draws itself; the count drives scrolling).
    override func lines(_ state: WorkbenchState, width: Int) -> [StyledLine] {
        guard let pieces else { return [StyledLine("the text of one of these versions was not kept", .dim)] }
        if rows.width != width { rows = (width, OverlayDrawing.layOutDiff(pieces, width: width)) }
        return Array(repeating: StyledLine(""), count: rows.count)
    }

    override func decorate(
        _ context: DrawContext, lines: [StyledLine], scroll: Int, body: Rect, canvas: inout Canvas
    ) {
        guard let pieces else { return }
        OverlayDrawing.drawDiff(pieces, scroll: scroll, in: body, canvas: &canvas, theme: context.state.theme)
    }
}

/// `:finetune`: the dataset the workspace would export; `w` writes it.
@MainActor
final class DatasetLayer: ScrolledTextLayer {
    override func box(_ screen: Rect) -> Rect {
        OverlayDrawing.centered(screen, width: min(screen.width, 110), height: screen.height - 1)
    }

    override func title(_ state: WorkbenchState) -> String { "Fine-tuning dataset" }

    override func lines(_ state: WorkbenchState, width: Int) -> [StyledLine] {
        guard let dataset = state.evals.dataset else { return [] }
        let exists = FileManager.default.fileExists(atPath: FineTuningFolder(workspace: state.workspace).trainURL.path)
        return OverlayDrawing.wrap(DatasetLines.make(dataset, exists: exists), width: width)
    }

    override func extraBindings(_ state: WorkbenchState) -> [KeyBinding] { Self.writeBindings }

    override class func help(_ state: WorkbenchState) -> LayerHelp? {
        viewerHelp("Fine-tuning dataset (:finetune)", extra: writeBindings)
    }

    static var writeBindings: [KeyBinding] {
        [
            KeyBinding([.character("w")], "w", "write finetune/", hint: "write finetune/", changesWorkspace: true) {
                $0.evals.writeDataset()
            }
        ]
    }
}

/// `:messages`: every status message of this session, whole and wrapped, newest last (the status line cuts a
/// long one to its width).
@MainActor
final class MessagesLayer: ScrolledTextLayer {
    let messages: [StatusMessage]

    init(messages: [StatusMessage]) {
        self.messages = messages
        super.init()
        self.scroll = ScrollState(offset: Int.max / 2)
    }

    override func title(_ state: WorkbenchState) -> String { "Messages (\(messages.count))" }

    override class func help(_ state: WorkbenchState) -> LayerHelp? { viewerHelp("Messages (:messages)") }

    override func lines(_ state: WorkbenchState, width: Int) -> [StyledLine] {
        guard !messages.isEmpty else { return [StyledLine("no messages yet", .dim)] }
        return messages.flatMap { message -> [StyledLine] in
            let role: ThemeRole =
                switch message.kind {
                case .info: .overlay
                case .warning: .warning
                case .error: .error
                }
            return wrapText(message.text, width: max(10, width)).map { StyledLine($0, role) }
        }
    }
}
