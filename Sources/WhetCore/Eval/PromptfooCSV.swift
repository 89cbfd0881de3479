import Foundation
import SwiftCSV

/// promptfoo's CSV test files: a header of variable names, one test per row. Columns with promptfoo's
/// special names become the test's other parts: `__expected` (and `__expected1`, `__expected2` …) an
/// assertion each, in promptfoo's shorthand (`contains: x`, `icontains: x`, `regex: …`, `python: …`,
/// `javascript: …`, `llm-rubric: …` or `grade: …`, `similar: …`, `is-json`, `not-contains: x`; plain text means
/// `equals`), `__description`, `__threshold`, `__metric` (the metric of its row's assertions), `__prompts`
/// (comma-separated). Other `__` columns are reported, not used.
enum PromptfooCSV {
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
        var tests: [([String: JSONValue], Int)] = []
        for (index, row) in csv.rows.enumerated() {
            var vars: [String: JSONValue] = [:]
            var asserts: [JSONValue] = []
            var test: [String: JSONValue] = [:]
            var metric: String? = nil
            let line = index + 2
            for (column, name) in header.enumerated() {
                let value = column < row.count ? row[column] : ""
                if name.hasPrefix("__expected") {
                    if !value.isEmpty { asserts.append(assertion(value)) }
                } else if name == "__description" {
                    test["description"] = .string(value)
                } else if name == "__threshold", let number = Double(value) {
                    test["threshold"] = .number(number)
                } else if name == "__metric" {
                    metric = value.isEmpty ? nil : value
                } else if name == "__prompts" {
                    test["prompts"] = .array(
                        value.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) })
                } else if name.hasPrefix("__") {
                    throw EvalError.invalidField(
                        SourceLocation(file: displayPath, line: 1), field: name,
                        expected: "a variable name or __expected, __description, __threshold, __metric, __prompts",
                        found: "'\(name)'")
                } else {
                    vars[name] = .string(value)
                }
            }
            if let metric {
                asserts = asserts.map { item in
                    guard var object = item.objectValue else { return item }
                    object["metric"] = .string(metric)
                    return .object(object)
                }
            }
            test["vars"] = .object(vars)
            test["assert"] = .array(asserts)
            tests.append((test, line))
        }
        return tests
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
