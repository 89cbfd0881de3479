import Foundation
import WhetCore

extension Workbench {
    /// Applies one key to the workbench. `layout` is the last drawn layout (for mouse clicks and paging).
    public func handle(_ key: Key, layout: Layout) {
        if case .resize = key { return }
        if state.commandLine != nil { return handleLine(key, editing: \.commandLine, submit: runCommand) }
        if state.searchLine != nil { return handleLine(key, editing: \.searchLine, submit: search) }
        if let overlay = state.overlay { return handleOverlay(overlay, key) }
        if state.message != nil, key != .escape { state.message = nil }

        switch key {
        case .tab:
            cycleFocus(by: 1, layout: layout)
            return
        case .backTab:
            cycleFocus(by: -1, layout: layout)
            return
        case .mouseClick(let x, let y):
            if let pane = layout.pane(atX: x, y: y) { state.focus = pane }
            return
        case .wheelUp(let x, let y), .wheelDown(let x, let y):
            let down: Bool = if case .wheelDown = key { true } else { false }
            scroll(pane: layout.pane(atX: x, y: y) ?? state.focus, by: down ? 3 : -3, layout: layout)
            return
        case .control("r"):
            startRun()
            return
        case .escape:
            if isRunning { cancelRun() } else { state.message = nil }
            return
        case .function(1):
            state.overlay = .help(scroll: 0)
            return
        case .function(3):
            openEvals()
            return
        case .function(2), .control("v"):
            if !state.readOnly { state.overlay = .variables(selected: 0) }
            return
        case .control("p"):
            state.commandLine = ""
            return
        case .control("s"):
            save()
            return
        case .control("q"):
            requestQuit()
            return
        case .control("c"):
            if isRunning { cancelRun() } else { requestQuit() }
            return
        default: break
        }
        if state.readOnly { return handleReview(key, layout: layout) }
        switch state.focus {
        case .prompt: handlePrompt(key, layout: layout)
        case .context: handleContext(key)
        case .output: handleOutput(key, layout: layout)
        case .sidebar: handleSidebar(key)
        }
    }

    /// The sidebar's keys: Enter (or E) opens the eval results; 1–4 open the failing cases behind each class
    /// count (knowledge, grounding, behaviour, unknown).
    func handleSidebar(_ key: Key) {
        switch key {
        case .enter, .character("E"): openEvals()
        case .character(let digit) where (1...FailureClass.allCases.count).contains(digit.wholeNumberValue ?? 0):
            openEvals(classFilter: FailureClass.allCases[(digit.wholeNumberValue ?? 1) - 1])
        default: handlePaneCommon(key)
        }
    }

    /// Keys shared by the panes that do not take text.
    func handlePaneCommon(_ key: Key) {
        switch key {
        case .character("?"): state.overlay = .help(scroll: 0)
        case .character(":"): state.commandLine = ""
        case .character("q") where state.readOnly: requestQuit()
        default: break
        }
    }

    func cycleFocus(by step: Int, layout: Layout) {
        let panes = Pane.allCases.filter { layout.rect(of: $0) != nil }
        guard let current = panes.firstIndex(of: state.focus) else {
            state.focus = .prompt
            return
        }
        state.focus = panes[(current + step + panes.count) % panes.count]
    }

    func scroll(pane: Pane, by amount: Int, layout: Layout) {
        switch pane {
        case .prompt: state.buffer.moveVertically(by: amount)
        case .context: state.selectedChunk = max(0, min(state.results.count - 1, state.selectedChunk + amount))
        case .output:
            let height = max(1, layout.output.height - 2)
            let total = wrapText(
                state.live?.output ?? state.shownRun?.output ?? "", width: max(1, layout.output.width - 2)
            ).count
            let maxScroll = max(0, total - height)
            let current = state.outputScroll ?? (state.live != nil ? maxScroll : 0)
            let next = max(0, min(maxScroll, current + amount))
            state.outputScroll = next == maxScroll && state.live != nil ? nil : next
        case .sidebar: break
        }
    }

    // MARK: Prompt editor

