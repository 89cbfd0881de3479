import Foundation
import WhetCore

/// Following evals other processes run (`whet eval` in another terminal, a CI job writing into the same
/// workspace) and eval case files changing. The stamp of the newest results file and of the case files is
/// compared once a second; when it moved, the eval cases and the advisor's reading are read again in the
/// background, so the sidebar's count, checklist and advice are those of the workspace as it is.
extension EvalsFeature {
    /// Compares the newest results file with the one last seen; reads the advisor again when it moved. An eval
    /// this workbench runs updates the sidebar itself, so nothing is read while one runs.
    func followOtherEvals() {
        let stamp = EvalsStamp.current(in: workspace)
        guard stamp != evalsStamp else { return }
        evalsStamp = stamp
        guard !evalJob.isBusy else { return }
        let workspace = workspace
        let promptText = workbench.prompt.state.buffer.text
        followJob.start { port in
            let (count, advice) = EvalsFeature.readCasesAndAdvice(workspace, promptText: promptText)
            port.finish { self.applyFollowed(evalCaseCount: count, advice: advice) }
        }
    }

    /// The eval cases and the advisor's reading of the newest results (nil advice: no eval yet).
    nonisolated static func readCasesAndAdvice(_ workspace: Workspace, promptText: String) -> (Int, Advice?) {
        let count = workspace.evalFiles().reduce(0) { count, url in
            count + ((try? EvalFile.load(url, displayPath: url.path, limits: workspace.config.limits))?.count ?? 0)
        }
        let advice =
            Advisor.latestResults(in: workspace) != nil
            ? try? Advisor.advise(workspace: workspace, promptText: promptText) : nil
        return (count, advice)
    }

    /// Another process's eval, read: its reading replaces the sidebar's (it is the newest eval).
    private func applyFollowed(evalCaseCount: Int, advice: Advice?) {
        guard !evalJob.isBusy else { return }
        state.evalCaseCount = evalCaseCount
        if let advice {
            state.advice = advice
            state.evalRan = advice.checkedAnything
        }
        reassess()
    }
}
