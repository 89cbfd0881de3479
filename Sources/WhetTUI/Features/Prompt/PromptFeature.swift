import Foundation
import WhetCore

/// The prompt feature: the prompt being edited and its variables. It loads, parses, saves and recovers the
/// prompt file, switches prompts, and answers the other features' questions about it (its parsed form for the
/// context's query and the advisor, its text and variables for a run) through the workbench.
@MainActor
final class PromptFeature {
    /// This feature's slice of the state: only this feature writes it.
    var state: PromptState
    unowned let workbench: Workbench
    /// The text last written to the recovery file.
    var lastRecoveryText: String?
    /// The prompt file's size and modification time at the last look (`followDisk`), by path.
    var diskStamp: (path: String, stamp: DiskStamp)?

    init(_ state: PromptState, workbench: Workbench) {
        self.state = state
        self.workbench = workbench
    }

    var workspace: Workspace { workbench.app.workspace }
    var readOnly: Bool { workbench.app.readOnly }

    /// The prompt file as the editor's text says it (throws the parse problem).
    func parsed() throws -> PromptFile {
        try PromptFile(
            parsing: state.buffer.text, path: state.path, defaultName: state.name,
            baseDirectory: workspace.root.appendingPathComponent(state.path).deletingLastPathComponent())
    }

    /// The prompt's name without `.prompty`, as evals, optimisation and fine-tuning name it.
    var baseName: String { (state.name as NSString).deletingPathExtension }

    /// `:prompt NAME`: another prompt in the editor (only with no unsaved edits).
    func open(_ name: String) {
        guard !name.isEmpty else {
            let names = workspace.promptNames()
            workbench.notify(
                .error(
                    "expected :prompt NAME; the prompts are " + (names.isEmpty ? "none" : names.joined(separator: ", "))
                ))
            return
        }
        let url: URL
        do {
            // A name that does not exist is said first: saving edits to then learn of a typo is a wasted step.
            url = try workspace.promptURL(named: name)
        } catch {
            workbench.notify(.failure(error))
            return
        }
        guard !state.buffer.isModified else {
            workbench.notify(
                .error(
                    "\(state.path) has unsaved edits: :w saves them, :e! drops them (kept in .whet/recovery/kept/), "
                        + "then :prompt \(name)"))
            return
        }
        do {
            let previous = state.path
            state.path = workspace.display(url)
            state.name = url.lastPathComponent
            loadPrompt(text: try String(contentsOf: url, encoding: .utf8), switching: previous)
            // Say which typed values came along (the rule: same name and kind; samples fill the rest).
            let kept = state.variableNames.filter { name in
                state.variables[name] != nil && state.variables[name] != state.sampleValues[name]
                    && !RunPlan.retrievalVariables.contains(name)
            }
            if workbench.app.message?.isError != true {
                workbench.notify(
                    .info(
                        "opened \(state.path)"
                            + (kept.isEmpty
                                ? ""
                                : "; kept what you typed for \(kept.map { "'\($0)'" }.joined(separator: ", ")) (F2 edits)")
                    ))
            }
        } catch {
            workbench.notify(.failure(error))
        }
    }

    /// `:set NAME=VALUE`: a variable the prompt uses, else why not.
    func setVariable(_ argument: String) {
        guard let equals = argument.firstIndex(of: "=") else {
            workbench.notify(.error("expected :set NAME=VALUE"))
            return
        }
        let name = String(argument[..<equals]).trimmingCharacters(in: .whitespaces)
        // A name the prompt does not use would be set and silently ignored: say so instead.
        if RunPlan.retrievalVariables.contains(name) && workbench.context.state.retrievalEnabled {
            workbench.notify(.error("'\(name)' is filled by retrieval while it is on (:retrieval off to set it)"))
            return
        }
        guard state.variableNames.contains(name) else {
            let known = state.variableNames.filter { !RunPlan.retrievalVariables.contains($0) }
            workbench.notify(
                .error(
                    "\(state.name) has no variable '\(name)'"
                        + (known.isEmpty
                            ? " (it uses none)" : "; it uses \(known.map { "'\($0)'" }.joined(separator: ", "))")))
            return
        }
        setVariable(name, to: String(argument[argument.index(after: equals)...]))
    }

    /// A variable's new value (from `:set`, the variables form or the conversation editor): the context is
    /// searched again for it.
    func setVariable(_ name: String, to value: String?) {
        state.variables[name] = value
        workbench.context.refreshContext()
    }

    /// A conversation's messages as the conversation editor changes them, message by message.
    func keep(_ value: String, for name: String) { state.variables[name] = value }

    /// In review mode the prompt pane shows the viewed run's messages and variables.
    func show(recorded run: RunRecord) {
        state.name = "run \(run.run) · \(run.prompt.path) · \(run.prompt.hash.prefix(8))"
        let transcript = run.messages.map { "\($0.role.rawValue):\n\($0.content)" }.joined(separator: "\n\n")
        state.buffer = TextBuffer(text: transcript)
        state.editorView = EditorView()
        state.variableNames = run.variables.keys.sorted()
        state.variables = run.variables
    }

    /// Keeps the editor's view on the cursor at the pane's size.
    func fit(_ layout: Layout) {
        PromptEditorPane.fit(&state.editorView, buffer: state.buffer, in: layout.prompt)
    }
}
