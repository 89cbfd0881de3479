/// Joins the pieces of streamed tool calls (an id and name first, the arguments' JSON in fragments, several
/// calls interleaved by index) into whole calls, in the order the model made them. Shared by the run and
/// the response cache, so a cached answer replays the same calls.
struct ToolCallAssembler {
    private var calls: [Int: ToolCall] = [:]

    /// Adds one piece of call `index`.
    mutating func add(index: Int, id: String?, name: String?, arguments: String) {
        var call = calls[index] ?? ToolCall(id: nil, name: "", arguments: "")
        if let id { call.id = id }
        if let name { call.name = name }
        call.arguments += arguments
        calls[index] = call
    }

    /// The calls so far, by index; nil when there were none.
    var assembled: [ToolCall]? { calls.isEmpty ? nil : calls.keys.sorted().compactMap { calls[$0] } }
}
