import WhetCore

/// The help, generated from the bindings themselves: every component's keys, where they work, and (in
/// review mode) which are not available there.
extension Workbench {
    /// Every key and command, grouped by where it works.
    func helpSections() -> [HelpSection] {
        var sections = [HelpSection("Everywhere", globalBindings())]
        sections += [
            HelpSection(
                "Prompt editor", app.readOnly ? PromptEditorPane.reviewBindings() : PromptEditorPane.bindings(self)),
            HelpSection("Context", ContextPane.bindings(self)),
            HelpSection("Output", OutputPane.bindings(self)),
            HelpSection("Framework sidebar", FrameworkSidebar.bindings(self)),
            HelpSection("Context, Output and Framework", paneCommonBindings()),
        ]
        // Every layer type's section, from the one list of layer types: a new layer is in the help once it is
        // in `LayerCatalog.all`.
        sections += LayerCatalog.all.compactMap { $0.help(state).map { HelpSection($0.title, $0.bindings) } }
        sections += [
            HelpSection(
                title: "Commands (:)",
                entries: Self.commands.map {
                    HelpEntry(keys: $0.usage, action: $0.help, changesWorkspace: $0.changesWorkspace)
                })
        ]
        return sections
    }

    /// `F1` / `?`: the help over everything.
    func openHelp() {
        layers.push(HelpLayer(sections: helpSections(), reviewMode: app.readOnly))
    }
}

/// The help overlay's lines: a section title, then `keys  action` with long actions wrapped under their
/// column; in review mode what review refuses is dimmed and says so.
enum KeyHelp {
    static let keyColumn = 26

    static func lines(_ sections: [HelpSection], width: Int, reviewMode: Bool) -> [StyledLine] {
        var lines: [StyledLine] = []
        let actionWidth = max(10, width - keyColumn - 2)
        for section in sections where !section.entries.isEmpty {
            lines.append(StyledLine(section.title, .titleFocused))
            for entry in section.entries {
                let refused = reviewMode && entry.changesWorkspace
                let action = entry.action + (refused ? " (not in review mode)" : "")
                let wrapped = wrapText(action, width: actionWidth)
                for (index, part) in wrapped.enumerated() {
                    let keys = index == 0 ? entry.keys : ""
                    let padded = keys.padding(
                        toLength: max(keyColumn, DisplayWidth.of(keys) + 1), withPad: " ", startingAt: 0)
                    lines.append(StyledLine("  " + padded + part, refused ? .dim : .overlay))
                }
            }
            lines.append(StyledLine("", .overlay))
        }
        return lines
    }

    /// The widest line the help needs, so the overlay is as wide as its text (up to the screen).
    static func naturalWidth(_ sections: [HelpSection]) -> Int {
        sections.flatMap(\.entries).map {
            2 + max(keyColumn, DisplayWidth.of($0.keys) + 1) + DisplayWidth.of($0.action)
        }
        .max() ?? 60
    }
}

/// F1: every key, scrolled by the same keys as any view; any other key closes it.
@MainActor
final class HelpLayer: Layer {
    static func help(_ state: WorkbenchState) -> LayerHelp? {
        LayerHelp("Help (F1)", HelpLayer(sections: [], reviewMode: false).bindings(state))
    }

    let sections: [HelpSection]
    let reviewMode: Bool
    private(set) var scroll = ScrollState()

    init(sections: [HelpSection], reviewMode: Bool) {
        self.sections = sections
        self.reviewMode = reviewMode
    }

    /// The box on `screen`: as wide as the text needs, the full height.
    func box(_ screen: Rect) -> Rect {
        OverlayDrawing.centered(
            screen, width: min(screen.width, KeyHelp.naturalWidth(sections) + 4), height: screen.height - 1)
    }

    func lines(_ screen: Rect) -> [StyledLine] {
        KeyHelp.lines(sections, width: box(screen).width - 2, reviewMode: reviewMode)
    }

    func bindings(_ state: WorkbenchState) -> [KeyBinding] {
        ScrollKeys.bindings("scroll", space: true) { [unowned self] wb, move in
            let screen = Rect(x: 0, y: 0, width: wb.layout.status.width, height: wb.layout.status.y + 1)
            self.scroll.apply(move, count: self.lines(screen).count, height: self.box(screen).height - 2)
        }
    }

    func draw(_ context: DrawContext, canvas: inout Canvas) -> (x: Int, y: Int)? {
        let theme = context.state.theme
        let box = box(context.screen)
        let lines = lines(context.screen)
        var view = scroll
        view.clamp(count: lines.count, height: box.height - 2)
        let position = view.position(count: lines.count, height: box.height - 2).map { " · \($0)" } ?? ""
        OverlayDrawing.frame(
            box, title: "Help\(position) · j/k PgUp/PgDn scroll · Esc closes", canvas: &canvas, theme: theme)
        OverlayDrawing.lines(lines, scroll: view.offset, in: box.inset(1), canvas: &canvas, theme: theme)
        return nil
    }
}
