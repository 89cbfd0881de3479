import Foundation

/// A run planned from a context session: the session's search, pins and exclusions are what the run places,
/// so what the user saw (the workbench's pane, `whet run`'s summary) and what the run used are one value.
extension RunPlan {
    /// The query retrieval searches for `input`: the `query_variable`'s value, else the rendered user message.
    public static func query(for input: RunInput, in workspace: Workspace) throws -> String {
        let prompt = try loadPrompt(input, in: workspace)
        return try queryText(
            prompt: prompt, variables: prompt.resolveVariables(input.variables), settings: workspace.config.retrieval)
    }

    /// The plan for `input` with `context`'s last search, pins, exclusions and top k (nil retrieval when it
    /// is off for this run). The caller searched first: `ContextSession.search` (the command line) or
    /// `refreshForRun` (the workbench).
    public static func make(_ input: RunInput, in workspace: Workspace, context: ContextSession) throws -> RunPlan {
        var input = input
        input.pinnedChunks = context.pins
        input.excludedChunks = input.excludedChunks.union(context.excluded)
        input.topK = context.topK
        let enabled = (input.retrievalEnabled ?? workspace.config.retrieval.enabled) && context.status != .off
        return try make(input, in: workspace, retrieved: enabled ? context.outcomeForRun : nil)
    }
}

extension ContextSession {
    /// Before a run: the index brought up to date (`bringUpToDate`) and `text` searched again when no model
    /// is involved, so the run uses the index as it is now, not as it was at the last keystroke. A search that
    /// calls a model keeps the outcome shown, which the user is looking at.
    public func refreshForRun(_ text: String) throws {
        guard status.isSearchable else { return }
        try bringUpToDate(unlessCheckedWithin: .zero)
        if !searchNeedsModels { _ = try searchWithoutModels(text) }
    }
}
