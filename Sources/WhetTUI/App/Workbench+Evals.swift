import Foundation
import WhetCore

extension Workbench {
    // MARK: Eval results

    /// Opens the eval results view on the latest eval, optionally filtered to one class of failure.
    func openEvals(classFilter: FailureClass? = nil) {
        var browser = EvalBrowser(files: EvalHistory(workspace: state.workspace).files(), advice: state.advice)
        browser.classFilter = classFilter
        if classFilter != nil { browser.failuresOnly = true }
        browser.clamp()
        state.evalBrowser = browser
        state.overlay = .evals
    }

    func handleEvals(_ key: Key) {
        guard var browser = state.evalBrowser else {
            state.overlay = nil
            return
        }
        defer { state.evalBrowser = browser }
        switch browser.mode {
        case .cell(let scroll):
            switch key {
            case .down, .character("j"): browser.mode = .cell(scroll: scroll + 1)
            case .up, .character("k"): browser.mode = .cell(scroll: max(0, scroll - 1))
            case .pageDown, .character(" "): browser.mode = .cell(scroll: scroll + 10)
            case .pageUp: browser.mode = .cell(scroll: max(0, scroll - 10))
            case .home, .character("g"): browser.mode = .cell(scroll: 0)
            case .character("h"), .left:
                browser.column -= 1
                browser.showCell(in: state.workspace)
            case .character("l"), .right:
                browser.column += 1
                browser.showCell(in: state.workspace)
            case .character("n"):
                browser.row += 1
                browser.showCell(in: state.workspace)
            case .character("p"):
                browser.row -= 1
                browser.showCell(in: state.workspace)
            case .character("r"):
                browser.repeatShown = (browser.repeatShown + 1) % max(1, browser.selectedCell?.results.count ?? 1)
                browser.showCell(in: state.workspace, keepRepeat: true)
            case .escape, .character("q"), .enter: browser.mode = .matrix
            default: break
            }
            return
        case .compare:
            switch key {
            case .down, .character("j"): browser.row = min(browser.row + 1, max(0, browser.changes.count - 1))
            case .up, .character("k"): browser.row = max(0, browser.row - 1)
            case .character("<"):
                browser.baseline = max(0, (browser.baseline ?? 0) - 1)
                browser.row = 0
            case .character(">"):
                browser.baseline = min(browser.files.count - 1, (browser.baseline ?? 0) + 1)
                browser.row = 0
            case .character("["):
                browser.current = max(0, browser.current - 1)
                browser.row = 0
            case .character("]"):
                browser.current = min(browser.files.count - 1, browser.current + 1)
                browser.row = 0
            case .character("f"):
                browser.failuresOnly.toggle()
                browser.row = 0
            case .character("c"):
                browser.mode = .matrix
                browser.row = 0
                browser.clamp()
            case .escape, .character("q"): state.overlay = nil
            default: break
            }
            return
        case .matrix:
            break
        }
        switch key {
        case .down, .character("j"): browser.row += 1
        case .up, .character("k"): browser.row -= 1
        case .right, .character("l"): browser.column += 1
        case .left, .character("h"): browser.column -= 1
        case .pageDown: browser.row += 10
        case .pageUp: browser.row -= 10
        case .home, .character("g"): browser.row = 0
        case .end, .character("G"): browser.row = browser.rows.count - 1
        case .enter: if browser.selectedResult != nil { browser.showCell(in: state.workspace) }
        case .character("w"): writeReport()
        case .character("f"):
            if browser.classFilter != nil {
                browser.classFilter = nil
                browser.failuresOnly = false
            } else {
                browser.failuresOnly.toggle()
            }
            browser.row = 0
        case .character("["):
            browser.current = max(0, browser.current - 1)
            browser.row = 0
            browser.column = 0
        case .character("]"):
            browser.current = min(browser.files.count - 1, browser.current + 1)
            browser.row = 0
            browser.column = 0
        case .character("c"):
            guard browser.files.count >= 2 else {
                state.message = ("comparing needs two evals; this workspace has \(browser.files.count)", true)
                return
            }
            browser.baseline = browser.current > 0 ? browser.current - 1 : 1
            browser.mode = .compare
            browser.row = 0
        case .character("v"):
            if let result = browser.selectedResult {
                openVersions(promptPath: result.prompt.path, selecting: result.prompt.hash)
                state.versionBrowser?.returnsToEvals = true
            }
            return
        case .escape, .character("q"): state.overlay = nil
        default: break
        }
        browser.clamp()
    }

