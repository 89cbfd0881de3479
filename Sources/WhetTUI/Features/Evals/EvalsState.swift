import WhetCore

/// The evals feature's slice: what the advisor read from the latest eval, the sidebar's assessment, the eval
/// and optimisation in progress, and the fine-tuning dataset shown.
public struct EvalsState: Sendable {
    /// The advisor's reading of the latest eval results (nil before any eval ran).
    public var advice: Advice?
    public var assessment: FrameworkAssessment
    public var evalCaseCount = 0
    /// Whether any eval has results (the checklist's baseline is ticked only then).
    public var evalRan = false
    /// The fine-tuning dataset shown by `:finetune`, before it is written.
    public var dataset: FineTuningExporter.Prepared?
    /// `eval done/total` while an eval started from the UI runs.
    public var evalProgress: String?
    /// The id of the eval `:eval` ran last: the results view and the advisor show that one.
    public var lastEvalID: String?
    /// What the candidate being scored is while `:optimize` runs.
    public var optimizeProgress: String?
    /// The prompt the last `:optimize` proposed (for the prompt named), until `:optimize adopt` loads it.
    public var optimizedPrompt: (prompt: String, text: String)?
}
