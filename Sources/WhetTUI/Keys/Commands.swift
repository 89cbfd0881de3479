import Foundation
import WhetCore

/// One `:` command: its names, how it is written in the help, what it does, and whether it changes the
/// workspace (review mode refuses those, generated from this flag like the keys).
@MainActor
struct WorkbenchCommand {
    var names: [String]
    var usage: String
    var help: String
    var changesWorkspace: Bool
    var perform: @MainActor (Workbench, String) -> Void

    init(
        _ names: [String], _ usage: String, _ help: String, changes: Bool = false,
        perform: @escaping @MainActor (Workbench, String) -> Void
    ) {
        self.names = names
        self.usage = usage
        self.help = help
        self.changesWorkspace = changes
        self.perform = perform
    }
}

extension Workbench {
    /// Every `:` command, in the order the help lists them.
    static let commands: [WorkbenchCommand] = [
        WorkbenchCommand(["run", "r"], "run", "run the prompt", changes: true) { wb, _ in wb.startRun() },
        WorkbenchCommand(["index"], "index", "re-index the corpus", changes: true) { wb, _ in
            wb.openIndex()
            if let counts = try? wb.index?.counts() {
                wb.state.message = .info("indexed: \(counts.files) files, \(counts.chunks) chunks")
            }
        },
        WorkbenchCommand(["backend"], "backend NAME", "switch backend") { wb, name in wb.switchBackend(name) },
        WorkbenchCommand(["theme"], "theme NAME", "switch theme") { wb, name in wb.switchTheme(name) },
        WorkbenchCommand(["session"], "session ID|new", "record into a session") { wb, id in wb.switchSession(id) },
        WorkbenchCommand(["prompt"], "prompt NAME", "open another prompt", changes: true) { wb, name in
            guard !name.isEmpty else {
                let names = wb.state.workspace.promptNames()
                wb.state.message = .error(
                    "expected :prompt NAME; the prompts are " + (names.isEmpty ? "none" : names.joined(separator: ", "))
                )
                return
            }
            wb.openPrompt(name)
        },
        WorkbenchCommand(["messages", "mes"], "messages", "every status message of this session, whole") { wb, _ in
            wb.openMessages()
        },
        WorkbenchCommand(["set"], "set NAME=VALUE", "set a variable", changes: true) { wb, argument in
            guard let equals = argument.firstIndex(of: "=") else {
                wb.state.message = .error("expected :set NAME=VALUE")
                return
            }
            let name = String(argument[..<equals]).trimmingCharacters(in: .whitespaces)
            // A name the prompt does not use would be set and silently ignored: say so instead.
            if RunPlan.retrievalVariables.contains(name) && wb.state.retrievalEnabled {
                wb.state.message = .error("'\(name)' is filled by retrieval while it is on (:retrieval off to set it)")
                return
            }
            guard wb.state.variableNames.contains(name) else {
                let known = wb.state.variableNames.filter { !RunPlan.retrievalVariables.contains($0) }
                wb.state.message = .error(
                    "\(wb.state.promptName) has no variable '\(name)'"
                        + (known.isEmpty
                            ? " (it uses none)" : "; it uses \(known.map { "'\($0)'" }.joined(separator: ", "))"))
                return
            }
            wb.state.variables[name] = String(argument[argument.index(after: equals)...])
            wb.refreshContext()
        },
        WorkbenchCommand(["topk"], "topk N", "results to retrieve", changes: true) { wb, argument in
            guard let value = Int(argument), value > 0 else {
                wb.state.message = .error("expected :topk N (N ≥ 1), found '\(argument)'")
                return
            }
            wb.changeTopK(by: value - wb.state.topK)
        },
        WorkbenchCommand(["retrieval"], "retrieval on|off", "toggle retrieval", changes: true) { wb, argument in
            guard argument == "on" || argument == "off" else {
                wb.state.message = .error("expected :retrieval on|off")
                return
            }
            wb.state.retrievalEnabled = argument == "on"
            wb.reassess()
            if wb.state.retrievalEnabled, wb.index == nil { wb.openIndex() } else { wb.refreshContext() }
        },
        WorkbenchCommand(["cache"], "cache on|off", "answer repeated requests from .whet/cache", changes: true) {
            wb, argument in
            guard argument == "on" || argument == "off" else {
                wb.state.message = .error("expected :cache on|off")
                return
            }
            wb.state.useCache = argument == "on"
            wb.state.message = .info("response cache \(argument) for runs")
        },
        WorkbenchCommand(["eval"], "eval [FILE…]", "run the evals with this prompt and backend", changes: true) {
            wb, argument in wb.startEval(files: argument.split(separator: " ").map(String.init))
        },
        WorkbenchCommand(
            ["optimize"], "optimize [FILE…|adopt]", "search retrieval and prompt edits; adopt: load the proposal",
            changes: true
        ) { wb, argument in wb.startOptimize(argument) },
        WorkbenchCommand(["reply"], "reply TEXT", "continue the shown run's conversation with TEXT", changes: true) {
            wb, text in wb.continueRun(with: text)
        },
        WorkbenchCommand(["evals"], "evals", "eval results") { wb, _ in wb.openEvals() },
        WorkbenchCommand(["report"], "report", "write the shown eval's HTML report to evals/reports/", changes: true) {
            wb, _ in wb.writeReport()
        },
        WorkbenchCommand(["versions"], "versions", "versions of this prompt") { wb, _ in wb.openVersions() },
        WorkbenchCommand(["rate"], "rate good|bad", "rate the shown run", changes: true) { wb, argument in
            guard let verdict = RunRating.verdict(parsing: argument) else {
                wb.state.message = .error("expected :rate good|bad")
                return
            }
            wb.rateShownRun(verdict)
        },
        WorkbenchCommand(["finetune"], "finetune", "the fine-tuning dataset: examples, split, check; w writes it") {
            wb, _ in wb.openDataset()
        },
        WorkbenchCommand(["help", "h"], "help", "this help") { wb, _ in wb.openHelp() },
        WorkbenchCommand(["w", "write"], "w", "save", changes: true) { wb, _ in wb.save() },
        WorkbenchCommand(["q", "quit"], "q", "quit (asks if edits are unsaved)") { wb, _ in wb.requestQuit() },
        WorkbenchCommand(["q!", "quit!"], "q!", "quit without saving (the edits are dropped)") { wb, _ in
            RecoveryFile.remove(for: wb.state.promptPath, in: wb.state.workspace)
            wb.requestQuit(force: true)
        },
        WorkbenchCommand(["wq", "x"], "wq", "save and quit", changes: true) { wb, _ in
            wb.save()
            if !wb.state.buffer.isModified { wb.requestQuit(force: true) }
        },
        WorkbenchCommand(["w!", "write!"], "w!", "save over a prompt changed on disk meanwhile", changes: true) {
            wb, _ in wb.save(force: true)
        },
        WorkbenchCommand(
            ["e!", "edit!"], "e!", "load the prompt as it is on disk (edits kept in .whet/recovery/)", changes: true
        ) {
            wb, _ in wb.reloadFromDisk()
        },
    ]

