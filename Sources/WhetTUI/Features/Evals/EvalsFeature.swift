import Foundation
import WhetCore

/// The evals feature: evals and optimisations started from the workbench (through the core's `EvalJob` and
/// `Optimizer`, as the CLI runs them), the advisor's reading of the latest results, the sidebar's assessment,
/// the results and versions views and the fine-tuning dataset. It reads the prompt, backend and retrieval it
/// assesses through the workbench.
@MainActor
final class EvalsFeature {
    /// This feature's slice of the state: only this feature writes it.
    var state: EvalsState
    unowned let workbench: Workbench
    /// Reading the eval cases and the advisor after the first frame.
    let startupJob: JobSlot
    /// `:eval` running in the background.
    let evalJob: JobSlot
    /// `:optimize` running in the background.
    let optimizeJob: JobSlot
    /// Gathering the fine-tuning dataset (`:finetune`); a newer request replaces it.
    let datasetJob: JobSlot
    /// Reading an eval another process ran (`followOtherEvals`).
    let followJob: JobSlot
    /// The evals' results and case files as last seen.
    var evalsStamp: EvalsStamp?

    init(_ state: EvalsState, workbench: Workbench, jobs: Jobs) {
        self.state = state
        self.workbench = workbench
        startupJob = jobs.slot("startup")
        evalJob = jobs.slot("eval")
        optimizeJob = jobs.slot("optimize")
        datasetJob = jobs.slot("dataset")
        followJob = jobs.slot("follow evals")
    }

    var workspace: Workspace { workbench.app.workspace }

    /// What the first frame does not need: the eval cases and the advisor's reading of the latest eval (too
    /// much I/O for a keystroke: results files, every session's ratings). In the background after the first
    /// frame, or in place (tests).
    func loadAfterFirstFrame(background: Bool) {
        let workspace = workspace
        let promptText = workbench.prompt.state.buffer.text
        evalsStamp = EvalsStamp.current(in: workspace)
        @Sendable func load() -> (Int, Advice?) { EvalsFeature.readCasesAndAdvice(workspace, promptText: promptText) }
        guard background else {
            let (count, advice) = load()
            return applyStartup(evalCaseCount: count, advice: advice)
        }
        startupJob.start { port in
            let (count, advice) = load()
            port.finish { self.applyStartup(evalCaseCount: count, advice: advice) }
        }
    }

    /// The eval case count and the advisor's reading, once read.
    func applyStartup(evalCaseCount: Int, advice: Advice?) {
        state.evalCaseCount = evalCaseCount
        // A newer reading (an eval finished meanwhile) is not replaced by the startup one.
        if state.lastEvalID == nil { state.advice = advice }
        // A baseline is an eval that checked answers: one whose runs all failed measured nothing.
        state.evalRan = state.advice?.checkedAnything ?? false
        reassess()
    }

    /// The sidebar's position and checklist for the prompt, backend and retrieval now in use.
    func reassess() {
        let composed = workbench.state
        state.assessment = FrameworkAssessment.assess(
            workspace: workspace, promptText: composed.prompt.buffer.text, backend: composed.backend,
            evalCaseCount: state.evalCaseCount, retrievalInUse: composed.context.retrievalEnabled ? nil : false,
            retrievalLabel: "\(composed.retrievalLabel), top \(composed.context.topK)", evalRan: state.evalRan)
    }

    /// In review mode the sidebar assesses what the viewed run used.
    func assess(recorded run: RunRecord, transcript: String) {
        state.assessment = FrameworkAssessment.assess(
            workspace: workspace, promptText: transcript, backend: workbench.state.backend,
            evalCaseCount: state.evalCaseCount, retrievalInUse: run.retrieval != nil, evalRan: state.evalRan)
    }
}
