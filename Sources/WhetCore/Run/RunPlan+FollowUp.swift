import Foundation

extension RunPlan {
    /// A follow-up turn of a recorded run: its messages, its answer as the assistant's turn, then `text` as
    /// the user's. The context, parameters, output schema and tools stay what they were, so the conversation
    /// goes on exactly where it was; the prompt is the run's (the file's current version, for its name and
    /// hash in the record).
    public static func followUp(
        _ record: RunRecord, with text: String, in workspace: Workspace, backendName: String?
    ) throws -> RunPlan {
        let url = workspace.root.appendingPathComponent(record.prompt.path)
        let prompt = try PromptFile.load(url, displayPath: record.prompt.path, limits: workspace.config.limits)
        let backend = try workspace.config.backend(named: backendName ?? record.backend.name)
        let messages =
            record.messages + [
                ChatMessage(role: .assistant, content: record.output), ChatMessage(role: .user, content: text),
            ]
        let used = record.retrieval?.chunks.filter { $0.citation != nil }.map(\.chunk) ?? []
        var request = ModelRequest(
            messages: messages, parameters: record.parameters,
            grounding: used.isEmpty ? nil : Grounding(query: text, chunks: used), outputSchema: prompt.outputSchema)
        request.tools = prompt.tools
        var plan = RunPlan(
            prompt: prompt, variables: record.variables, retrieval: record.retrieval, messages: messages,
            backend: backend, request: request, warnings: [])
        plan.continues = record.run
        plan.turn = (record.turn ?? 0) + 1
        return plan
    }
}