    /// The command line (`:` or Ctrl-P).
    func openCommandLine() {
        layers.push(LineInputLayer(kind: .command, text: "") { workbench, line in workbench.runCommand(line) })
    }

    /// Runs a `:` command: the CLI's actions, in the UI.
    func runCommand(_ line: String) {
        let words = line.split(separator: " ", maxSplits: 1).map(String.init)
        guard let name = words.first else { return }
        let argument = words.count > 1 ? words[1].trimmingCharacters(in: .whitespaces) : ""
        guard let command = Self.commands.first(where: { $0.names.contains(name) }) else {
            let names = Self.commands.flatMap(\.names)
            state.message = .error("unknown command ':\(name)'\(Suggestion.hint(for: name, in: names)) (F1 lists them)")
            return
        }
        // Review mode shows what was; commands that would change or run anything are refused up front.
        if state.readOnly, command.changesWorkspace {
            state.message = .error("review mode is read-only: ':\(name)' is not available")
            return
        }
        command.perform(self, argument)
    }

    /// `:backend NAME`.
    func switchBackend(_ name: String) {
        guard state.workspace.config.backends[name] != nil else {
            state.message = .error(
                "unknown backend '\(name)'\(Suggestion.hint(for: name, in: state.workspace.config.backendNames)); "
                    + "whet.toml defines: \(state.workspace.config.backendNames.joined(separator: ", "))")
            return
        }
        state.backendName = name
        reparsePrompt()
        state.message = .info("backend: \(name)")
    }

    /// `:theme NAME`: the colours keep what the terminal can show.
    func switchTheme(_ name: String) {
        do {
            var theme = try ThemeLoader.load(named: name, from: themesDirectory)
            theme.usesColor = state.theme.usesColor
            theme.basicColorsOnly = state.theme.basicColorsOnly
            state.theme = theme
            state.message = .info("theme: \(name)")
        } catch {
            state.message = .failure(error)
        }
    }

    /// `:session ID|new|latest`.
    func switchSession(_ argument: String) {
        let store = SessionStore(workspace: state.workspace)
        if argument == "new", !state.readOnly {
            state.runs = []
            state.outputView = OutputView()
            do { state.sessionID = try store.create(title: nil) } catch { state.message = .failure(error) }
            return
        }
        do {
            let id = try store.resolve(argument.isEmpty ? "latest" : argument)
            if !state.readOnly { try store.setCurrent(id) }
            openSession(id)
            state.message = .info("session \(id): \(state.runs.count) runs")
        } catch {
            state.message = .failure(error)
        }
    }

    /// `:messages`: the status messages of this session, whole.
    func openMessages() {
        layers.push(MessagesLayer(messages: state.messageLog))
    }

    /// `:prompt NAME`: another prompt in the editor (only with no unsaved edits).
    func openPrompt(_ name: String) {
        guard !state.buffer.isModified else {
            state.message = .error(
                "\(state.promptPath) has unsaved edits: :w saves them, :e! drops them (kept in .whet/recovery/kept/), "
                    + "then :prompt \(name)")
            return
        }
        do {
            let url = try state.workspace.promptURL(named: name)
            let previous = state.promptPath
            state.promptPath = state.workspace.display(url)
            state.promptName = url.lastPathComponent
            loadPrompt(text: try String(contentsOf: url, encoding: .utf8), switching: previous)
            // Say which typed values came along (the rule: same name and kind; samples fill the rest).
            let kept = state.variableNames.filter { name in
                state.variables[name] != nil && state.variables[name] != state.sampleValues[name]
                    && !RunPlan.retrievalVariables.contains(name)
            }
            if state.message == nil || state.message?.isError == false {
                state.message = .info(
                    "opened \(state.promptPath)"
                        + (kept.isEmpty
                            ? ""
                            : "; kept what you typed for \(kept.map { "'\($0)'" }.joined(separator: ", ")) (F2 edits)"))
            }
        } catch {
            state.message = .failure(error)
        }
    }
}
