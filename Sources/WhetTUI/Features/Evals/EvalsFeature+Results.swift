import Foundation
import WhetCore

/// Evals from the workbench: running one through the core's `EvalJob` in the background, the results view,
/// the report, prompt versions and the fine-tuning dataset.
extension EvalsFeature {
    /// Opens the eval results view on the eval `:eval` ran last (else the latest), optionally filtered to
    /// one class of failure.
    func openEvals(classFilter: FailureClass? = nil) {
        var browser = EvalBrowser(files: EvalHistory(workspace: workspace).files(), advice: state.advice)
        if let id = state.lastEvalID, let shown = browser.files.firstIndex(where: { $0.id == id }) {
            browser.current = shown
        }
        browser.classFilter = classFilter
        if classFilter != nil { browser.failuresOnly = true }
        browser.clamp()
        presentEvalResults(browser)
    }

    /// Shows `browser` as the results view, in place of one already open.
    func presentEvalResults(_ browser: EvalBrowser) {
        if let open = workbench.layers.first(EvalsLayer.self) { workbench.layers.remove(open) }
        workbench.layers.push(EvalsLayer(browser: browser))
    }

    /// `:eval [FILE…]`: runs the eval matrix with the current prompt and backend in the background. When it
    /// finishes the status line says so and the advisor reads it; the results view is not opened over what
    /// the user is doing (F3 opens it on this eval; an open one switches to it).
    func startEval(files: [String]) {
        if workbench.context.deferUntilOpen("the eval", { [weak self] in self?.startEval(files: files) }) { return }
        if workbench.context.deferUntilVectorsCurrent("the eval", { [weak self] in self?.startEval(files: files) }) {
            return
        }
        guard !evalJob.isBusy else {
            workbench.notify(.error("an eval is already running"))
            return
        }
        guard !workbench.prompt.state.buffer.isModified else {
            workbench.notify(.error("save the prompt first (Ctrl-S): evals run the saved version"))
            return
        }
        let workspace = workspace
        do {
            var job = try EvalJob(workspace: workspace, files: files.map { workspace.root.appendingPathComponent($0) })
            job.plan.prompts = [workbench.prompt.baseName]
            job.plan.backends = [workbench.runs.state.backendName]
            var note: String? = nil
            try job.checkPairing { note = $0 }
            let unpaired = note
            let retriever = workbench.context.state.retrievalEnabled ? workbench.context.retriever : nil
            state.evalProgress = "eval 0/\(job.plan.cases.count)"
            evalJob.start { [job] port in
                let result = await Result(awaiting: {
                    try await job.run(retriever: retriever) { event in
                        let text =
                            switch event {
                            case .progress(let done, let total): "eval \(done)/\(total)"
                            case .waiting(let id, let holder):
                                "eval \(id) waits for \(holder.map(\.description) ?? "another whet process")"
                            }
                        port.post { self.state.evalProgress = text }
                    }
                })
                port.finish { self.evalFinished(result.map { ($0, unpaired) }) }
            }
        } catch {
            workbench.notify(.failure(error))
        }
    }

    func evalFinished(_ result: Result<(EvalJob.Outcome, String?), any Error>) {
        state.evalProgress = nil
        switch result {
        case .success(let (outcome, unpaired)):
            state.lastEvalID = outcome.id
            refreshAdvice()
            // The status line states the verdict the CLI prints: an eval that checked nothing is an error.
            let verdict = outcome.verdict
            let text =
                "eval \(outcome.id): \(verdict.headline)"
                + (workbench.layers.first(EvalsLayer.self) == nil ? " · F3 shows it" : "")
                + (unpaired.map { "; \($0)" } ?? "")
            if !verdict.checkedAnything {
                workbench.notify(.error(text))
            } else {
                workbench.notify(verdict.apart.isEmpty ? .info(text) : .warning(text))
            }
            if let open = workbench.layers.first(EvalsLayer.self) {
                open.show(evalID: outcome.id, in: workspace, advice: state.advice)
            }
        case .failure(let error):
            workbench.notify(.failure(error))
        }
    }

    /// The advisor's reading of the eval shown in the sidebar: the one `:eval` ran last, else the latest.
    func refreshAdvice() {
        let workspace = workspace
        let url = state.lastEvalID.map { EvalRunner(workspace: workspace).resultsURL($0) }
        state.advice = try? Advisor.advise(
            workspace: workspace, resultsURL: url, promptText: workbench.prompt.state.buffer.text)
        state.evalRan = state.advice?.checkedAnything ?? false
        workbench.reassess()
    }

