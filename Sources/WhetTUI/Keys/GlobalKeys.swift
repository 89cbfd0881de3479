/// The keys that work whatever pane has focus, and the ones every pane that takes no text shares.
extension Workbench {
    /// Keys that work in every pane (the help's "Everywhere").
    func globalBindings() -> [KeyBinding] {
        let running = isRunning
        var bindings: [KeyBinding] = []
        if app.readOnly {
            bindings += [
                KeyBinding([.character("[")], "[ / ]", "previous / next run", hint: "run", hintKey: "[ ]") {
                    $0.runs.stepRun(by: -1)
                },
                KeyBinding([.character("]")], "]", nil) { $0.runs.stepRun(by: 1) },
            ]
        }
        bindings.append(
            KeyBinding(
                [.control("r")], "Ctrl-R", "run the prompt", hint: "run", changesWorkspace: true,
                disabledReason: running ? "a run is already streaming; Esc cancels it" : nil
            ) { $0.runs.startRun() })
        bindings += [
            KeyBinding([.tab], "Tab / Shift-Tab", "next / previous pane", hint: "pane", hintKey: "Tab") {
                $0.cycleFocus(by: 1)
            },
            KeyBinding([.backTab], "Shift-Tab", nil) { $0.cycleFocus(by: -1) },
            .documented("mouse click", "focus a pane; the wheel scrolls it"),
        ]
        if app.readOnly {
            bindings.append(
                KeyBinding([.character("s")], "s", "list sessions", hint: "sessions") { $0.runs.openSessions() })
        }
        bindings += [
            KeyBinding([.function(1)], "F1", "this help (also ? outside the editor)", hint: "help", hintKey: "F1") {
                $0.openHelp()
            },
            KeyBinding([.function(3)], "F3", "eval results") { $0.evals.openEvals() },
            KeyBinding([.control("s")], "Ctrl-S", "save the prompt", hint: "save", changesWorkspace: true) {
                $0.prompt.save()
            },
            KeyBinding([.control("v"), .function(2)], "Ctrl-V or F2", "edit variables", changesWorkspace: true) {
                $0.layers.push(VariablesLayer())
            },
            KeyBinding([.control("q")], "Ctrl-Q", "quit (asks if edits are unsaved)", hint: "quit") {
                $0.requestQuit()
            },
            KeyBinding([.escape], "Esc", "cancel a streaming run (its partial answer is kept); else clear the message")
            {
                if $0.isRunning { $0.runs.cancelRun() } else { $0.notify(nil) }
            },
            KeyBinding([.control("c")], "Ctrl-C", "cancel the run, else quit") {
                if $0.isRunning { $0.runs.cancelRun() } else { $0.requestQuit() }
            },
            KeyBinding([.control("p")], "Ctrl-P", "command line", hint: "cmd") { $0.openCommandLine() },
        ]
        return bindings
    }

    /// Keys of the panes that take no text: `?` help, `:` command line, and in review mode `q` quits.
    func paneCommonBindings() -> [KeyBinding] {
        var bindings = [
            KeyBinding([.character("?")], "?", "this help") { $0.openHelp() },
            KeyBinding([.character(":")], ":", "command line (in every pane but the editor)", hint: "cmd") {
                $0.openCommandLine()
            },
        ]
        if app.readOnly {
            bindings.append(KeyBinding([.character("q")], "q", "quit", hint: "quit") { $0.requestQuit() })
        }
        return bindings
    }

    /// The focused pane's keys.
    func paneBindings(_ pane: Pane) -> [KeyBinding] {
        switch pane {
        case .prompt: return app.readOnly ? PromptEditorPane.reviewBindings() : PromptEditorPane.bindings(self)
        case .context: return ContextPane.bindings(self) + paneCommonBindings()
        case .output: return OutputPane.bindings(self) + paneCommonBindings()
        case .sidebar: return FrameworkSidebar.bindings(self) + paneCommonBindings()
        }
    }

    /// The status bar's hints, in the order they are given room: run, pane, help and quit first, then the focused
    /// pane's own keys (the output pane's `[ ]` and rating, the context pane's pin and method …), then the
    /// other everywhere keys. Where the pane has its own key for an everywhere action (`:` for the command
    /// line outside the editor, `^P` in it) that key is shown.
    func statusHints() -> [(key: String, label: String)] {
        let pane = paneBindings(app.focus).hints
        let global = globalBindings().filter { !(app.readOnly && $0.changesWorkspace) }.hints
            .map { hint in pane.first { $0.label == hint.label } ?? hint }
        let first = Set(["run", "pane", "help", "quit"])
        let own = pane.filter { hint in !global.contains { $0.label == hint.label } }
        return global.filter { first.contains($0.label) } + own + global.filter { !first.contains($0.label) }
    }
}