    /// `:eval [FILE…]`: runs the eval matrix with the current prompt and backend in the background, then shows
    /// the results and refreshes the advisor.
    func startEval(files: [String]) {
        guard evalTask == nil else {
            state.message = ("an eval is already running", true)
            return
        }
        guard !state.buffer.isModified else {
            state.message = ("save the prompt first (Ctrl-S): evals run the saved version", true)
            return
        }
        let workspace = state.workspace
        do {
            let urls = files.isEmpty ? workspace.evalFiles() : files.map { workspace.root.appendingPathComponent($0) }
            guard !urls.isEmpty else {
                state.message = ("no eval files in evals/", true)
                return
            }
            var cases: [EvalCase] = []
            for url in urls {
                cases += try EvalFile.load(url, displayPath: workspace.display(url), limits: workspace.config.limits)
            }
            guard !cases.isEmpty else {
                state.message = ("the eval files hold no cases", true)
                return
            }
            let promptName = (state.promptName as NSString).deletingPathExtension
            var plan = EvalRunner.Plan(
                cases: cases, caseFiles: urls.map { workspace.display($0) }, prompts: [promptName],
                backends: [state.backendName])
            plan.grader = workspace.config.evalGrader
            let retriever = state.retrievalEnabled ? self.retriever : nil
            state.evalProgress = "eval 0/\(cases.count)"
            let report: EvalRunner.Progress = { [weak self] done, total in
                Task { @MainActor in
                    // A count that arrives after the eval finished must not bring the progress back.
                    guard let self, self.evalTask != nil else { return }
                    self.state.evalProgress = "eval \(done)/\(total)"
                    self.needsRedraw = true
                }
            }
            evalTask = Task { [weak self] in
                do {
                    let waiting: @Sendable (String, FileLock.Holder?) -> Void = { [weak self] id, holder in
                        Task { @MainActor in
                            guard let self, self.evalTask != nil else { return }
                            self.state.evalProgress =
                                "eval \(id) waits for \(holder.map(\.description) ?? "another whet process")"
                            self.needsRedraw = true
                        }
                    }
                    let (id, results, _) = try await EvalRunner(workspace: workspace).run(
                        plan, retriever: retriever, progress: report,
                        onWait: waiting)
                    guard let self else { return }
                    self.state.advice = try? Advisor.advise(workspace: workspace, promptText: self.state.buffer.text)
                    let summary = EvalSummary(results)
                    let unpaired = (try? EvalRunner(workspace: workspace).unpairedCases(plan))?.count ?? 0
                    self.state.message = (
                        "eval \(id): pass rate \(summary.counts.rateText)"
                            + (unpaired > 0 ? "; \(unpaired) case(s) are for other prompts (their \"prompts\")" : ""),
                        summary.counts.notRun > 0
                    )
                    if self.state.overlay == nil || self.state.overlay == .evals { self.openEvals() }
                } catch {
                    self?.state.message = ("\(error)", true)
                }
                self?.state.evalProgress = nil
                self?.evalTask = nil
                self?.needsRedraw = true
            }
        } catch {
            state.message = ("\(error)", true)
        }
    }

