// The Advisor folder: where the workspace stands in the optimisation framework (context × behaviour) and
// what to try next. Today the position comes from configuration and the checklist from the prompt's text;
// eval evidence plugs in through `evidence` without changing the sidebar that shows it.

import Foundation

/// The four regions of the framework: context optimisation (RAG) up, LLM optimisation (fine-tuning) right.
public enum FrameworkRegion: String, Sendable, Equatable, CaseIterable {
    case promptEngineering = "prompt engineering"
    case retrieval = "RAG"
    case fineTuning = "fine-tuning"
    case retrievalAndFineTuning = "RAG + fine-tuning"
}

/// One item of the prompt-engineering checklist, ticked from what the workspace actually contains.
public struct ChecklistItem: Sendable, Equatable {
    /// Short label (fits a narrow sidebar).
    public var label: String
    /// Whether the workspace shows it.
    public var done: Bool
    /// What to do when it is not done.
    public var hint: String
}

/// Where the workspace is and what to do next, with the evidence behind it.
public struct FrameworkAssessment: Sendable, Equatable {
    /// The current region.
    public var region: FrameworkRegion
    /// The prompt-engineering checklist.
    public var checklist: [ChecklistItem]
    /// One sentence: the recommended next move.
    public var nextStep: String
    /// Lines of evidence for the recommendation (configuration facts now; eval results later).
    public var evidence: [String]

    /// Assesses a workspace from its configuration, the current prompt's text and its eval files.
    /// `retrievalInUse` overrides the configuration (a recorded run knows whether it retrieved);
    /// `retrievalLabel` says what retrieval is in use when it is not the configured one (`hybrid, top 7`
    /// after the user switched in the workbench); `evalRan`: whether any eval has results (a baseline is
    /// measured, not merely planned).
    public static func assess(
        workspace: Workspace, promptText: String, backend: BackendConfig?, evalCaseCount: Int,
        retrievalInUse: Bool? = nil, retrievalLabel: String? = nil, evalRan: Bool = false
    ) -> FrameworkAssessment {
        let usesRetrieval =
            retrievalInUse
            ?? (workspace.config.retrieval.enabled
                && (promptText.contains("{{context}}") || promptText.contains("{{ context }}")
                    || promptText.contains(" in chunks")))
        let model = backend?.model ?? ""
        let fineTuned = model.hasPrefix("ft:") || model.contains(":ft-") || model.contains("fine-tuned")
        let region: FrameworkRegion =
            switch (usesRetrieval, fineTuned) {
            case (true, true): .retrievalAndFineTuning
            case (true, false): .retrieval
            case (false, true): .fineTuning
            case (false, false): .promptEngineering
            }
        let checklist = promptChecklist(promptText, evalCaseCount: evalCaseCount, evalRan: evalRan)
        let configured = "\(workspace.config.retrieval.method), top \(workspace.config.retrieval.topK)"
        var evidence = [
            "retrieval \(usesRetrieval ? "on (\(retrievalLabel ?? configured))" : "off")",
            "model \(model.isEmpty ? "?" : model)\(fineTuned ? " (fine-tuned)" : "")",
        ]
        evidence.append("\(evalCaseCount) eval case\(evalCaseCount == 1 ? "" : "s")")
        let next: String
        if let missing = checklist.first(where: { !$0.done }) {
            next = missing.hint
        } else if !usesRetrieval {
            next = "Run the evals; if answers lack facts, turn on retrieval (RAG)."
        } else {
            next = "Run the evals; failures with facts present point to prompting, then fine-tuning."
        }
        return FrameworkAssessment(region: region, checklist: checklist, nextStep: next, evidence: evidence)
    }

    /// Ticks the checklist from the prompt's text (`PromptTraits`): clear instructions, steps, room to think,
    /// examples, and an eval baseline (ticked once an eval has checked answers — cases alone are a plan, and an
    /// eval whose runs all failed measured nothing; `evalRan` is `EvalVerdict.checkedAnything` of the latest).
    public static func promptChecklist(_ text: String, evalCaseCount: Int, evalRan: Bool = false) -> [ChecklistItem] {
        let traits = PromptTraits(text)
        return [
            ChecklistItem(
                label: "clear instructions", done: traits.clearInstructions,
                hint: "Write a system message that states the task, the audience and the format."),
            ChecklistItem(
                label: "task in steps", done: traits.steps,
                hint: "Split the task into numbered steps the model follows in order."),
            ChecklistItem(
                label: "room to think", done: traits.roomToThink,
                hint: "Give the model time to think: ask it to reason before it answers."),
            ChecklistItem(
                label: "examples", done: traits.examples,
                hint: "Add one or two examples (few-shot) of the answer you want."),
            ChecklistItem(
                label: "eval baseline", done: evalCaseCount > 0 && evalRan,
                hint: evalCaseCount > 0
                    ? "Run the evals (:eval, or whet eval) to measure a baseline before changing more."
                    : "Add eval cases in evals/*.jsonl to measure a baseline before changing more."),
        ]
    }
}
