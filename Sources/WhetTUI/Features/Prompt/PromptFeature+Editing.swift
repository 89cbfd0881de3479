import Foundation
import WhetCore

/// The prompt's effects: editing (with the reparse and recovery file that follow), saving, loading from
/// disk, searching, and editing in an external editor.
extension PromptFeature {
    /// Applies an edit to the buffer; when the text changed, the variables are read again, and at line
    /// boundaries (`checkpoint`) the recovery file is brought up to date.
    func editPrompt(checkpoint: Bool = false, _ edit: (inout TextBuffer) -> Void) {
        let before = state.buffer.text
        edit(&state.buffer)
        guard state.buffer.text != before else { return }
        reparsePrompt()
        if checkpoint { writeRecovery() }
    }

    /// Re-reads the variables from the edited text; a parse problem is shown instead of failing.
    /// `switching`: another prompt was just opened, so a typed value of another kind (a conversation for a
    /// text input, or the other way round) gives way to this prompt's sample; while editing one prompt nothing
    /// typed is dropped.
    func reparsePrompt(switching: Bool = false, from previousPath: String? = nil) {
        do {
            let prompt = try parsed()
            let wasThread = state.threadInputs
            state.variableNames = prompt.variables
            state.threadInputs = Set(prompt.inputs.filter { $0.kind == .thread }.map(\.name))
            // A sample fills a variable that has no value, or one still holding the sample another prompt (or an
            // earlier version of this one) filled in: opening another prompt gives its own example, while a
            // value the user typed is kept — if it is the same kind of value. A conversation typed for one
            // prompt's thread input is not another prompt's text question, nor the other way round.
            var restored = Set<String>()
            if switching {
                // Values set aside when this prompt was left come back (typed values win over samples).
                for (name, value) in state.setAsideValues.removeValue(forKey: state.path) ?? [:] {
                    state.variables[name] = value
                    state.sampleValues[name] = nil
                    restored.insert(name)
                }
            }
            for input in prompt.inputs {
                let current = state.variables[input.name]
                let isThread = state.threadInputs.contains(input.name)
                let typed = current != nil && current != state.sampleValues[input.name]
                if switching, typed, let current, !restored.contains(input.name),
                    wasThread.contains(input.name) != isThread
                {
                    state.setAsideValues[previousPath ?? "", default: [:]][input.name] = current
                    state.variables[input.name] = nil
                }
                guard let sample = input.sample else { continue }
                let now = state.variables[input.name]
                if now == nil || now == state.sampleValues[input.name] {
                    state.variables[input.name] = sample
                    state.sampleValues[input.name] = sample
                }
            }
            state.problem = nil
        } catch {
            // Worded as the status line words errors: its place and message, the style says it is one.
            state.problem = StatusMessage.failure(error).text
        }
        workbench.reassess()
    }

    /// Saves the prompt atomically and clears its recovery file. When the file changed on disk since it was
    /// loaded or last saved here (another workbench, an editor, a `git pull`), the save is refused unless
    /// `force` (`:w!`), so neither side's text is lost: the edits go to the recovery file and `:e!` loads
    /// the other version.
    func save(force: Bool = false) {
        guard !readOnly else { return }
        do {
            try workspace.requireWritable(for: "saving the prompt")
            let url = workspace.root.appendingPathComponent(state.path)
            if !force, let data = FileManager.default.contents(atPath: url.path),
                String(decoding: data, as: UTF8.self) != state.buffer.lastSavedText
            {
                RecoveryFile.write(state.buffer.text, for: state.path, in: workspace)
                workbench.notify(
                    .error(
                        "\(state.path) changed on disk: :w! overwrites it with your edits, :e! loads it "
                            + "(your edits are then kept in .whet/recovery/kept/)"))
                return
            }
            try DurableFile.writeAtomically(Data(state.buffer.text.utf8), to: url)
            state.buffer.markSaved()
            RecoveryFile.remove(for: state.path, in: workspace)
            workbench.notify(.info("saved \(state.path)"))
        } catch {
            workbench.notify(.failure(error))
        }
    }

    /// Loads the prompt file as it is on disk (`:e!`), keeping the edits first in `.whet/recovery/kept/`, where
    /// a later save does not remove them (the recovery file is for the text being edited, and goes on save).
    func reloadFromDisk() {
        guard !readOnly else { return }
        let url = workspace.root.appendingPathComponent(state.path)
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8)
        else {
            workbench.notify(.error("cannot read \(state.path)"))
            return
        }
        var kept: URL? = nil
        if state.buffer.isModified {
            do {
                kept = try RecoveryFile.keep(state.buffer.text, for: state.path, in: workspace)
            } catch {
                // Nothing the user wrote is dropped: without a place to keep the edits, the reload does not happen.
                workbench.notify(
                    .error(
                        "cannot keep your edits before loading from disk (\(error)); nothing was changed"))
                return
            }
            RecoveryFile.remove(for: state.path, in: workspace)
        }
        loadPrompt(text: text)
        workbench.notify(
            .info(
                "loaded \(state.path) from disk"
                    + (kept.map { "; your edits are kept in \(workspace.display($0))" } ?? "")))
    }

    /// Puts `text` in the editor as the saved version, from the top.
    func loadPrompt(text: String, switching previousPath: String? = nil) {
        state.buffer = TextBuffer(text: text)
        state.editorView = EditorView()
        reparsePrompt(switching: previousPath != nil, from: previousPath)
        workbench.context.refreshContext()
    }

    /// Keeps unsaved edits in `.whet/recovery/` so a dropped connection loses nothing.
    func writeRecovery() {
        guard !readOnly, state.buffer.isModified else { return }
        let text = state.buffer.text
        // Hours of editing should not mean a disk write every two seconds: only changed text is written.
        guard text != lastRecoveryText else { return }
        RecoveryFile.write(text, for: state.path, in: workspace)
        lastRecoveryText = text
    }

    /// Ctrl-F: the search line, offering the last search again.
    func openSearchLine() {
        workbench.layers.push(
            LineInputLayer(kind: .search, text: state.lastSearch) { workbench, needle in workbench.prompt.search(needle)
            })
    }

    /// Moves the cursor to the next occurrence of `needle` (which stays highlighted in the editor).
    func search(_ needle: String) {
        guard !needle.isEmpty else { return }
        state.lastSearch = needle
        if let hit = state.buffer.find(needle, after: state.buffer.cursor) {
            state.buffer.moveTo(hit)
            workbench.focus(.prompt)
        } else {
            workbench.notify(.error("'\(needle)' not found"))
        }
    }

    /// Writes the buffer to a temporary file, lets `$VISUAL`/`$EDITOR` change it, and takes the result back
    /// as one undoable edit (the prompt file itself is only written by Ctrl-S).
    func editExternally() {
        guard let editor = workbench.externalEditor else { return }
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent(
            "whet-\(getpid())-\(state.name)")
        do {
            try DurableFile.writeAtomically(Data(state.buffer.text.utf8), to: temporary)
            editor(temporary)
            let edited = try String(contentsOf: temporary, encoding: .utf8)
            try? FileManager.default.removeItem(at: temporary)
            if edited != state.buffer.text {
                let keepsNewline = edited.hasSuffix("\n") && !state.buffer.text.hasSuffix("\n")
                editPrompt { $0.replaceAll(with: keepsNewline ? String(edited.dropLast()) : edited) }
            }
        } catch {
            workbench.notify(.failure(error))
        }
    }
}
