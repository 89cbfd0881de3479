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

extension RunPlan {
    /// The next turn after an answer that called tools: the answer (its text and its calls) as the
    /// assistant's turn, then one `tool` message per call carrying `results[call.name]`. Calls without an id
    /// get one here, so the call and its result name each other on both wire formats. The caller checks that
    /// every call's tool has a result.
    public func answering(_ calls: [ToolCall], output: String, with results: [String: String]) -> RunPlan {
        let identified = calls.enumerated().map { index, call in
            ToolCall(id: call.id ?? "call_\(turn ?? 0)_\(index)", name: call.name, arguments: call.arguments)
        }
        var next = self
        next.request.messages.append(ChatMessage(role: .assistant, content: output, toolCalls: identified))
        for call in identified {
            next.request.messages.append(
                ChatMessage(role: .tool, content: results[call.name] ?? "", toolCallID: call.id))
        }
        next.messages = next.request.messages
        next.turn = (turn ?? 0) + 1
        return next
    }
}

extension RunPlan {
    /// promptfoo's `prefix` / `suffix` (a test's options, a CSV's `__prefix` / `__suffix`) put around the prompt:
    /// at the start and end of its last user message, the question they are written about (the last message of
    /// any role when none is the user's).
    public mutating func surround(prefix: String?, suffix: String?) {
        guard prefix != nil || suffix != nil, !messages.isEmpty else { return }
        let index = messages.lastIndex { $0.role == .user } ?? messages.count - 1
        messages[index].content = (prefix ?? "") + messages[index].content + (suffix ?? "")
        request.messages = messages
    }
}
