import Foundation
import Yams

/// A function the model may call, declared in the prompt's `tools:` as OpenAI's function schema
/// (`{type: function, function: {name, description, parameters}}`, or the inner object alone).
public struct ToolDefinition: Sendable, Equatable {
    public var name: String
    public var description: String?
    /// A JSON Schema of the arguments.
    public var parameters: JSONValue

    /// The tools of `tools:` (a list); entries without a name are left out with a warning.
    static func read(_ node: Node?, path: String) -> (tools: [ToolDefinition], warnings: [Warning]) {
        var tools: [ToolDefinition] = []
        var warnings: [Warning] = []
        for item in node?.sequence ?? [] {
            let function = item.mapping?["function"]?.mapping ?? item.mapping
            guard let name = function?["name"]?.string, !name.isEmpty else {
                warnings.append(
                    Warning(
                        "a tool without a name is left out (expected {type: function, function: {name, parameters}})",
                        at: SourceLocation(file: path, line: (item.mark?.line ?? 0) + 2, column: 1)))
                continue
            }
            tools.append(
                ToolDefinition(
                    name: name, description: function?["description"]?.string,
                    parameters: function?["parameters"].map(PromptFile.json)
                        ?? .object(["type": .string("object"), "properties": .object([:])])))
        }
        return (tools, warnings)
    }
}

/// A call the model made to a declared tool: its arguments as the JSON text the model wrote (streamed in
/// pieces and joined).
public struct ToolCall: Sendable, Equatable, Codable {
    public var id: String?
    public var name: String
    public var arguments: String

    public init(id: String?, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }

    /// The arguments pretty-printed when they are JSON, else as written.
    public var prettyArguments: String {
        guard let value = try? JSONParser.parse(arguments),
            let data = try? JSONSerialization.data(
                withJSONObject: WireJSON.foundation(value), options: [.prettyPrinted, .sortedKeys, .fragmentsAllowed])
        else { return arguments }
        return String(decoding: data, as: UTF8.self)
    }
}
