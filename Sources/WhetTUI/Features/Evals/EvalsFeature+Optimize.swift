import Foundation
import WhetCore

/// `:optimize [FILE…]` in the workbench: the core's `Optimizer` — the same run as `whet optimize` — for the prompt
/// being edited and the current backend, in the background with its progress in the status bar. When it ends
/// the candidates it scored open in an overlay (`OptimizeLayer`: each with its rate and interval, Enter for its
/// change, `a` to adopt, `o` for the whole outcome), and
/// `:optimize adopt` loads a proposed prompt into the editor as one unsaved, undoable edit; nothing is saved
/// for the user.
extension Workbench {
    /// Starts an optimisation, or (`adopt`) loads the last one's proposed prompt.
    func startOptimize(_ argument: String) {
        let words = argument.split(separator: " ").map(String.init)
        if words == ["adopt"] { return adoptOptimizedPrompt() }
        guard optimizeTask == nil else {
            state.message = .error("an optimisation is already running")
            return
        }
        guard !state.buffer.isModified else {
            state.message = .error("save the prompt first (Ctrl-S): optimisation starts from the saved version")
            return
        }
        let workspace = state.workspace
        var options = Optimizer.Options()
        options.files = words.map { workspace.root.appendingPathComponent($0) }
        options.prompt = (state.promptName as NSString).deletingPathExtension
        options.backend = state.backendName
        options.proposer = workspace.config.optimizeProposer
        let events = self.events
        state.optimizeProgress = "optimize: baseline"
        optimizeTask = Task {
            let optimizer = Optimizer(workspace: workspace, options: options) { event in
                switch event {
                case .scoring(let candidate, let set, let done, let total):
                    events.post(.optimizeProgress("optimize \(candidate) \(set) \(done)/\(total)"))
                case .waiting(let holder):
                    events.post(
                        .optimizeProgress("optimize waits for \(holder.map(\.description) ?? "another whet process")"))
                case .plan, .note: break
                }
            }
            do {
                events.post(.optimizeFinished(.success(try await optimizer.run())))
            } catch {
                events.post(.optimizeFinished(.failure(error)))
            }
        }
    }

    /// Shows what the optimisation found: the outcome in an overlay, its verdict in the status line.
    func optimizeFinished(_ result: Result<OptimizeOutcome, any Error>) {
        optimizeTask = nil
        state.optimizeProgress = nil
        switch result {
        case .success(let outcome):
            let promptName = (state.promptName as NSString).deletingPathExtension
            state.optimizedPrompt =
                outcome.ending == .proposed && outcome.writtenPrompt != nil
                ? outcome.winner.map { (promptName, $0.prompt.source) } : nil
            let verdict = outcome.validation.map { " (held out: \($0.text))" } ?? ""
            switch outcome.ending {
            case .proposed:
                state.message = .info(
                    "optimize \(outcome.id): proposed \(outcome.winner?.label ?? "")\(verdict)"
                        + (state.optimizedPrompt != nil ? "; :optimize adopt loads the prompt" : ""))
            case .noImprovement, .nothingToOptimise, .validationTooSmall:
                state.message = .warning("optimize \(outcome.id): " + outcome.message)
            }
            layers.push(OptimizeLayer(outcome: outcome))
        case .failure(let error):
            state.message = .failure(error)
        }
    }

    /// `:optimize adopt`: the proposed prompt into the editor as one unsaved edit (Ctrl-Z takes it back).
    func adoptOptimizedPrompt() {
        let promptName = (state.promptName as NSString).deletingPathExtension
        guard let (name, text) = state.optimizedPrompt else {
            state.message = .error("no proposed prompt to adopt: :optimize looks for one")
            return
        }
        guard name == promptName else {
            state.message = .error("the proposed prompt is for '\(name)'; open it with :prompt \(name) first")
            return
        }
        editPrompt { $0.replaceAll(with: text) }
        state.message = .info("the proposed prompt is in the editor, unsaved: Ctrl-S saves it, Ctrl-Z undoes it")
    }
}
