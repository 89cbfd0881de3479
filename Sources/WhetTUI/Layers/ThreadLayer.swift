import WhetCore

/// A thread input (`kind: thread`) edited as the conversation it is: one row per message, its role and its
/// text. Enter edits a message's text, `a` adds the next turn at the end (the role that answers the last one),
/// `i` inserts below the selected message, `r` changes a role, `d` deletes; every change is written back to the variable at once, as the JSON the prompt
/// reads, so closing the form loses nothing. Tool calls and results in the thread are kept as they are.
@MainActor
final class ThreadLayer: Layer {
    /// The variable being edited.
    let name: String
    private(set) var messages: [ChatMessage]
    private(set) var list = ListState()
    /// The text being edited, if a message is.
    private(set) var editing: LineEditor?

    /// The keys as the help lists them.
    static func help(_ state: WorkbenchState) -> LayerHelp? { LayerHelp("Conversation", helpBindings(state)) }

    static func helpBindings(_ state: WorkbenchState) -> [KeyBinding] {
        ThreadLayer(name: "", messages: [ChatMessage(role: .user, content: "")]).bindings(state)
    }

    init(name: String, messages: [ChatMessage]) {
        self.name = name
        self.messages = messages
    }

    /// Writes the messages back to the variable.
    private func store(_ workbench: Workbench) {
        workbench.prompt.keep(ThreadValue.text(messages), for: name)
    }

    private func move(_ delta: Int) {
        list.apply(.lines(delta), count: messages.count, height: messages.count)
    }

    /// The role that answers `role`: a user is answered by the assistant, anything else by the user.
    static func reply(to role: ChatMessage.Role?) -> ChatMessage.Role { role == .user ? .assistant : .user }

    /// The next role `r` gives: user → assistant → system → user (a tool result stays one).
    static func nextRole(_ role: ChatMessage.Role) -> ChatMessage.Role {
        switch role {
        case .user: return .assistant
        case .assistant: return .system
        case .system: return .user
        case .tool: return .tool
        }
    }

    func bindings(_ state: WorkbenchState) -> [KeyBinding] {
        if editing != nil {
            return [
                KeyBinding([.enter], "Enter", "keep the text", hint: "keep") { [unowned self] wb in
                    if self.messages.indices.contains(self.list.selected), let text = self.editing?.text {
                        self.messages[self.list.selected].content = text
                        self.store(wb)
                    }
                    self.editing = nil
                },
                KeyBinding([.escape], "Esc", "leave the text as it was", hint: "cancel") { [unowned self] _ in
                    self.editing = nil
                },
            ]
        }
        let selected = messages.indices.contains(list.selected) ? list.selected : nil
        let none = selected == nil ? "the conversation is empty: a adds a message" : nil
        return [
            KeyBinding([.character("j"), .down], "j k / arrows", "select a message", hint: "select", hintKey: "j/k") {
                [unowned self] _ in self.move(1)
            },
            KeyBinding([.character("k"), .up], "k", nil) { [unowned self] _ in self.move(-1) },
            KeyBinding([.enter], "Enter", "edit the message's text", hint: "edit", disabledReason: none) {
                [unowned self] _ in
                guard let selected else { return }
                self.editing = LineEditor(self.messages[selected].content)
            },
            KeyBinding(
                [.character("a")], "a", "add the next turn at the end (the role that answers the last)", hint: "add"
            ) {
                [unowned self] wb in
                // The conversation's next turn, wherever the selection is: it answers the last message, so roles
                // alternate as a conversation does.
                let at = self.messages.count
                self.messages.append(ChatMessage(role: Self.reply(to: self.messages.last?.role), content: ""))
                self.list = ListState(selected: at)
                self.store(wb)
                self.editing = LineEditor("")
            },
            KeyBinding(
                [.character("i")], "i", "insert a message below the selected one (the role that answers it)",
                disabledReason: none
            ) {
                [unowned self] wb in
                let at = selected.map { $0 + 1 } ?? self.messages.count
                self.messages.insert(
                    ChatMessage(role: Self.reply(to: selected.map { self.messages[$0].role }), content: ""), at: at)
                self.list = ListState(selected: at)
                self.store(wb)
                self.editing = LineEditor("")
            },
            KeyBinding(
                [.character("r")], "r", "change the role (user, assistant, system)", hint: "role",
                disabledReason: none
            ) { [unowned self] wb in
                guard let selected else { return }
                self.messages[selected].role = Self.nextRole(self.messages[selected].role)
                self.store(wb)
            },
            KeyBinding([.character("d")], "d", "delete the message", hint: "delete", disabledReason: none) {
                [unowned self] wb in
                guard let selected else { return }
                self.messages.remove(at: selected)
                self.move(0)
                self.store(wb)
            },
            KeyBinding.closing([.escape], "Esc", "close", hint: "close"),
        ]
    }

    func unbound(_ key: Key, _ workbench: Workbench) -> LayerAnswer {
        guard editing != nil else { return .consumed }
        _ = editing?.apply(key)
        return .consumed
    }

    func draw(_ context: DrawContext, canvas: inout Canvas) -> (x: Int, y: Int)? {
        let theme = context.state.theme
        let box = OverlayDrawing.centered(
            context.screen, width: min(context.screen.width - 4, 80),
            height: min(context.screen.height - 2, max(messages.count, 1) + 4))
        OverlayDrawing.frame(box, title: "Conversation: \(name)", canvas: &canvas, theme: theme)
        let inner = box.inset(1)
        var view = list
        view.fit(count: messages.count, height: max(1, inner.height - 1))
        var cursor: (x: Int, y: Int)? = nil
        for row in 0..<max(0, inner.height - 1) {
            let index = view.top + row
            guard messages.indices.contains(index) else { break }
            let message = messages[index]
            let isSelected = index == view.selected
            let style = theme.style(isSelected ? .selection : .overlay)
            let label = message.role.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
            canvas.draw(label, x: inner.x, y: inner.y + row, maxWidth: inner.width, style: style)
            let width = max(1, inner.width - 10)
            if isSelected, let editing {
                let (text, column) = editing.visible(width: width)
                canvas.draw(text, x: inner.x + 10, y: inner.y + row, maxWidth: width, style: style)
                cursor = (min(inner.x + inner.width - 1, inner.x + 10 + column), inner.y + row)
            } else {
                var text = VisibleText.escape(message.content).replacingOccurrences(of: "\n", with: "⏎")
                if let calls = message.toolCalls, !calls.isEmpty {
                    text +=
                        (text.isEmpty ? "" : " ") + calls.map { "→ \($0.name)(\($0.arguments))" }.joined(separator: " ")
                }
                canvas.draw(text, x: inner.x + 10, y: inner.y + row, maxWidth: width, style: style)
            }
        }
        if messages.isEmpty {
            canvas.draw("no messages yet", x: inner.x, y: inner.y, style: theme.style(.dim))
        }
        OverlayDrawing.footer(bindings(context.state).footer, in: box, canvas: &canvas, theme: theme)
        return cursor
    }
}