    func handlePrompt(_ key: Key, layout: Layout) {
        let before = state.buffer.text
        switch key {
        case .character(let character): state.buffer.insert(character)
        case .enter: state.buffer.insert("\n")
        case .backspace: state.buffer.backspace()
        case .delete: state.buffer.deleteForward()
        case .left, .right, .up, .down, .home, .end, .wordLeft, .wordRight: state.buffer.move(key)
        case .alt("b"): state.buffer.move(.wordLeft)
        case .alt("f"): state.buffer.move(.wordRight)
        case .pageUp: state.buffer.moveVertically(by: -max(1, layout.prompt.height - 3))
        case .pageDown: state.buffer.moveVertically(by: max(1, layout.prompt.height - 3))
        case .control("k"): state.buffer.cutLine()
        case .control("u"): state.buffer.pasteLines()
        case .control("z"): if !state.buffer.undo() { state.message = ("nothing to undo", false) }
        case .control("y"): if !state.buffer.redo() { state.message = ("nothing to redo", false) }
        case .control("f"): state.searchLine = ""
        case .control("g"): search(state.lastSearch)
        case .control("e"): editExternally()
        default: break
        }
        if state.buffer.text != before {
            reparsePrompt()
            if key == .enter || key == .control("k") || key == .control("u") { writeRecovery() }
        }
    }

    func search(_ needle: String) {
        guard !needle.isEmpty else { return }
        state.lastSearch = needle
        if let hit = state.buffer.find(needle, after: state.buffer.cursor) {
            state.buffer.moveTo(hit)
            state.focus = .prompt
        } else {
            state.message = ("'\(needle)' not found", true)
        }
    }

    /// Writes the buffer to a temporary file, lets `$VISUAL`/`$EDITOR` change it, and takes the result back
    /// as one undoable edit (the prompt file itself is only written by Ctrl-S).
    func editExternally() {
        guard let editor = externalEditor else { return }
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent(
            "whet-\(getpid())-\(state.promptName)")
        do {
            try DurableFile.writeAtomically(Data(state.buffer.text.utf8), to: temporary)
            editor(temporary)
            let edited = try String(contentsOf: temporary, encoding: .utf8)
            try? FileManager.default.removeItem(at: temporary)
            if edited != state.buffer.text {
                state.buffer.replaceAll(
                    with: edited.hasSuffix("\n") && !state.buffer.text.hasSuffix("\n")
                        ? String(edited.dropLast()) : edited)
                reparsePrompt()
            }
        } catch {
            state.message = ("\(error)", true)
        }
    }

    // MARK: Context

    func handleContext(_ key: Key) {
        switch key {
        case .character("j"), .down: state.selectedChunk = min(max(0, state.results.count - 1), state.selectedChunk + 1)
        case .character("k"), .up: state.selectedChunk = max(0, state.selectedChunk - 1)
        case .home, .character("g"): state.selectedChunk = 0
        case .end, .character("G"): state.selectedChunk = max(0, state.results.count - 1)
        case .enter: if !state.results.isEmpty { state.overlay = .chunk(index: state.selectedChunk, scroll: 0) }
        case .character(" "):
            guard state.results.indices.contains(state.selectedChunk) else { return }
            let location = state.results[state.selectedChunk].location
            if state.excluded.remove(location) == nil { state.excluded.insert(location) }
        case .character("+"):
            state.topK += 1
            refreshContext()
        case .character("-"):
            state.topK = max(1, state.topK - 1)
            refreshContext()
        case .character("m"): cycleMethod()
        case .character("R"): toggleRerank()
        case .character("e"): cycleExpansion()
        case .character("p"): togglePin()
        case .character("o"): openSelectedInPager()
        case .character("b"): showChunkBoundaries()
        default: handlePaneCommon(key)
        }
    }

    // MARK: Output

