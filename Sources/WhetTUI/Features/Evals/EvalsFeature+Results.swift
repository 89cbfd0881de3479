import Foundation
import WhetCore

/// Evals from the workbench: running one through the core's `EvalJob` in the background, the results view,
/// the report, prompt versions and the fine-tuning dataset.
extension Workbench {
    /// Opens the eval results view on the eval `:eval` ran last (else the latest), optionally filtered to
    /// one class of failure.
    func openEvals(classFilter: FailureClass? = nil) {
        var browser = EvalBrowser(files: EvalHistory(workspace: state.workspace).files(), advice: state.advice)
        if let id = state.lastEvalID, let shown = browser.files.firstIndex(where: { $0.id == id }) {
            browser.current = shown
        }
        browser.classFilter = classFilter
        if classFilter != nil { browser.failuresOnly = true }
        browser.clamp()
        presentEvalResults(browser)
    }

    /// Shows `browser` as the results view, in place of one already open.
    public func presentEvalResults(_ browser: EvalBrowser) {
        if let open = layers.first(EvalsLayer.self) { layers.remove(open) }
        layers.push(EvalsLayer(browser: browser))
    }

    /// `:eval [FILE…]`: runs the eval matrix with the current prompt and backend in the background. When it
    /// finishes the status line says so and the advisor reads it; the results view is not opened over what
    /// the user is doing (F3 opens it on this eval; an open one switches to it).
    func startEval(files: [String]) {
        guard evalTask == nil else {
            state.message = .error("an eval is already running")
            return
        }
        guard !state.buffer.isModified else {
            state.message = .error("save the prompt first (Ctrl-S): evals run the saved version")
            return
        }
        let workspace = state.workspace
        do {
            var job = try EvalJob(workspace: workspace, files: files.map { workspace.root.appendingPathComponent($0) })
            job.plan.prompts = [(state.promptName as NSString).deletingPathExtension]
            job.plan.backends = [state.backendName]
            var note: String? = nil
            try job.checkPairing { note = $0 }
            let unpaired = note
            let retriever = state.retrievalEnabled ? self.retriever : nil
            let events = self.events
            state.evalProgress = "eval 0/\(job.plan.cases.count)"
            evalTask = Task {
                do {
                    let outcome = try await job.run(retriever: retriever) { event in
                        switch event {
                        case .progress(let done, let total): events.post(.evalProgress("eval \(done)/\(total)"))
                        case .waiting(let id, let holder):
                            events.post(
                                .evalProgress(
                                    "eval \(id) waits for \(holder.map(\.description) ?? "another whet process")"))
                        }
                    }
                    events.post(.evalFinished(.success((outcome, unpaired))))
                } catch {
                    events.post(.evalFinished(.failure(error)))
                }
            }
        } catch {
            state.message = .failure(error)
        }
    }

    func evalFinished(_ result: Result<(EvalJob.Outcome, String?), any Error>) {
        evalTask = nil
        state.evalProgress = nil
        switch result {
        case .success(let (outcome, unpaired)):
            state.lastEvalID = outcome.id
            refreshAdvice()
            // The status line states the verdict the CLI prints: an eval that checked nothing is an error.
            let verdict = outcome.verdict
            let text =
                "eval \(outcome.id): \(verdict.headline)"
                + (layers.first(EvalsLayer.self) == nil ? " · F3 shows it" : "") + (unpaired.map { "; \($0)" } ?? "")
            if !verdict.checkedAnything {
                state.message = .error(text)
            } else {
                state.message = verdict.apart.isEmpty ? .info(text) : .warning(text)
            }
            if let open = layers.first(EvalsLayer.self) {
                open.show(evalID: outcome.id, in: state.workspace, advice: state.advice)
            }
        case .failure(let error):
            state.message = .failure(error)
        }
    }

    /// The advisor's reading of the eval shown in the sidebar: the one `:eval` ran last, else the latest.
    func refreshAdvice() {
        let workspace = state.workspace
        let url = state.lastEvalID.map { EvalRunner(workspace: workspace).resultsURL($0) }
        state.advice = try? Advisor.advise(workspace: workspace, resultsURL: url, promptText: state.buffer.text)
        state.evalRan = state.advice?.checkedAnything ?? false
        reassess()
    }

