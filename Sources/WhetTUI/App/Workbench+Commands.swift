import Foundation
import WhetCore

extension Workbench {
    /// Runs a `:` command: the CLI's actions, in the UI.
    func runCommand(_ line: String) {
        let words = line.split(separator: " ", maxSplits: 1).map(String.init)
        guard let name = words.first else { return }
        let argument = words.count > 1 ? words[1].trimmingCharacters(in: .whitespaces) : ""
        let editing = !state.readOnly
        // Review mode shows what was; commands that would change or run anything are refused up front.
        let changing: Set<String> = [
            "run", "r", "w", "write", "w!", "e!", "wq", "x", "index", "prompt", "set", "topk", "cache", "retrieval",
            "eval", "rate", "report",
        ]
        if !editing, changing.contains(name) {
            state.message = ("review mode is read-only: ':\(name)' is not available", true)
            return
        }
        switch name {
        case "run", "r": startRun()
        case "w", "write": save()
        case "w!", "write!": save(force: true)
        case "e!", "edit!": reloadFromDisk()
        case "q", "quit": requestQuit()
        case "q!", "quit!":
            RecoveryFile.remove(for: state.promptPath, in: state.workspace)
            requestQuit(force: true)
        case "wq", "x":
            save()
            if !state.buffer.isModified { requestQuit(force: true) }
        case "help", "h": state.overlay = .help(scroll: 0)
        case "index":
            openIndex()
            if let counts = try? index?.counts() {
                state.message = ("indexed: \(counts.files) files, \(counts.chunks) chunks", false)
            }
        case "backend":
            guard state.workspace.config.backends[argument] != nil else {
                state.message = (
                    "unknown backend '\(argument)'; whet.toml defines: \(state.workspace.config.backendNames.joined(separator: ", "))",
                    true
                )
                return
            }
            state.backendName = argument
            reparsePrompt()
            state.message = ("backend: \(argument)", false)
        case "theme":
            do {
                var theme = try ThemeLoader.load(named: argument, from: themesDirectory)
                theme.usesColor = state.theme.usesColor
                theme.basicColorsOnly = state.theme.basicColorsOnly
                state.theme = theme
                state.message = ("theme: \(argument)", false)
            } catch {
                state.message = ("\(error)", true)
            }
        case "session":
            let store = SessionStore(workspace: state.workspace)
            if argument == "new", editing {
                state.sessionID = nil
                state.runs = []
                state.viewedRun = nil
                do { state.sessionID = try store.create(title: nil) } catch { state.message = ("\(error)", true) }
                return
            }
            do {
                let id = try store.resolve(argument.isEmpty ? "latest" : argument)
                if editing { try store.setCurrent(id) }
                openSession(id)
                state.message = ("session \(id): \(state.runs.count) runs", false)
            } catch {
                state.message = ("\(error)", true)
            }
        case "prompt":
            guard !state.buffer.isModified else {
                state.message = ("save or discard the edits first (:w, or :q!)", true)
                return
            }
            do {
                let url = try state.workspace.promptURL(named: argument)
                state.promptPath = state.workspace.display(url)
                state.promptName = url.lastPathComponent
                state.buffer = TextBuffer(text: try String(contentsOf: url, encoding: .utf8))
                state.promptScroll = (0, 0)
                reparsePrompt()
                refreshContext()
            } catch {
                state.message = ("\(error)", true)
            }
        case "set":
            guard let equals = argument.firstIndex(of: "=") else {
                state.message = ("expected :set NAME=VALUE", true)
                return
            }
            state.variables[String(argument[..<equals])] = String(argument[argument.index(after: equals)...])
            refreshContext()
        case "topk":
            guard let value = Int(argument), value > 0 else {
                state.message = ("expected :topk N (N ≥ 1), found '\(argument)'", true)
                return
            }
            state.topK = value
            refreshContext()
        case "cache":
            guard argument == "on" || argument == "off" else {
                state.message = ("expected :cache on|off", true)
                return
            }
            state.useCache = argument == "on"
            state.message = ("response cache \(argument) for runs", false)
        case "retrieval":
            guard argument == "on" || argument == "off" else {
                state.message = ("expected :retrieval on|off", true)
                return
            }
            state.retrievalEnabled = argument == "on"
            if state.retrievalEnabled, index == nil { openIndex() } else { refreshContext() }
        case "eval": startEval(files: argument.split(separator: " ").map(String.init))
        case "evals": openEvals()
        case "report": writeReport()
        case "versions": openVersions()
        case "finetune": openDataset()
        case "rate":
            guard let verdict = RunRating.verdict(parsing: argument) else {
                state.message = ("expected :rate good|bad", true)
                return
            }
            rateShownRun(verdict)
        default:
            state.message = ("unknown command ':\(name)' (F1 lists them)", true)
        }
    }
}
