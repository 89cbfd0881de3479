import Foundation

/// A thread input's value as the text whet keeps it in (a JSON array of messages in the shape chat
/// applications store: `{role, content}`, an assistant's `tool_calls` in OpenAI's form, a result's
/// `tool_call_id`), read into messages and written back, so the workbench can edit a conversation as messages
/// while `--var`, eval `vars` and run records keep the same text.
public enum ThreadValue {
    /// The messages `text` holds; an empty value is an empty conversation.
    public static func messages(from text: String, input: String) throws -> [ChatMessage] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return [] }
        guard let json = try? JSONParser.parse(trimmed) else {
            throw PromptError.invalidInput(
                input, SourceLocation(file: input), expected: "a JSON array of {role, content} messages",
                found: String(trimmed.prefix(60)))
        }
        return try PromptFile.threadMessages(json, input: input, path: input)
    }

    /// The messages as that JSON text, one message per line so a diff of two threads reads well.
    public static func text(_ messages: [ChatMessage]) -> String {
        let lines = messages.map { message -> String in
            var object: [String: JSONValue] = [
                "role": .string(message.role.rawValue), "content": .string(message.content),
            ]
            if let calls = message.toolCalls, !calls.isEmpty {
                object["tool_calls"] = .array(
                    calls.map { call in
                        var entry: [String: JSONValue] = [
                            "type": .string("function"),
                            "function": .object(["name": .string(call.name), "arguments": .string(call.arguments)]),
                        ]
                        if let id = call.id { entry["id"] = .string(id) }
                        return .object(entry)
                    })
            }
            if let id = message.toolCallID { object["tool_call_id"] = .string(id) }
            return JSONValue.object(object).description
        }
        return "[" + lines.joined(separator: ",\n ") + "]"
    }
}
