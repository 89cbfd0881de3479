// The Eval folder: test cases in promptfoo's shape. They are loaded, validated and listed here; running them
// against backends builds on this.

import Foundation
import Yams

/// One test case: the variables to run the prompt with and the assertions its output must pass.
public struct EvalCase: Sendable, Equatable {
    /// One `assert` entry: a type (contains, icontains, regex, llm-rubric …) and its value, kept as written.
    public struct Assertion: Sendable, Equatable {
        public var type: String
        public var value: JSONValue?
        public var raw: [String: JSONValue]
    }

    /// Where the case is defined.
    public var location: SourceLocation
    /// `description`, if given.
    public var description: String?
    /// `vars`: values for the prompt's variables.
    public var vars: [String: JSONValue]
    /// `assert`: the checks.
    public var assertions: [Assertion]
    /// `metadata`, kept as written.
    public var metadata: [String: JSONValue]
    /// `prompts`: the prompts this case is written for (names or ids); nil: any. A case is never run with a
    /// prompt it does not name, so its variables always mean what its author meant.
    public var prompts: [String]? = nil
    /// `threshold`: the case passes when its weighted score reaches this, even if some assertions failed
    /// (promptfoo's test-level threshold); nil: every assertion that ran must pass.
    public var threshold: Double? = nil
    /// `options.transform` (promptfoo): code that turns the output into what the assertions check.
    public var transform: String? = nil
    /// `options.prefix` / `options.suffix` (promptfoo; a CSV's `__prefix` / `__suffix`): text put before and after
    /// the prompt, here the start and end of its last user message (the question a prefix or suffix is about).
    public var prefix: String? = nil
    public var suffix: String? = nil
    /// `tool_results`: a canned result per tool name. When the answer calls tools, each call is answered with
    /// its tool's result and the conversation goes on, so the assertions check the answer the model gives
    /// with the results in hand (and the tool-call assertions every call it made on the way).
    public var toolResults: [String: String] = [:]

    /// Whether this case may run with `prompt` (its front-matter name or its file's base name).
    public func isFor(_ prompt: PromptFile) -> Bool {
        guard let prompts else { return true }
        let fileName = ((prompt.path as NSString).lastPathComponent as NSString).deletingPathExtension
        return prompts.contains { $0 == prompt.name || $0 == fileName || $0 == prompt.path }
    }
}

/// What can be wrong with an eval file.
public enum EvalError: Diagnosable, Equatable {
    /// A line is not JSON, or not an object.
    case malformedLine(SourceLocation, found: String)
    /// A field has the wrong shape.
    case invalidField(SourceLocation, field: String, expected: String, found: String)
    /// The file does not exist or cannot be read.
    case unreadable(SourceLocation)
    /// There is nothing to evaluate.
    case noCases(String)

    public var diagnosis: Diagnosis {
        switch self {
        case .malformedLine(let at, let found):
            return Diagnosis(at: at, "expected a JSON object on this line, found \(found)")
        case .invalidField(let at, let field, let expected, let found):
            return Diagnosis(at: at, "'\(field)': expected \(expected), found \(found)")
        case .unreadable(let at):
            return Diagnosis(at: at, "cannot read the eval file (does it exist?)")
        case .noCases(let message):
            return Diagnosis(at: nil, message)
        }
    }
}

/// Reads `evals/*.jsonl`: one promptfoo-style case per line, blank lines and `//` comment lines allowed.
public enum EvalFile {
    /// The cases of the file at `url`; the first bad line stops loading with its line number.
    public static func load(_ url: URL, displayPath: String, limits: InputLimits = .standard) throws -> [EvalCase] {
        try read(url, displayPath: displayPath, limits: limits).cases
    }

    /// The cases of the file at `url` and what in it whet does not act on (promptfoo keys it ignores), for
    /// commands that print warnings. A YAML mapping with promptfoo's keys is read as a promptfoo config.
    public static func read(_ url: URL, displayPath: String, limits: InputLimits = .standard) throws -> (
        cases: [EvalCase], warnings: [Warning]
    ) {
        let ext = url.pathExtension.lowercased()
        if ext == "yaml" || ext == "yml",
            let data = try BoundedFile.contents(of: url, displayPath: displayPath, limit: limits.maxFileBytes),
            let text = String(data: data, encoding: .utf8), let root = try? Yams.compose(yaml: text),
            PromptfooConfig.looksLikeConfig(root)
        {
            let config = try PromptfooConfig.load(url, displayPath: displayPath, limits: limits)
            return (config.cases, config.warnings + unknownTypes(config.cases))
        }
        let cases = try loadList(url, displayPath: displayPath, limits: limits)
        return (cases, unknownTypes(cases))
    }

