import Foundation

/// Few-shot demonstrations for the prompt axis, bootstrapped as DSPy does from what already works: the expected
/// answers of search cases (`metadata.expected_answer`) first, then runs of the prompt a person rated good (or
/// corrected), then the answers of search cells that passed. They come from search cases only (a rated run that
/// asked what a held-out case asks is left out) — a held-out case's answer in the prompt would be the answer key of the check that
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
    /// `rated` are the rated runs' demonstrations (`ratedRuns`), placed after the expected answers.
    public static func examples(cases: [EvalCase], results: [EvalResult], rated: [Example] = [], limit: Int = 3)
        -> [Example]
    {
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
        examples += rated.filter { example in !examples.contains { $0.input == example.input } }
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

    /// Runs of the prompt at `promptPath` that a person rated good (whole answers: not cancelled, no error) or
    /// corrected, in every session, as demonstrations; a run whose input is a held-out case's input is left out.
    public static func ratedRuns(in workspace: Workspace, promptPath: String, heldOut: [EvalCase]) -> [Example] {
        let excluded = Set(heldOut.map { input($0.vars.mapValues { $0.stringValue ?? $0.description }) })
        let store = SessionStore(workspace: workspace)
        var examples: [Example] = []
        for id in store.ids() {
            let ratings = store.ratings(id).byRun
            for record in store.log(id).read().records where record.prompt.path == promptPath {
                guard let rating = ratings[record.id], record.continues == nil else { continue }
                let variables = record.variables.filter { !RunPlan.retrievalVariables.contains($0.key) }
                let asked = input(variables)
                guard !asked.isEmpty, !excluded.contains(asked) else { continue }
                if let corrected = rating.corrected {
                    examples.append(Example(input: asked, answer: String(corrected.prefix(600))))
                } else if rating.verdict == .good, record.error == nil, record.finishReason != .cancelled,
                    !record.output.isEmpty
                {
                    examples.append(Example(input: asked, answer: String(record.output.prefix(600))))
                }
            }
        }
        return examples
    }

    /// What a demonstration says was asked: the one variable's value, or `name: value` pairs in name order —
    /// one spelling for cases, cells and rated runs, so the same question is recognised from any of them.
    static func input(_ variables: [String: String]) -> String {
        variables.keys.sorted().map {
            variables.count == 1 ? (variables[$0] ?? "") : "\($0): \(variables[$0] ?? "")"
        }
        .joined(separator: "; ")
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
