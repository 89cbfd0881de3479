import WhetCore

/// A line to draw and the theme role it is drawn in. Views build styled lines where the text is made, so
/// nothing has to guess a style from the text afterwards.
public struct StyledLine: Sendable, Equatable {
    public var text: String
    public var role: ThemeRole

    public init(_ text: String, _ role: ThemeRole = .text) {
        self.text = text
        self.role = role
    }
}

/// The output pane's text wrapped to the pane's width, kept until the text or the width changes: a long
/// answer is wrapped once per change, not once per frame and again per scroll key.
@MainActor
final class WrappedText {
    private var key = ""
    private var cached: [StyledLine] = []
    private var cachedLastTurn: Int?

    /// The output pane's lines for `state` at `width` columns.
    func lines(for state: WorkbenchState, width: Int) -> [StyledLine] {
        refresh(state, width: width)
        return cached
    }

    /// Where the user's last turn of a follow-up starts in those lines (nil: not a follow-up): known where the
    /// lines are made, so nothing reads the drawn text back to find it.
    func lastUserTurn(for state: WorkbenchState, width: Int) -> Int? {
        refresh(state, width: width)
        return cachedLastTurn
    }

    private func refresh(_ state: WorkbenchState, width: Int) {
        let width = max(1, width)
        let key = Self.key(state, width: width)
        if key != self.key {
            (cached, cachedLastTurn) = Self.make(state, width: width)
            self.key = key
        }
    }

    /// What the lines depend on: the run shown (or the live one's length), and the width.
    static func key(_ state: WorkbenchState, width: Int) -> String {
        if let live = state.runs.live { return "live \(live.number) \(live.output.utf8.count) \(width)" }
        if let run = state.shownRun {
            return "run \(run.id) \(state.viewingEarlierRun != nil) \(width) \(run.output.utf8.count)"
        }
        return "none \(state.readOnly) \(width)"
    }

    /// Wraps what the output pane shows: the streaming answer, or a recorded run (with the input it was
    /// asked with when it is an earlier one, its error, and a cancelled run's note).
    static func make(_ state: WorkbenchState, width: Int) -> (lines: [StyledLine], lastUserTurn: Int?) {
        func wrapped(_ text: String, _ role: ThemeRole) -> [StyledLine] {
            wrapText(VisibleText.escape(text), width: width).map { StyledLine($0, role) }
        }
        if let live = state.runs.live { return (wrapped(live.output, .text), nil) }
        guard let run = state.shownRun else {
            return (state.readOnly ? [] : wrapped("No runs yet. Press Ctrl-R to run the prompt.", .dim), nil)
        }
        var lines: [StyledLine] = []
        var lastUserTurn: Int? = nil
        if state.viewingEarlierRun != nil {
            let input = run.variables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            lines += wrapped("asked with " + (input.isEmpty ? "no variables" : input.joined(separator: "  ")), .dim)
            lines.append(StyledLine("", .dim))
        }
        if let turn = run.turn, turn > 0 {
            // A follow-up: the conversation after the prompt's own messages, then this answer.
            for message in run.messages.suffix(2 * turn) {
                if message.role == .user {
                    lastUserTurn = lines.count
                    lines += wrapped("you: " + message.content, .titleFocused)
                } else {
                    lines += wrapped(message.content, .dim)
                }
                lines.append(StyledLine("", .dim))
            }
        }
        lines += wrapped(run.output, .text)
        if let error = run.error {
            lines.append(StyledLine(""))
            lines += wrapped(error, .warning)
        }
        for call in run.toolCalls ?? [] {
            lines.append(StyledLine("── tool call \(call.name)", .titleFocused))
            lines += wrapped(call.prettyArguments, .text)
        }
        if run.finishReason == .cancelled { lines.append(StyledLine("[cancelled: partial output kept]", .warning)) }
        return (lines, lastUserTurn)
    }
}
