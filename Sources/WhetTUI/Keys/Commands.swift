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
        WorkbenchCommand(["run", "r"], "run", "run the prompt", changes: true) { wb, _ in wb.runs.startRun() },
        WorkbenchCommand(["index"], "index", "re-index the corpus", changes: true) { wb, _ in
            wb.context.openIndex()
            if let counts = try? wb.context.index?.counts() {
                wb.notify(.info("indexed: \(counts.files) files, \(counts.chunks) chunks"))
            }
        },
        WorkbenchCommand(["backend"], "backend NAME", "switch backend") { wb, name in wb.runs.switchBackend(name) },
        WorkbenchCommand(["theme"], "theme NAME", "switch theme") { wb, name in wb.switchTheme(name) },
        WorkbenchCommand(["session"], "session ID|new", "record into a session") { wb, id in wb.runs.switchSession(id)
        },
        WorkbenchCommand(["prompt"], "prompt NAME", "open another prompt", changes: true) { wb, name in
            wb.prompt.open(name)
        },
        WorkbenchCommand(["messages", "mes"], "messages", "every status message of this session, whole") { wb, _ in
            wb.openMessages()
        },
        WorkbenchCommand(["set"], "set NAME=VALUE", "set a variable", changes: true) { wb, argument in
            wb.prompt.setVariable(argument)
        },
        WorkbenchCommand(["topk"], "topk N", "results to retrieve", changes: true) { wb, argument in
            guard let value = Int(argument), value > 0 else {
                wb.notify(.error("expected :topk N (N ≥ 1), found '\(argument)'"))
                return
            }
            wb.context.changeTopK(by: value - wb.context.state.topK)
        },
        WorkbenchCommand(["retrieval"], "retrieval on|off", "toggle retrieval", changes: true) { wb, argument in
            guard argument == "on" || argument == "off" else {
                wb.notify(.error("expected :retrieval on|off"))
                return
            }
            wb.context.setEnabled(argument == "on")
        },
        WorkbenchCommand(["cache"], "cache on|off", "answer repeated requests from .whet/cache", changes: true) {
            wb, argument in wb.runs.setCache(argument)
        },
        WorkbenchCommand(["eval"], "eval [FILE…]", "run the evals with this prompt and backend", changes: true) {
            wb, argument in wb.evals.startEval(files: argument.split(separator: " ").map(String.init))
        },
        WorkbenchCommand(
            ["optimize"], "optimize [FILE…|adopt]", "search retrieval and prompt edits; adopt: load the proposal",
            changes: true
        ) { wb, argument in wb.evals.startOptimize(argument) },
        WorkbenchCommand(["reply"], "reply TEXT", "continue the shown run's conversation with TEXT", changes: true) {
            wb, text in wb.runs.continueRun(with: text)
        },
        WorkbenchCommand(["evals"], "evals", "eval results") { wb, _ in wb.evals.openEvals() },
        WorkbenchCommand(["report"], "report", "write the shown eval's HTML report to evals/reports/", changes: true) {
            wb, _ in wb.evals.writeReport()
        },
        WorkbenchCommand(["versions"], "versions", "versions of this prompt") { wb, _ in wb.evals.openVersions() },
        WorkbenchCommand(["rate"], "rate good|bad", "rate the shown run", changes: true) { wb, argument in
            guard let verdict = RunRating.verdict(parsing: argument) else {
                wb.notify(.error("expected :rate good|bad"))
                return
            }
            wb.runs.rateShownRun(verdict)
        },
        WorkbenchCommand(["finetune"], "finetune", "the fine-tuning dataset: examples, split, check; w writes it") {
            wb, _ in wb.evals.openDataset()
        },
        WorkbenchCommand(["help", "h"], "help", "this help") { wb, _ in wb.openHelp() },
        WorkbenchCommand(["w", "write"], "w", "save", changes: true) { wb, _ in wb.prompt.save() },
        WorkbenchCommand(["q", "quit"], "q", "quit (asks if edits are unsaved)") { wb, _ in wb.requestQuit() },
        WorkbenchCommand(["q!", "quit!"], "q!", "quit without saving (the edits are dropped)") { wb, _ in
            RecoveryFile.remove(for: wb.prompt.state.path, in: wb.app.workspace)
            wb.requestQuit(force: true)
        },
        WorkbenchCommand(["wq", "x"], "wq", "save and quit", changes: true) { wb, _ in
            wb.prompt.save()
            if !wb.prompt.state.buffer.isModified { wb.requestQuit(force: true) }
        },
        WorkbenchCommand(["w!", "write!"], "w!", "save over a prompt changed on disk meanwhile", changes: true) {
            wb, _ in wb.prompt.save(force: true)
        },
        WorkbenchCommand(
            ["e!", "edit!"], "e!", "load the prompt as it is on disk (edits kept in .whet/recovery/)", changes: true
        ) {
            wb, _ in wb.prompt.reloadFromDisk()
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
            notify(.error("unknown command ':\(name)'\(Suggestion.hint(for: name, in: names)) (F1 lists them)"))
            return
        }
        // Review mode shows what was; commands that would change or run anything are refused up front.
        if app.readOnly, command.changesWorkspace {
            notify(.error("review mode is read-only: ':\(name)' is not available"))
            return
        }
        command.perform(self, argument)
    }

    /// `:theme NAME`: the colours keep what the terminal can show.
    func switchTheme(_ name: String) {
        do {
            var theme = try ThemeLoader.load(named: name, from: themesDirectory)
            theme.usesColor = app.theme.usesColor
            theme.basicColorsOnly = app.theme.basicColorsOnly
            app.theme = theme
            notify(.info("theme: \(name)"))
        } catch {
            notify(.failure(error))
        }
    }

    /// `:messages`: the status messages of this session, whole.
    func openMessages() {
        layers.push(MessagesLayer(messages: app.messageLog))
    }
}
