import Foundation
import Yams

/// How a variable's text becomes what its input declares: typed values (`object`, `array`, `number`,
/// `integer`, `boolean`, `thread`), a thread's messages, and front-matter samples as text.
extension PromptFile {
    /// A thread input's messages: a JSON array of `{role, content}` (content as text, or a list of parts whose
    /// `text` is joined), as chat applications store them, including an assistant's `tool_calls` and the
    /// `tool` messages that answer them (`tool_call_id`).
    static func threadMessages(_ value: JSONValue, input: String, path: String) throws -> [ChatMessage] {
        guard case .array(let items) = value else {
            throw PromptError.invalidInput(
                input, SourceLocation(file: path), expected: "a JSON array of {role, content} messages",
                found: String(value.description.prefix(60)))
        }
        return try items.map { item in
            guard let roleName = item["role"]?.stringValue, let role = ChatMessage.Role(rawValue: roleName) else {
                throw PromptError.invalidInput(
                    input, SourceLocation(file: path), expected: "messages with role system, user, assistant or tool",
                    found: String(item.description.prefix(60)))
            }
            let content: String
            switch item["content"] {
            case .string(let text)?: content = text
            case .array(let parts)?: content = parts.compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
            default: content = ""
            }
            let calls = item["tool_calls"]?.arrayValue?.compactMap { call -> ToolCall? in
                guard let name = call["function"]?["name"]?.stringValue else { return nil }
                let arguments = call["function"]?["arguments"]
                return ToolCall(
                    id: call["id"]?.stringValue, name: name,
                    arguments: arguments?.stringValue ?? arguments?.description ?? "{}")
            }
            return ChatMessage(
                role: role, content: content, toolCalls: calls?.isEmpty == false ? calls : nil,
                toolCallID: item["tool_call_id"]?.stringValue)
        }
    }

    /// `value` read as the kind its input declares, and what is wrong when it does not fit: the value is then
    /// given to the template as it is (the JSON it holds, or the text), as Prompty's runtime gives it, never
    /// refused here. A thread with no messages (empty text, `{}`, `null`) is an empty conversation.
    static func typedValue(_ value: String, kind: InputKind) -> (value: JSONValue, problem: String?) {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        let json = try? JSONParser.parse(trimmed)
        let shown = "'\(trimmed.prefix(40))'"
        switch kind {
        case .thread:
            switch json {
            case .array?: return (json ?? .array([]), nil)
            case .object(let members)? where members.isEmpty: return (.array([]), nil)
            case .null?: return (.array([]), nil)
            case nil where trimmed.isEmpty: return (.array([]), nil)
            default: return (json ?? .string(value), "not a JSON array of messages")
            }
        case .object, .array:
            switch (kind, json) {
            case (.object, .object?), (.array, .array?): return (json ?? .null, nil)
            case (_, .object?): return (json ?? .null, "a JSON object")
            case (_, .array?): return (json ?? .null, "a JSON array")
            default: return (.string(value), "\(shown), not JSON")
            }
        case .number, .integer:
            guard let number = Double(trimmed) else { return (.string(value), "\(shown), not a number") }
            if kind == .integer, number.rounded() != number {
                return (.number(number), "\(shown), not a whole number")
            }
            return (.number(number), nil)
        case .boolean:
            switch trimmed.lowercased() {
            case "true", "yes", "1": return (.bool(true), nil)
            case "false", "no", "0": return (.bool(false), nil)
            default: return (.string(value), "\(shown), not true or false")
            }
        case .string, .other: return (.string(value), nil)
        }
    }

    /// A sample or default from the front matter as variable text: strings as they are, anything else as JSON.
    static func sampleText(_ node: Node) -> String {
        let value = json(node)
        if case .string(let text) = value { return text }
        return value.description
    }

    /// The variable values to use: declared samples, overridden by what the user passed.
    public func resolveVariables(_ given: [String: String]) -> [String: String] {
        var values: [String: String] = [:]
        for input in inputs { if let sample = input.sample { values[input.name] = sample } }
        return values.merging(given) { _, new in new }
    }
}
