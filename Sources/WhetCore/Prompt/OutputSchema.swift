import Foundation
import Yams

/// The shape a prompt's answer must have (Prompty's `outputSchema`): sent as the provider expects (OpenAI's
/// `response_format: json_schema`, Anthropic's forced tool), and every answer is checked against it.
public struct OutputSchema: Sendable, Equatable {
    /// The schema's name (providers require one): the prompt's name, made safe.
    public var name: String
    /// A JSON Schema object.
    public var schema: JSONValue
    /// OpenAI's strict mode (the server guarantees the shape), when the prompt asks for it.
    public var strict: Bool

    /// Reads `outputSchema:` — either a JSON Schema (`type: object, properties: {…}`) or Prompty v2's
    /// `properties:` list of `{name, kind, description, required}` — or nil when the prompt has none.
    static func read(_ node: Node?, promptName: String) -> OutputSchema? {
        guard let mapping = node?.mapping else { return nil }
        let strict = mapping["strict"]?.bool ?? false
        let safeName = String(promptName.map { $0.isLetter || $0.isNumber ? $0 : "_" }.prefix(64))
        if mapping["type"] != nil, let schema = node.map(PromptFile.json), case .object(var fields) = schema {
            fields.removeValue(forKey: "strict")
            return OutputSchema(name: safeName, schema: .object(fields), strict: strict)
        }
        var properties: [String: JSONValue] = [:]
        var required: [JSONValue] = []
        func add(_ name: String, _ detail: Node.Mapping?) {
            var property: [String: JSONValue] = [
                "type": .string(jsonType(detail?["kind"]?.string ?? detail?["type"]?.string ?? "string"))
            ]
            if let description = detail?["description"]?.string { property["description"] = .string(description) }
            if let items = detail?["items"] { property["items"] = PromptFile.json(items) }
            properties[name] = .object(property)
            if detail?["required"]?.bool ?? true { required.append(.string(name)) }
        }
        if let list = mapping["properties"]?.sequence {
            for item in list { if let name = item.mapping?["name"]?.string { add(name, item.mapping) } }
        } else if let map = mapping["properties"]?.mapping {
            for (key, value) in map { if let name = key.string { add(name, value.mapping) } }
        }
        guard !properties.isEmpty else { return nil }
        return OutputSchema(
            name: safeName,
            schema: .object([
                "type": .string("object"), "properties": .object(properties), "required": .array(required),
                "additionalProperties": .bool(false),
            ]), strict: strict)
    }

    /// Prompty's kinds as JSON Schema types.
    static func jsonType(_ kind: String) -> String {
        switch kind.lowercased() {
        case "int", "integer": return "integer"
        case "float", "number", "double": return "number"
        case "bool", "boolean": return "boolean"
        case "array", "list": return "array"
        case "object", "dict": return "object"
        default: return "string"
        }
    }

    /// Whether `output` is JSON of this shape: nil when it conforms, else what is wrong (first three).
    public func problems(in output: String) -> [String] {
        var text = output.trimmingCharacters(in: .whitespacesAndNewlines)
        // A fenced answer (```json … ```) is what many models send even when asked for JSON only.
        if text.hasPrefix("```"), let open = text.firstIndex(of: "\n"), text.hasSuffix("```") {
            text = String(text[text.index(after: open)..<text.index(text.endIndex, offsetBy: -3)])
        }
        guard let value = try? JSONParser.parse(text) else { return ["the answer is not JSON"] }
        return Array(JSONSchemaCheck.problems(value, against: schema, at: "$").prefix(3))
    }
}