    /// One warning per assertion type whet does not know, at its first case, with the type it most likely
    /// meant (`icontain` → `icontains`): such assertions are reported as not run.
    static func unknownTypes(_ cases: [EvalCase]) -> [Warning] {
        let known = AssertionEvaluator.allTypes
        var seen = Set<String>()
        var warnings: [Warning] = []
        for item in cases {
            for assertion in item.assertions
            where !known.contains(assertion.type) && seen.insert(assertion.type).inserted {
                warnings.append(
                    Warning(
                        "assertion type '\(assertion.type)' is not known to whet"
                            + Suggestion.hint(for: assertion.type, in: known.sorted())
                            + "; those assertions will be reported as not run",
                        at: item.location))
            }
        }
        return warnings
    }

    /// A JSONL file or a YAML list of cases.
    static func loadList(_ url: URL, displayPath: String, limits: InputLimits) throws -> [EvalCase] {
        guard let data = try BoundedFile.contents(of: url, displayPath: displayPath, limit: limits.maxFileBytes) else {
            throw EvalError.unreadable(SourceLocation(file: displayPath))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw EvalError.malformedLine(SourceLocation(file: displayPath), found: "a file that is not UTF-8 text")
        }
        let ext = url.pathExtension.lowercased()
        return ext == "yaml" || ext == "yml"
            ? try parseYAML(text, displayPath: displayPath) : try parse(text, displayPath: displayPath)
    }

    /// Parses JSONL text.
    public static func parse(_ text: String, displayPath: String) throws -> [EvalCase] {
        var cases: [EvalCase] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("//") { continue }
            let location = SourceLocation(file: displayPath, line: index + 1, column: 1)
            let value: JSONValue
            do {
                value = try JSONParser.parse(trimmed)
            } catch let failure as JSONParser.Failure {
                let column = line.utf8.prefix { $0 == 0x20 || $0 == 0x09 }.count + failure.offset + 1
                throw EvalError.malformedLine(
                    SourceLocation(file: displayPath, line: index + 1, column: column),
                    found:
                        "'\(trimmed.prefix(40))\(trimmed.count > 40 ? "…" : "")' (not valid JSON: \(failure.message))")
            }
            guard let object = value.objectValue else {
                throw EvalError.malformedLine(location, found: "a JSON \(kind(value))")
            }
            cases.append(try makeCase(object, at: location))
        }
        return cases
    }

    static func makeCase(_ object: [String: JSONValue], at location: SourceLocation) throws -> EvalCase {
        var vars: [String: JSONValue] = [:]
        if let value = object["vars"] {
            guard let dictionary = value.objectValue else {
                throw EvalError.invalidField(
                    location, field: "vars", expected: "an object", found: "a JSON \(kind(value))")
            }
            vars = dictionary
        }
        var assertions: [EvalCase.Assertion] = []
        if let value = object["assert"] {
            guard let list = value.arrayValue else {
                throw EvalError.invalidField(
                    location, field: "assert", expected: "an array of {\"type\": …}", found: "a JSON \(kind(value))")
            }
            for item in list {
                guard let entry = item.objectValue, let type = entry["type"]?.stringValue else {
                    throw EvalError.invalidField(
                        location, field: "assert", expected: "objects with a string \"type\"", found: item.description)
                }
                assertions.append(EvalCase.Assertion(type: type, value: entry["value"], raw: entry))
            }
        }
        var prompts: [String]? = nil
        if let value = object["prompts"] {
            let names = value.stringValue.map { [$0] } ?? value.arrayValue?.compactMap(\.stringValue)
            guard let names, !names.isEmpty, names.count == (value.arrayValue?.count ?? 1) else {
                throw EvalError.invalidField(
                    location, field: "prompts", expected: "a prompt name or a list of names", found: value.description)
            }
            prompts = names
        }
        var item = EvalCase(
            location: location, description: object["description"]?.stringValue, vars: vars,
            assertions: assertions, metadata: object["metadata"]?.objectValue ?? [:])
        item.prompts = prompts
        if let value = object["transform"] ?? object["options"]?["transform"] {
            guard let code = value.stringValue else {
                throw EvalError.invalidField(
                    location, field: "transform", expected: "JavaScript code or file://PATH", found: value.description)
            }
            item.transform = code
        }
        item.prefix = (object["prefix"] ?? object["options"]?["prefix"])?.stringValue
        item.suffix = (object["suffix"] ?? object["options"]?["suffix"])?.stringValue
        if let value = object["tool_results"] {
            guard let results = value.objectValue, !results.isEmpty else {
                throw EvalError.invalidField(
                    location, field: "tool_results",
                    expected: "an object of tool name → result (text, or JSON given to the model as its text)",
                    found: value.description)
            }
            // Text is given as it is; any other JSON as its JSON text, which is what a tool returns.
            item.toolResults = results.mapValues { $0.stringValue ?? $0.description }
        }
        if let value = object["threshold"] {
            guard case .number(let number) = value else {
                throw EvalError.invalidField(
                    location, field: "threshold", expected: "a number from 0 to 1", found: value.description)
            }
            item.threshold = number
        }
        return item
    }

    static func kind(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

extension Workspace {
    /// The eval files (`evals/*.jsonl`, `*.yaml`, `*.yml`), sorted.
    public func evalFiles() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: evalsDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".jsonl") || $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            .map { evalsDirectory.appendingPathComponent($0) }
    }
}
