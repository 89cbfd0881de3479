import Foundation
import SwiftCSV

/// promptfoo's CSV test files: a header of variable names, one test per row. Columns with promptfoo's
/// special names become the test's other parts, as promptfoo reads them: `__expected` (and `__expected1`,
/// `__expected2` …) an assertion each, in promptfoo's shorthand (`contains: x`, `icontains: x`, `regex: …`,
/// `python: …`, `javascript: …`, `llm-rubric: …` or `grade: …`, `similar: …`, `is-json`, `not-contains: x`; plain
/// text means `equals`), `__description`, `__threshold`, `__metric` (the metric of its row's assertions),
/// `__prefix` / `__suffix` (text around the prompt), `__metadata:KEY` (`__metadata:KEY[]` a comma-separated list,
/// `\,` a literal comma), `__config:__expected:KEY` / `__config:__expectedN:KEY` (a field of every assertion, or of
/// the Nth), `__prompts` (comma-separated). Any other `__` column is an error naming it.
enum PromptfooCSV {
    /// The special columns, for the error that names an unknown one.
    static let special =
        "a variable name or __expected[N], __description, __threshold, __metric, __prefix, __suffix, __metadata:KEY, __config:__expected[N]:KEY, __prompts"

    /// Each row as a test object (vars, assert, description …) with its line.
    static func tests(_ text: String, displayPath: String) throws -> [([String: JSONValue], Int)] {
        let csv: CSV<Enumerated>
        do {
            csv = try CSV<Enumerated>(string: text, delimiter: .comma, loadColumns: false)
        } catch {
            throw EvalError.malformedLine(
                SourceLocation(file: displayPath), found: "CSV that does not parse (\(error))")
        }
        let header = csv.header
        for name in header where name.hasPrefix("__") && column(name) == nil {
            throw EvalError.invalidField(
                SourceLocation(file: displayPath, line: 1), field: name, expected: special, found: "'\(name)'")
        }
        var tests: [([String: JSONValue], Int)] = []
        for (index, row) in csv.rows.enumerated() {
            var vars: [String: JSONValue] = [:]
            var asserts: [(column: String, assertion: JSONValue)] = []
            var configs: [(column: String, key: String, value: JSONValue)] = []
            var test: [String: JSONValue] = [:]
            var metadata: [String: JSONValue] = [:]
            var options: [String: JSONValue] = [:]
            var metric: String? = nil
            let line = index + 2
            for (position, name) in header.enumerated() {
                let value = position < row.count ? row[position] : ""
                switch column(name) {
                case .expected(let column)?:
                    if !value.isEmpty { asserts.append((column, assertion(value))) }
                case .description?: test["description"] = .string(value)
                case .threshold?: if let number = Double(value) { test["threshold"] = .number(number) }
                case .metric?: metric = value.isEmpty ? nil : value
                case .prefix?: if !value.isEmpty { options["prefix"] = .string(value) }
                case .suffix?: if !value.isEmpty { options["suffix"] = .string(value) }
                case .metadata(let key, let list)?:
                    guard !value.isEmpty else { continue }
                    metadata[key] = list ? .array(listItems(value).map { .string($0) }) : .string(value)
                case .config(let column, let key)?:
                    if !value.isEmpty { configs.append((column, key, scalar(value))) }
                case .prompts?:
                    test["prompts"] = .array(
                        value.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) })
                case .ignored?: continue
                case nil: vars[name] = .string(value)
                }
            }
            let assertions = asserts.map { item -> JSONValue in
                guard var object = item.assertion.objectValue else { return item.assertion }
                if let metric { object["metric"] = .string(metric) }
                for config in configs where config.column == "__expected" || config.column == item.column {
                    object[config.key] = config.value
                }
                return .object(object)
            }
            test["vars"] = .object(vars)
            test["assert"] = .array(assertions)
            if !metadata.isEmpty { test["metadata"] = .object(metadata) }
            if !options.isEmpty { test["options"] = .object(options) }
            tests.append((test, line))
        }
        return tests
    }

    /// What a special column is.
    enum Column: Equatable {
        case expected(String), description, threshold, metric, prefix, suffix, prompts
        /// `__metadata` without a key: promptfoo ignores it too.
        case ignored
        case metadata(key: String, list: Bool)
        case config(column: String, key: String)
    }

    /// The special column `name` is, or nil for a variable (or an unknown `__` column, which is an error).
    static func column(_ name: String) -> Column? {
        switch name {
        case "__description": return .description
        case "__threshold": return .threshold
        case "__metric": return .metric
        case "__prefix": return .prefix
        case "__suffix": return .suffix
        case "__prompts": return .prompts
        case "__metadata": return .ignored
        default: break
        }
        if name.hasPrefix("__expected"), name.dropFirst("__expected".count).allSatisfy(\.isNumber) {
            return .expected(name)
        }
        if name.hasPrefix("__metadata:"), name.count > "__metadata:".count {
            let key = name.dropFirst("__metadata:".count)
            return key.hasSuffix("[]")
                ? .metadata(key: String(key.dropLast(2)), list: true) : .metadata(key: String(key), list: false)
        }
        if name.hasPrefix("__config:") {
            let parts = name.dropFirst("__config:".count).split(separator: ":", maxSplits: 1).map(String.init)
            if parts.count == 2, case .expected? = column(parts[0]), !parts[1].isEmpty {
                return .config(column: parts[0], key: parts[1])
            }
        }
        return nil
    }

    /// `a,b\,c` → ["a", "b,c"], each trimmed.
    static func listItems(_ text: String) -> [String] {
        var items: [String] = []
        var current = ""
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "," {
                items.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(character)
            }
        }
        items.append(current.trimmingCharacters(in: .whitespaces))
        return items.filter { !$0.isEmpty }
    }

    /// A config cell as promptfoo types it: a number or boolean when it is one, else text.
    static func scalar(_ text: String) -> JSONValue {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let number = Double(trimmed) { return .number(number) }
        if trimmed == "true" || trimmed == "false" { return .bool(trimmed == "true") }
        return .string(text)
    }

    /// `contains: x` → {"type": "contains", "value": "x"}; plain text → equals.
    static func assertion(_ text: String) -> JSONValue {
        let shorthand: [(prefix: String, type: String)] = [
            ("not-contains:", "not-contains"), ("contains-any:", "contains-any"), ("contains-all:", "contains-all"),
            ("icontains:", "icontains"), ("contains:", "contains"), ("starts-with:", "starts-with"),
            ("regex:", "regex"),
            ("python:", "python"), ("javascript:", "javascript"), ("fn:", "javascript"), ("eval:", "javascript"),
            ("llm-rubric:", "llm-rubric"), ("grade:", "llm-rubric"), ("similar:", "similar"), ("equals:", "equals"),
            ("levenshtein:", "levenshtein"),
        ]
        for (prefix, type) in shorthand where text.hasPrefix(prefix) {
            let value = text.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
            if type == "contains-any" || type == "contains-all" {
                return .object([
                    "type": .string(type),
                    "value": .array(
                        value.split(separator: ",").map {
                            .string($0.trimmingCharacters(in: .whitespaces))
                        }),
                ])
            }
            return .object(["type": .string(type), "value": .string(value)])
        }
        if text == "is-json" || text == "contains-json" { return .object(["type": .string(text)]) }
        return .object(["type": .string("equals"), "value": .string(text)])
    }
}
