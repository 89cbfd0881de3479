// The Features folder: the workbench's centre, cut by what the user works on. Each feature (prompt, context,
// runs, evals) owns a slice of the state, the effects behind its keys and its background jobs; `Workbench`
// composes them and routes keys and cross-feature needs between them (docs/architecture.md).

import WhetCore

/// The prompt editor's view: the first line and column shown (it scrolls horizontally, no soft wrap).
public struct EditorView: Sendable, Equatable {
    public var line = 0
    public var column = 0
}

/// The prompt feature's slice: the prompt being edited, its variables and the editor's view.
public struct PromptState: Sendable {
    /// The prompt's file name (`support.prompty`), or what review mode shows in its place.
    public var name: String
    /// The prompt's path in the workspace (empty in review mode).
    public var path: String
    public var buffer: TextBuffer
    public var editorView = EditorView()
    /// The prompt's parse error, shown in place of the variables strip.
    public var problem: String?
    public var variableNames: [String] = []
    /// The sample each variable was last filled with, so a value nobody changed follows the prompt's sample.
    public var sampleValues: [String: String] = [:]
    /// Values typed for one prompt that the next prompt opened could not take (a conversation where it wants
    /// text): kept by prompt path and given back when that prompt is opened again.
    public var setAsideValues: [String: [String: String]] = [:]
    /// The variables the prompt declares as conversations (`kind: thread`): edited as messages.
    public var threadInputs: Set<String> = []
    public var variables: [String: String] = [:]
    /// The last text searched for with Ctrl-F (highlighted in the editor, offered again by the next Ctrl-F).
    public var lastSearch = ""

    /// A variable's value on one line, as the variables strip and form show it: a conversation as its length
    /// and last message (its JSON would fill the line with punctuation), other text with newlines as ⏎.
    func displayedValue(of name: String) -> String {
        let value = variables[name] ?? ""
        if threadInputs.contains(name), let messages = try? ThreadValue.messages(from: value, input: name) {
            let last = messages.last.map { " · last: \($0.role.rawValue): \($0.content)" } ?? ""
            let count = messages.count == 1 ? "1 message" : "\(messages.count) messages"
            return VisibleText.escape(count + last).replacingOccurrences(of: "\n", with: "⏎")
        }
        return VisibleText.escape(value).replacingOccurrences(of: "\n", with: "⏎")
    }
}