    func handleOutput(_ key: Key, layout: Layout) {
        switch key {
        case .character("["): stepRun(by: -1)
        case .character("]"): stepRun(by: 1)
        case .character("j"), .down: scroll(pane: .output, by: 1, layout: layout)
        case .character("k"), .up: scroll(pane: .output, by: -1, layout: layout)
        case .pageDown: scroll(pane: .output, by: max(1, layout.output.height - 3), layout: layout)
        case .pageUp: scroll(pane: .output, by: -max(1, layout.output.height - 3), layout: layout)
        case .character("m"):
            guard !state.runs.isEmpty else { return }
            state.markedRun = state.viewedRun ?? state.runs.count - 1
            state.message = ("marked run \(state.runs[state.markedRun ?? 0].run) for diff", false)
        case .character("d"): showDiff()
        case .character("+") where !state.readOnly: rateShownRun(.good)
        case .character("-") where !state.readOnly: rateShownRun(.bad)
        case .character("C") where !state.readOnly: correctShownRun()
        case .character("E"): openEvals()
        case .character("v"):
            openVersions(promptPath: state.shownRun?.prompt.path, selecting: state.shownRun?.prompt.hash)
        default: handlePaneCommon(key)
        }
    }

    func stepRun(by step: Int) {
        guard !state.runs.isEmpty, state.live == nil else { return }
        let current = state.viewedRun ?? state.runs.count - 1
        state.viewedRun = max(0, min(state.runs.count - 1, current + step))
        state.outputScroll = 0
        showRecordedRun()
    }

    func showDiff() {
        guard state.runs.count >= 2 else {
            state.message = ("a diff needs two runs", true)
            return
        }
        let newer = state.viewedRun ?? state.runs.count - 1
        let older = state.markedRun.flatMap { $0 == newer ? nil : $0 } ?? max(0, newer - 1)
        guard older != newer else {
            state.message = ("a diff needs two different runs", true)
            return
        }
        state.overlay = .diff(older: min(older, newer), newer: max(older, newer), scroll: 0)
    }

    // MARK: Review mode

    func handleReview(_ key: Key, layout: Layout) {
        switch key {
        case .character("s"):
            state.reviewSessions = SessionStore(workspace: state.workspace).summaries()
            state.overlay = .sessions(
                selected: max(0, state.reviewSessions.firstIndex { $0.id == state.sessionID } ?? 0))
        case .character("["): stepRun(by: -1)
        case .character("]"): stepRun(by: 1)
        default:
            switch state.focus {
            case .context:
                if key == .character(" ") { return }
                handleContext(key)
            case .output: handleOutput(key, layout: layout)
            case .prompt:
                switch key {
                case .up, .down, .pageUp, .pageDown, .home, .end, .left, .right:
                    state.buffer.move(key == .pageUp ? .up : key == .pageDown ? .down : key)
                case .character("j"): state.buffer.move(.down)
                case .character("k"): state.buffer.move(.up)
                default: handlePaneCommon(key)
                }
            case .sidebar: handleSidebar(key)
            }
        }
    }

    // MARK: Overlays

