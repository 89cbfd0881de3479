import Foundation
import WhetCore

/// `:optimize [FILE…]` in the workbench: the core's `Optimizer` — the same run as `whet optimize` — for the prompt
/// being edited and the current backend, in the background with its progress in the status bar. When it ends
/// the candidates it scored open in an overlay (`OptimizeLayer`: each with its rate and interval, Enter for its
/// change, `a` to adopt, `o` for the whole outcome), and
/// `:optimize adopt` loads a proposed prompt into the editor as one unsaved, undoable edit; nothing is saved
/// for the user.
extension EvalsFeature {
    /// Starts an optimisation, or (`adopt`) loads the last one's proposed prompt.
    func startOptimize(_ argument: String) {
        let words = argument.split(separator: " ").map(String.init)
        if words == ["adopt"] { return adoptOptimizedPrompt() }
        guard !optimizeJob.isBusy else {
            workbench.notify(.error("an optimisation is already running"))
            return
        }
        guard !workbench.prompt.state.buffer.isModified else {
            workbench.notify(.error("save the prompt first (Ctrl-S): optimisation starts from the saved version"))
            return
        }
        let workspace = workspace
        var options = Optimizer.Options()
        options.files = words.map { workspace.root.appendingPathComponent($0) }
        options.prompt = workbench.prompt.baseName
        options.backend = workbench.runs.state.backendName
        options.proposer = workspace.config.optimizeProposer
        state.optimizeProgress = "optimize: baseline"
        optimizeJob.start { [options] port in
            let optimizer = Optimizer(workspace: workspace, options: options) { event in
                let text: String? =
                    switch event {
                    case .scoring(let candidate, let set, let done, let total):
                        "optimize \(candidate) \(set) \(done)/\(total)"
                    case .waiting(let holder):
                        "optimize waits for \(holder.map(\.description) ?? "another whet process")"
                    case .plan, .note: nil
                    }
                if let text { port.post { self.state.optimizeProgress = text } }
            }
            let result = await Result(awaiting: { try await optimizer.run() })
            port.finish { self.optimizeFinished(result) }
        }
    }

    /// Shows what the optimisation found: the outcome in an overlay, its verdict in the status line.
    func optimizeFinished(_ result: Result<OptimizeOutcome, any Error>) {
        state.optimizeProgress = nil
        switch result {
        case .success(let outcome):
            let promptName = workbench.prompt.baseName
            state.optimizedPrompt =
                outcome.ending == .proposed && outcome.writtenPrompt != nil
                ? outcome.winner.map { (promptName, $0.prompt.source) } : nil
            let verdict = outcome.validation.map { " (held out: \($0.text))" } ?? ""
            switch outcome.ending {
            case .proposed:
                workbench.notify(
                    .info(
                        "optimize \(outcome.id): proposed \(outcome.winner?.label ?? "")\(verdict)"
                            + (state.optimizedPrompt != nil ? "; :optimize adopt loads the prompt" : "")))
            case .noImprovement, .nothingToOptimise, .validationTooSmall:
                workbench.notify(.warning("optimize \(outcome.id): " + outcome.message))
            }
            workbench.layers.push(OptimizeLayer(outcome: outcome))
        case .failure(let error):
            workbench.notify(.failure(error))
        }
    }

    /// `:optimize adopt`: the proposed prompt into the editor as one unsaved edit (Ctrl-Z takes it back).
    func adoptOptimizedPrompt() {
        let promptName = workbench.prompt.baseName
        guard let (name, text) = state.optimizedPrompt else {
            workbench.notify(.error("no proposed prompt to adopt: :optimize looks for one"))
            return
        }
        guard name == promptName else {
            workbench.notify(.error("the proposed prompt is for '\(name)'; open it with :prompt \(name) first"))
            return
        }
        workbench.prompt.editPrompt { $0.replaceAll(with: text) }
        workbench.notify(.info("the proposed prompt is in the editor, unsaved: Ctrl-S saves it, Ctrl-Z undoes it"))
    }
}
