import Foundation

/// `is-json` (the whole output is JSON, optionally matching a schema given as the value), `contains-json`
/// (some JSON object or array appears in the output, e.g. inside a ```json fence) and `json-schema` (the
/// output's JSON matches a schema given inline or as a file path relative to the workspace).
enum JSONAssertions {
    static func evaluate(_ type: String, value: JSONValue?, output: String, workspaceRoot: String) throws
        -> AssertionResult
    {
        let schema = try schemaValue(value, required: type == "json-schema", workspaceRoot: workspaceRoot)
        let parsed: JSONValue?
        switch type {
        case "is-json": parsed = parse(output.trimmingCharacters(in: .whitespacesAndNewlines))
        default: parsed = parse(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? embeddedJSON(in: output)
        }
        guard let parsed else {
            return AssertionEvaluator.pass(
                false, type,
                type == "is-json" ? "the output is not valid JSON" : "no JSON object or array found in the output")
        }
        guard let schema else { return AssertionEvaluator.pass(true, type, "valid JSON") }
        let problems = JSONSchemaCheck.problems(parsed, against: schema, at: "$")
        return AssertionEvaluator.pass(
            problems.isEmpty, type,
            problems.isEmpty ? "valid JSON matching the schema" : problems.prefix(3).joined(separator: "; "))
    }

    static func parse(_ text: String) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// The first balanced `{…}` or `[…]` in the text that parses.
    static func embeddedJSON(in text: String) -> JSONValue? {
        let characters = Array(text)
        for start in characters.indices where characters[start] == "{" || characters[start] == "[" {
            var depth = 0
            var inString = false
            var escaped = false
            for end in start..<characters.count {
                let character = characters[end]
                if inString {
                    if escaped {
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        inString = false
                    }
                    continue
                }
                if character == "\"" {
                    inString = true
                } else if character == "{" || character == "[" {
                    depth += 1
                } else if character == "}" || character == "]" {
                    depth -= 1
                    if depth == 0 {
                        if let value = parse(String(characters[start...end])) { return value }
                        break
                    }
                }
            }
        }
        return nil
    }

    static func schemaValue(_ value: JSONValue?, required: Bool, workspaceRoot: String) throws -> JSONValue? {
        switch value {
        case .object:
            return value
        case .string(let path):
            let relative = path.hasPrefix("file://") ? String(path.dropFirst(7)) : path
            let url =
                relative.hasPrefix("/")
                ? URL(fileURLWithPath: relative) : URL(fileURLWithPath: workspaceRoot).appendingPathComponent(relative)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw AssertionEvaluator.CannotRun(description: "cannot read the schema file \(relative)")
            }
            guard let schema = try? JSONDecoder().decode(JSONValue.self, from: data), schema.objectValue != nil else {
                throw AssertionEvaluator.CannotRun(description: "the schema file \(relative) is not a JSON object")
            }
            return schema
        case nil, .null?:
            if required {
                throw AssertionEvaluator.CannotRun(
                    description: "json-schema needs a schema: an object or a file path as its value")
            }
            return nil
        default:
            throw AssertionEvaluator.CannotRun(
                description: "a JSON schema must be an object or a file path, found \(value?.description ?? "")")
        }
    }
}

/// The JSON Schema keywords evals use most: type, properties, required, additionalProperties (false),
/// items, enum, const, minimum, maximum, minLength, maxLength, minItems, maxItems, pattern. Other keywords
/// are ignored (documented in docs/evals.md).
enum JSONSchemaCheck {
    static func problems(_ value: JSONValue, against schema: JSONValue, at path: String) -> [String] {
        guard let rules = schema.objectValue else { return [] }
        var problems: [String] = []
        if let type = rules["type"] {
            let allowed = type.arrayValue?.compactMap(\.stringValue) ?? [type.stringValue ?? ""]
            if !allowed.contains(where: { matches(value, type: $0) }) {
                return ["\(path): expected \(allowed.joined(separator: " or ")), found \(EvalFile.kind(value))"]
            }
        }
        if let options = rules["enum"]?.arrayValue, !options.contains(value) {
            problems.append(
                "\(path): \(value.description) is not one of \(options.map(\.description).joined(separator: ", "))")
        }
        if let constant = rules["const"], constant != value {
            problems.append("\(path): expected \(constant.description)")
        }
        if case .number(let number) = value {
            if case .number(let minimum)? = rules["minimum"], number < minimum {
                problems.append("\(path): \(number) < minimum \(minimum)")
            }
            if case .number(let maximum)? = rules["maximum"], number > maximum {
                problems.append("\(path): \(number) > maximum \(maximum)")
            }
        }
        if case .string(let text) = value {
            if case .number(let minimum)? = rules["minLength"], Double(text.count) < minimum {
                problems.append("\(path): shorter than \(Int(minimum))")
            }
            if case .number(let maximum)? = rules["maxLength"], Double(text.count) > maximum {
                problems.append("\(path): longer than \(Int(maximum))")
            }
            if let pattern = rules["pattern"]?.stringValue, let expression = try? Regex(pattern),
                !text.contains(expression)
            {
                problems.append("\(path): does not match \(pattern)")
            }
        }
        if case .object(let object) = value {
            for name in rules["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[name] == nil {
                problems.append("\(path): missing required \"\(name)\"")
            }
            let properties = rules["properties"]?.objectValue ?? [:]
            for (name, child) in object.sorted(by: { $0.key < $1.key }) {
                if let childSchema = properties[name] {
                    problems += Self.problems(child, against: childSchema, at: "\(path).\(name)")
                } else if rules["additionalProperties"] == .bool(false) {
                    problems.append("\(path): unexpected property \"\(name)\"")
                }
            }
        }
        if case .array(let items) = value {
            if case .number(let minimum)? = rules["minItems"], Double(items.count) < minimum {
                problems.append("\(path): fewer than \(Int(minimum)) items")
            }
            if case .number(let maximum)? = rules["maxItems"], Double(items.count) > maximum {
                problems.append("\(path): more than \(Int(maximum)) items")
            }
            if let itemSchema = rules["items"] {
                for (index, item) in items.enumerated() {
                    problems += Self.problems(item, against: itemSchema, at: "\(path)[\(index)]")
                }
            }
        }
        return problems
    }

    static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null),
            ("number", .number):
            return true
        case ("integer", .number(let number)): return number.rounded() == number
        default: return false
        }
    }
}