    /// `:report`: the HTML report of the eval shown in the results view (else the latest) written to
    /// `evals/reports/ID.html`, and where it went.
    func writeReport() {
        let workspace = state.workspace
        let shown = layers.first(EvalsLayer.self)?.browser.file
        guard let file = shown ?? EvalHistory(workspace: workspace).files().last else {
            state.message = .error("no eval to report yet: :eval runs one")
            return
        }
        do {
            try workspace.requireWritable(for: "writing the report to evals/reports/")
            let results = workspace.evalsDirectory.appendingPathComponent("results/\(file.id).jsonl")
            let report = try EvalReport.make(resultsURL: results, displayPath: file.path, workspace: workspace)
            let target = workspace.evalsDirectory.appendingPathComponent("reports/\(file.id).html")
            try DurableFile.makeDirectory(target.deletingLastPathComponent())
            try DurableFile.writeAtomically(Data(HTMLReport.render(report, workspace: workspace).utf8), to: target)
            state.message = .info("report of eval \(file.id) written to \(workspace.display(target))")
        } catch {
            state.message = .failure(error)
        }
    }

    /// Lists the versions of the prompt at `promptPath` (default: the one being edited), over whatever is
    /// open: Esc returns to it.
    func openVersions(promptPath: String? = nil, selecting hash: String? = nil) {
        let path = promptPath ?? state.promptPath
        guard !path.isEmpty else {
            state.message = .error("no prompt is open")
            return
        }
        let versions = PromptVersions(workspace: state.workspace).list(promptPath: path)
        let onDisk = try? PromptFile.load(state.workspace.root.appendingPathComponent(path), displayPath: path)
            .contentHash
        var browser = VersionBrowser(promptPath: path, versions: versions, currentHash: onDisk)
        if let hash, let index = versions.firstIndex(where: { $0.hash == hash }) { browser.selected = index }
        layers.push(VersionsLayer(browser: browser))
    }

    /// `:finetune`: gathers the examples the workspace offers (rated runs, eval cases' expected answers),
    /// splits and checks them in the background, and shows the result; `w` writes the files.
    func openDataset() {
        let workspace = state.workspace
        let retriever = state.retrievalEnabled ? self.retriever : nil
        let promptName = (state.promptName as NSString).deletingPathExtension
        let trainPath = workspace.display(FineTuningFolder(workspace: workspace).trainURL)
        let events = self.events
        state.message = .info("gathering fine-tuning examples…")
        datasetTask?.cancel()
        datasetTask = Task {
            do {
                let counter =
                    (try? TokenCounter.forSettings(workspace.config.retrieval, workspaceRoot: workspace.root))
                    ?? .estimate
                let prepared = try await FineTuningExporter(workspace: workspace).prepare(
                    promptName: promptName, retriever: retriever, validationFraction: 0.2, counter: counter,
                    trainPath: trainPath)
                events.post(.datasetPrepared(.success(prepared)))
            } catch {
                events.post(.datasetPrepared(.failure(error)))
            }
        }
    }

    /// `w` in the dataset view: writes finetune/train.jsonl and validation.jsonl.
    func writeDataset() {
        guard let dataset = state.dataset else { return }
        let folder = FineTuningFolder(workspace: state.workspace)
        do {
            try state.workspace.requireWritable(for: "writing finetune/")
            try dataset.write(to: folder.directory)
            if let open = layers.first(DatasetLayer.self) { layers.remove(open) }
            state.message = .info(
                "wrote \(state.workspace.display(folder.trainURL)) (\(dataset.split.train.count))"
                    + (dataset.split.validation.isEmpty
                        ? "" : " and validation.jsonl (\(dataset.split.validation.count))")
                    + "; next: whet finetune submit")
        } catch {
            state.message = .failure(error)
        }
    }
}

extension Workbench {
    /// The open results view's data (tests and benchmarks look at it and set it).
    var evalBrowser: EvalBrowser? {
        get { layers.first(EvalsLayer.self)?.browser }
        set { if let newValue { layers.first(EvalsLayer.self)?.browser = newValue } }
    }

    /// The open versions list's data.
    var versionBrowser: VersionBrowser? { layers.first(VersionsLayer.self)?.browser }
}
