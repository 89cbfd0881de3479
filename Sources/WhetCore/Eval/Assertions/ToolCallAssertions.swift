import Foundation

/// Assertions on the calls the model made to the prompt's tools: `is-valid-openai-tools-call` (at least one
/// call, every call to a declared tool, its arguments JSON that fits the tool's parameters) and `tool-call`
/// (a call to the named tool; with `{name, arguments}`, arguments that include the given values).
enum ToolCallAssertions {
    static func evaluate(_ type: String, value: JSONValue?, context: AssertionContext) throws -> AssertionResult {
        let calls = context.toolCalls
        switch type {
        case "is-valid-openai-tools-call":
            guard !context.tools.isEmpty else {
                throw AssertionEvaluator.CannotRun(description: "the prompt declares no tools")
            }
            guard !calls.isEmpty else { return AssertionEvaluator.pass(false, type, "the model called no tool") }
            for call in calls {
                guard let tool = context.tools.first(where: { $0.name == call.name }) else {
                    return AssertionEvaluator.pass(false, type, "'\(call.name)' is not one of the prompt's tools")
                }
                guard let arguments = try? JSONParser.parse(call.arguments) else {
                    return AssertionEvaluator.pass(false, type, "the arguments of '\(call.name)' are not JSON")
                }
                let problems = JSONSchemaCheck.problems(arguments, against: tool.parameters, at: "$")
                if let first = problems.first {
                    return AssertionEvaluator.pass(false, type, "\(call.name): \(first)")
                }
            }
            return AssertionEvaluator.pass(
                true, type, "\(calls.map(\.name).joined(separator: ", ")) called with valid arguments")
        default:  // tool-call
            let wantedName = value?.stringValue ?? value?["name"]?.stringValue
            let wantedArguments = value?["arguments"]?.objectValue ?? [:]
            guard let wantedName else {
                throw AssertionEvaluator.CannotRun(description: "tool-call needs a tool name, or {name, arguments}")
            }
            let matching = calls.filter { $0.name == wantedName }
            guard !matching.isEmpty else {
                let made = calls.isEmpty ? "no tool" : calls.map(\.name).joined(separator: ", ")
                return AssertionEvaluator.pass(
                    false, type, "expected a call to '\(wantedName)'; the model called \(made)")
            }
            let fits = matching.contains { call in
                guard let arguments = (try? JSONParser.parse(call.arguments))?.objectValue else {
                    return wantedArguments.isEmpty
                }
                return wantedArguments.allSatisfy { arguments[$0.key] == $0.value }
            }
            return AssertionEvaluator.pass(
                fits, type,
                fits
                    ? "'\(wantedName)' called" + (wantedArguments.isEmpty ? "" : " with the expected arguments")
                    : "'\(wantedName)' called, but not with \(JSONValue.object(wantedArguments).description)")
        }
    }
}