    /// `:report`: the HTML report of the eval shown in the results view (else the latest) written to
    /// `evals/reports/ID.html`, and where it went.
    func writeReport() {
        let workspace = state.workspace
        let files = state.evalBrowser?.files ?? EvalHistory(workspace: workspace).files()
        guard let file = state.evalBrowser?.file ?? files.last else {
            state.message = ("no eval to report yet: :eval runs one", true)
            return
        }
        do {
            try workspace.requireWritable(for: "writing the report to evals/reports/")
            let results = workspace.evalsDirectory.appendingPathComponent("results/\(file.id).jsonl")
            let report = try EvalReport.make(resultsURL: results, displayPath: file.path, workspace: workspace)
            let target = workspace.evalsDirectory.appendingPathComponent("reports/\(file.id).html")
            try DurableFile.makeDirectory(target.deletingLastPathComponent())
            try DurableFile.writeAtomically(Data(HTMLReport.render(report, workspace: workspace).utf8), to: target)
            state.message = ("report of eval \(file.id) written to \(workspace.display(target))", false)
        } catch {
            state.message = ("\(error)", true)
        }
    }

    // MARK: Prompt versions

    /// Lists the versions of the prompt at `promptPath` (default: the one being edited).
    func openVersions(promptPath: String? = nil, selecting hash: String? = nil) {
        let path = promptPath ?? state.promptPath
        guard !path.isEmpty else {
            state.message = ("no prompt is open", true)
            return
        }
        let versions = PromptVersions(workspace: state.workspace).list(promptPath: path)
        let onDisk = try? PromptFile.load(state.workspace.root.appendingPathComponent(path), displayPath: path)
            .contentHash
        var browser = VersionBrowser(promptPath: path, versions: versions, currentHash: onDisk)
        if let hash, let index = versions.firstIndex(where: { $0.hash == hash }) { browser.selected = index }
        state.versionBrowser = browser
        state.overlay = .versions
    }

    func handleVersions(_ key: Key) {
        guard var browser = state.versionBrowser else {
            state.overlay = nil
            return
        }
        defer { state.versionBrowser = browser }
        if var diff = browser.diff {
            switch key {
            case .down, .character("j"): diff.scroll += 1
            case .up, .character("k"): diff.scroll = max(0, diff.scroll - 1)
            case .pageDown: diff.scroll += 10
            case .pageUp: diff.scroll = max(0, diff.scroll - 10)
            default:
                browser.diff = nil
                return
            }
            browser.diff = diff
            return
        }
        switch key {
        case .down, .character("j"): browser.selected = min(browser.selected + 1, max(0, browser.versions.count - 1))
        case .up, .character("k"): browser.selected = max(0, browser.selected - 1)
        case .character("m"): browser.marked = browser.marked == browser.selected ? nil : browser.selected
        case .character("d"), .enter:
            let other =
                browser.marked.flatMap { $0 == browser.selected ? nil : $0 }
                ?? (browser.selected > 0 ? browser.selected - 1 : nil)
            guard let other else {
                state.message = ("a diff needs two versions", true)
                return
            }
            let older = browser.versions[min(other, browser.selected)]
            let newer = browser.versions[max(other, browser.selected)]
            let store = PromptVersions(workspace: state.workspace)
            var pieces: [WordDiff.Piece]? = nil
            if let a = store.text(older.hash, promptPath: browser.promptPath),
                let b = store.text(newer.hash, promptPath: browser.promptPath)
            {
                pieces = WordDiff.diff(a, b)
            }
            browser.diff = .init(olderHash: older.hash, newerHash: newer.hash, pieces: pieces)
        case .escape, .character("q"): state.overlay = browser.returnsToEvals && state.evalBrowser != nil ? .evals : nil
        default: break
        }
    }

    // MARK: Fine-tuning dataset

