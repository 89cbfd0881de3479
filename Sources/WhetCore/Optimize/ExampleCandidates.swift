import Foundation

/// Few-shot demonstrations for the prompt axis, bootstrapped as DSPy does from what already works: the expected
/// answers of search cases (`metadata.expected_answer`) first, then the answers of search cells that passed. They
/// come from search cases only — a held-out case's answer in the prompt would be the answer key of the check that
/// judges it — and go into the system message as text, with template braces broken so an example can never add a
/// variable.
public enum ExampleCandidates {
    /// One demonstration: what was asked and a good answer.
    public struct Example: Sendable, Equatable {
        public var input: String
        public var answer: String
    }

    /// The demonstrations available from `cases` (the search cases) and their `results` under the parent, best
    /// first, at most `limit`.
    public static func examples(cases: [EvalCase], results: [EvalResult], limit: Int = 3) -> [Example] {
        func input(_ variables: [String: String]) -> String {
            variables.keys.sorted().map {
                variables.count == 1 ? (variables[$0] ?? "") : "\($0): \(variables[$0] ?? "")"
            }
            .joined(separator: "; ")
        }
        var examples: [Example] = []
        var used = Set<String>()
        for item in cases.sorted(by: { OptimizeSplit.hash($0) < OptimizeSplit.hash($1) }) {
            guard
                let answer = item.metadata["expected_answer"]?.stringValue
                    ?? item.metadata["expected_output"]?.stringValue
            else { continue }
            used.insert(OptimizeSplit.caseID(item))
            examples.append(
                Example(input: input(item.vars.mapValues { $0.stringValue ?? $0.description }), answer: answer))
        }
        let searchIDs = Set(cases.map(OptimizeSplit.caseID))
        let passing = results.filter {
            $0.status == .passed && $0.repeatIndex == 0 && searchIDs.contains(OptimizeSplit.caseID($0))
                && !used.contains(OptimizeSplit.caseID($0)) && !$0.output.isEmpty
        }
        for result in passing.sorted(by: { OptimizeSplit.caseID($0) < OptimizeSplit.caseID($1) }) {
            examples.append(Example(input: input(result.variables), answer: String(result.output.prefix(600))))
        }
        return Array(examples.prefix(limit))
    }

    /// The lines that add `examples` to a system message.
    public static func lines(_ examples: [Example]) -> [String] {
        var lines = ["Examples of good answers:"]
        for example in examples {
            lines.append("Q: " + defused(example.input).replacingOccurrences(of: "\n", with: " "))
            lines.append("A: " + defused(example.answer).replacingOccurrences(of: "\n", with: "\n   "))
        }
        return lines
    }

    /// `text` with `{{`, `{%` and `{#` broken apart, so the template reads it as text.
    static func defused(_ text: String) -> String {
        text.replacingOccurrences(of: "{{", with: "{ {").replacingOccurrences(of: "{%", with: "{ %")
            .replacingOccurrences(of: "{#", with: "{ #")
    }
}