    /// `:report`: the HTML report of the eval shown in the results view (else the latest) written to
    /// `evals/reports/ID.html`, and where it went.
    func writeReport() {
        let workspace = workspace
        let shown = workbench.layers.first(EvalsLayer.self)?.browser.file
        guard let file = shown ?? EvalHistory(workspace: workspace).files().last else {
            workbench.notify(.error("no eval to report yet: :eval runs one"))
            return
        }
        do {
            try workspace.requireWritable(for: "writing the report to evals/reports/")
            let results = workspace.evalsDirectory.appendingPathComponent("results/\(file.id).jsonl")
            let report = try EvalReport.make(resultsURL: results, displayPath: file.path, workspace: workspace)
            let target = workspace.evalsDirectory.appendingPathComponent("reports/\(file.id).html")
            try DurableFile.makeDirectory(target.deletingLastPathComponent())
            try DurableFile.writeAtomically(Data(HTMLReport.render(report, workspace: workspace).utf8), to: target)
            workbench.notify(.info("report of eval \(file.id) written to \(workspace.display(target))"))
        } catch {
            workbench.notify(.failure(error))
        }
    }

    /// Lists the versions of the prompt at `promptPath` (default: the one being edited), over whatever is
    /// open: Esc returns to it.
    func openVersions(promptPath: String? = nil, selecting hash: String? = nil) {
        let path = promptPath ?? workbench.prompt.state.path
        guard !path.isEmpty else {
            workbench.notify(.error("no prompt is open"))
            return
        }
        let versions = PromptVersions(workspace: workspace).list(promptPath: path)
        let onDisk = try? PromptFile.load(workspace.root.appendingPathComponent(path), displayPath: path)
            .contentHash
        var browser = VersionBrowser(promptPath: path, versions: versions, currentHash: onDisk)
        if let hash, let index = versions.firstIndex(where: { $0.hash == hash }) { browser.selected = index }
        workbench.layers.push(VersionsLayer(browser: browser))
    }

    /// `:finetune`: gathers the examples the workspace offers (rated runs, eval cases' expected answers),
    /// splits and checks them in the background, and shows the result; `w` writes the files.
    func openDataset() {
        if workbench.context.deferUntilOpen("gathering examples", { [weak self] in self?.openDataset() }) { return }
        if workbench.context.deferUntilVectorsCurrent("gathering examples", { [weak self] in self?.openDataset() }) {
            return
        }
        let workspace = workspace
        let retriever = workbench.context.state.retrievalEnabled ? workbench.context.retriever : nil
        let promptName = workbench.prompt.baseName
        let trainPath = workspace.display(FineTuningFolder(workspace: workspace).trainURL)
        workbench.notify(.info("gathering fine-tuning examples…"))
        // A newer request replaces this one (the slot drops it).
        datasetJob.start { port in
            let result = await Result(awaiting: {
                let counter =
                    (try? TokenCounter.forSettings(workspace.config.retrieval, workspaceRoot: workspace.root))
                    ?? .estimate
                return try await FineTuningExporter(workspace: workspace).prepare(
                    promptName: promptName, retriever: retriever, validationFraction: 0.2, counter: counter,
                    trainPath: trainPath)
            })
            port.finish { self.datasetPrepared(result) }
        }
    }

    /// The fine-tuning dataset `:finetune` gathered: shown unless the user has opened something else meanwhile.
    func datasetPrepared(_ result: Result<FineTuningExporter.Prepared, any Error>) {
        switch result {
        case .success(let prepared):
            state.dataset = prepared
            if workbench.layers.isEmpty { workbench.layers.push(DatasetLayer()) }
            workbench.notify(nil)
        case .failure(let error):
            workbench.notify(.failure(error))
        }
    }

    /// `w` in the dataset view: writes finetune/train.jsonl and validation.jsonl.
    func writeDataset() {
        guard let dataset = state.dataset else { return }
        let folder = FineTuningFolder(workspace: workspace)
        do {
            try workspace.requireWritable(for: "writing finetune/")
            try dataset.write(to: folder.directory)
            if let open = workbench.layers.first(DatasetLayer.self) { workbench.layers.remove(open) }
            workbench.notify(
                .info(
                    "wrote \(workspace.display(folder.trainURL)) (\(dataset.split.train.count))"
                        + (dataset.split.validation.isEmpty
                            ? "" : " and validation.jsonl (\(dataset.split.validation.count))")
                        + "; next: whet finetune submit"))
        } catch {
            workbench.notify(.failure(error))
        }
    }
}