    /// `:finetune`: gathers the examples the workspace offers (rated runs, eval cases' expected answers),
    /// splits and checks them in the background, and shows the result; `w` writes the files.
    func openDataset() {
        let workspace = state.workspace
        let retriever = state.retrievalEnabled ? self.retriever : nil
        let promptName = (state.promptName as NSString).deletingPathExtension
        let trainPath = workspace.display(FineTuningFolder(workspace: workspace).trainURL)
        state.message = ("gathering fine-tuning examples…", false)
        Task { [weak self] in
            do {
                let counter =
                    (try? TokenCounter.forSettings(workspace.config.retrieval, workspaceRoot: workspace.root))
                    ?? .estimate
                let prepared = try await FineTuningExporter(workspace: workspace).prepare(
                    promptName: promptName, retriever: retriever, validationFraction: 0.2, counter: counter,
                    trainPath: trainPath)
                guard let self else { return }
                self.state.dataset = prepared
                // Shown unless the user has opened something else meanwhile.
                if self.state.overlay == nil { self.state.overlay = .dataset(scroll: 0) }
                self.state.message = nil
            } catch {
                self?.state.message = ("\(error)", true)
            }
            self?.needsRedraw = true
        }
    }

    func handleDataset(_ scroll: Int, _ key: Key) {
        switch key {
        case .down, .character("j"): state.overlay = .dataset(scroll: scroll + 1)
        case .up, .character("k"): state.overlay = .dataset(scroll: max(0, scroll - 1))
        case .pageDown, .character(" "): state.overlay = .dataset(scroll: scroll + 10)
        case .pageUp: state.overlay = .dataset(scroll: max(0, scroll - 10))
        case .character("w") where !state.readOnly:
            guard let dataset = state.dataset else { return }
            let folder = FineTuningFolder(workspace: state.workspace)
            do {
                try state.workspace.requireWritable(for: "writing finetune/")
                try dataset.write(to: folder.directory)
                state.overlay = nil
                state.message = (
                    "wrote \(state.workspace.display(folder.trainURL)) (\(dataset.split.train.count))"
                        + (dataset.split.validation.isEmpty
                            ? "" : " and validation.jsonl (\(dataset.split.validation.count))")
                        + "; next: whet finetune submit", false
                )
            } catch {
                state.message = ("\(error)", true)
            }
        default: state.overlay = nil
        }
    }

    // MARK: Rating runs

    /// Rates the run shown in the output pane (appended to the session's ratings.jsonl).
    func rateShownRun(_ verdict: RunRating.Verdict, corrected: String? = nil) {
        guard let record = state.shownRun, let session = state.sessionID else {
            state.message = ("no run to rate", true)
            return
        }
        let rating = RunRating(of: record, verdict: verdict, corrected: corrected, time: RunExecutor.timestamp(Date()))
        do {
            try SessionStore(workspace: state.workspace).rate(rating, inSession: session)
            state.ratings[record.id] = rating
            if state.advice != nil {
                state.advice = try? Advisor.advise(workspace: state.workspace, promptText: state.buffer.text)
            }
            state.message = (
                "run \(record.run) rated \(verdict.rawValue)\(rating.corrected == nil ? "" : " with a corrected answer")",
                false
            )
        } catch {
            state.message = ("\(error)", true)
        }
    }

    /// `C`: writes the run's output to a file, opens it in the editor, and rates the run bad with what the
    /// user wrote as the corrected answer (unchanged text rates nothing).
    func correctShownRun() {
        guard let record = state.shownRun else {
            state.message = ("no run to correct", true)
            return
        }
        guard let editor = externalEditor else {
            state.message = ("no editor available here; use `whet rate … --corrected`", true)
            return
        }
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent(
            "whet-\(getpid())-corrected-run-\(record.run).md")
        do {
            let start = state.ratings[record.id]?.corrected ?? record.output
            try DurableFile.writeAtomically(Data(start.utf8), to: temporary)
            editor(temporary)
            let edited = try String(contentsOf: temporary, encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines)
            try? FileManager.default.removeItem(at: temporary)
            guard !edited.isEmpty, edited != record.output.trimmingCharacters(in: .whitespacesAndNewlines) else {
                state.message = ("the answer was not changed; no correction recorded", false)
                return
            }
            rateShownRun(.bad, corrected: edited)
        } catch {
            state.message = ("\(error)", true)
        }
    }
}