    func handleOverlay(_ overlay: Overlay, _ key: Key) {
        switch overlay {
        case .help(let scroll):
            switch key {
            case .down, .character("j"): state.overlay = .help(scroll: min(scroll + 1, max(0, KeyHelp.lines.count - 5)))
            case .up, .character("k"): state.overlay = .help(scroll: max(0, scroll - 1))
            case .pageDown: state.overlay = .help(scroll: min(scroll + 10, max(0, KeyHelp.lines.count - 5)))
            case .pageUp: state.overlay = .help(scroll: max(0, scroll - 10))
            default: state.overlay = nil
            }
        case .chunk(let index, let scroll):
            switch key {
            case .down, .character("j"): state.overlay = .chunk(index: index, scroll: scroll + 1)
            case .up, .character("k"): state.overlay = .chunk(index: index, scroll: max(0, scroll - 1))
            case .pageDown: state.overlay = .chunk(index: index, scroll: scroll + 10)
            case .pageUp: state.overlay = .chunk(index: index, scroll: max(0, scroll - 10))
            case .character(" ") where !state.readOnly:
                let location = state.results[index].location
                if state.excluded.remove(location) == nil { state.excluded.insert(location) }
            default: state.overlay = nil
            }
        case .document(let title, let lines, let scroll):
            switch key {
            case .down, .character("j"):
                state.overlay = .document(title: title, lines: lines, scroll: min(scroll + 1, max(0, lines.count - 1)))
            case .up, .character("k"): state.overlay = .document(title: title, lines: lines, scroll: max(0, scroll - 1))
            case .pageDown:
                state.overlay = .document(title: title, lines: lines, scroll: min(scroll + 20, max(0, lines.count - 1)))
            case .pageUp: state.overlay = .document(title: title, lines: lines, scroll: max(0, scroll - 20))
            default: state.overlay = nil
            }
        case .diff(let older, let newer, let scroll):
            switch key {
            case .down, .character("j"): state.overlay = .diff(older: older, newer: newer, scroll: scroll + 1)
            case .up, .character("k"): state.overlay = .diff(older: older, newer: newer, scroll: max(0, scroll - 1))
            default: state.overlay = nil
            }
        case .variables(let selected):
            handleVariables(selected, key)
        case .confirmQuit:
            switch key {
            case .character("s"):
                save()
                if !state.buffer.isModified { requestQuit(force: true) } else { state.overlay = nil }
            case .character("q"):
                RecoveryFile.remove(for: state.promptPath, in: state.workspace)
                requestQuit(force: true)
            default: state.overlay = nil
            }
        case .recovery(let text):
            switch key {
            case .character("r"):
                state.buffer.replaceAll(with: text)
                reparsePrompt()
                state.overlay = nil
                state.message = ("recovered edits restored (unsaved: Ctrl-S to keep them)", false)
            case .character("d"), .escape:
                RecoveryFile.remove(for: state.promptPath, in: state.workspace)
                state.overlay = nil
            default: break
            }
        case .sessions(let selected):
            switch key {
            case .down, .character("j"):
                state.overlay = .sessions(selected: min(selected + 1, max(0, state.reviewSessions.count - 1)))
            case .up, .character("k"): state.overlay = .sessions(selected: max(0, selected - 1))
            case .enter:
                guard state.reviewSessions.indices.contains(selected) else { return }
                state.overlay = nil
                openSession(state.reviewSessions[selected].id)
                state.focus = .output
            case .character("q"), .control("q"), .control("c"): requestQuit()
            case .escape: if state.sessionID != nil { state.overlay = nil } else { requestQuit() }
            default: break
            }
        case .evals: handleEvals(key)
        case .versions: handleVersions(key)
        case .dataset(let scroll): handleDataset(scroll, key)
        }
    }

    func handleVariables(_ selected: Int, _ key: Key) {
        let names = state.variableNames.filter { $0 != RunPlan.contextVariable }
        if var editing = state.variableEdit {
            switch key {
            case .enter:
                if names.indices.contains(selected) { state.variables[names[selected]] = editing }
                state.variableEdit = nil
                refreshContext()
                if selected + 1 < names.count { state.overlay = .variables(selected: selected + 1) }
            case .escape: state.variableEdit = nil
            case .backspace:
                if !editing.isEmpty { editing.removeLast() }
                state.variableEdit = editing
            case .control("u"): state.variableEdit = ""
            case .character(let character):
                editing.append(character)
                state.variableEdit = editing
            default: break
            }
            return
        }
        switch key {
        case .down, .character("j"), .tab:
            state.overlay = .variables(selected: min(selected + 1, max(0, names.count - 1)))
        case .up, .character("k"), .backTab: state.overlay = .variables(selected: max(0, selected - 1))
        case .enter: if names.indices.contains(selected) { state.variableEdit = state.variables[names[selected]] ?? "" }
        default: state.overlay = nil
        }
    }

    // MARK: Line input (command line, search)

    func handleLine(_ key: Key, editing path: WritableKeyPath<WorkbenchState, String?>, submit: (String) -> Void) {
        guard var line = state[keyPath: path] else { return }
        switch key {
        case .enter:
            state[keyPath: path] = nil
            submit(line)
        case .escape, .control("c"): state[keyPath: path] = nil
        case .backspace:
            if line.isEmpty {
                state[keyPath: path] = nil
            } else {
                line.removeLast()
                state[keyPath: path] = line
            }
        case .control("u"): state[keyPath: path] = ""
        case .character(let character):
            line.append(character)
            state[keyPath: path] = line
        default: break
        }
    }
}
