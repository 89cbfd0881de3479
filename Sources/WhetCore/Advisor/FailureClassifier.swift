import Foundation

/// Why an eval case failed, in the framework's terms: what to optimise next.
public enum FailureClass: String, Sendable, Codable, CaseIterable {
    /// The expected facts are missing from the answer and from the retrieved context: the model never saw
    /// them. Context optimisation (retrieval) is the move.
    case knowledge
    /// The facts were in the context but the answer missed or contradicted them. Prompt engineering first,
    /// fine-tuning if it persists across prompt variants.
    case grounding
    /// Format, schema, length or instruction failures with the knowledge present. Prompt engineering (explicit
    /// format, examples); fine-tuning if it persists and examples are plentiful.
    case behaviour
    /// Not enough evidence to tell.
    case unknown
}

/// One failed cell with its class and the evidence for it.
public struct ClassifiedFailure: Sendable, Equatable, Codable {
    public var label: String
    public var variant: String
    public var promptHash: String
    public var failureClass: FailureClass
    /// What was checked: which facts were missing where, which assertions failed.
    public var evidence: String

    enum CodingKeys: String, CodingKey {
        case label, variant, evidence
        case promptHash = "prompt_hash"
        case failureClass = "class"
    }
}

/// Classifies failed eval cells from what the results hold: the expected facts (content assertions and
/// `metadata.expected_facts`), the answer, and the retrieved context. Rules and thresholds: docs/advisor.md.
public enum FailureClassifier {
    /// Assertions about the answer's form rather than its knowledge.
    public static let formatTypes: Set<String> = Set(
        [AssertionType.isJSON, .containsJSON, .jsonSchema, .startsWith, .regex, .levenshtein, .notContains, .equals]
            .map(\.rawValue))
    /// Assertions that name facts the answer should contain.
    public static let factTypes: Set<String> = Set(
        [AssertionType.contains, .icontains, .containsAll, .containsAny, .contextRecall].map(\.rawValue))

    /// The class of one failed (or errored) cell; `expectedFacts` comes from the case's metadata.
    public static func classify(_ result: EvalResult, expectedFacts: [String] = []) -> ClassifiedFailure {
        func make(_ type: FailureClass, _ evidence: String) -> ClassifiedFailure {
            ClassifiedFailure(
                label: result.label, variant: result.variant, promptHash: result.prompt.hash, failureClass: type,
                evidence: evidence)
        }
        if let error = result.error { return make(.unknown, "the run failed: \(error.prefix(120))") }
        let failed = result.assertions.filter { $0.status == .failed }
        let failedTypes = Set(failed.map { baseType($0.type) })
        let answer = result.output.lowercased()
        let context = (result.retrieval?.chunks.filter { $0.citation != nil }.map { $0.chunk.text } ?? []).joined(
            separator: "\n"
        ).lowercased()

        // Facts: the metadata's, and those named by fact assertions that failed (a fact assertion that
        // passed needs no explaining).
        var groups: [[String]] = expectedFacts.map { [$0] }
        for assertion in failed where factTypes.contains(baseType(assertion.type)) {
            groups += factGroups(assertion)
        }
        let missingFromAnswer = groups.filter { group in !group.contains { answer.contains($0.lowercased()) } }
        let missingFromContext = missingFromAnswer.filter { group in
            !group.contains { context.contains($0.lowercased()) }
        }

        if failedTypes.contains("context-recall") || !missingFromContext.isEmpty {
            let facts = (missingFromContext.isEmpty ? missingFromAnswer : missingFromContext).map {
                $0.joined(separator: " | ")
            }
            return make(
                .knowledge,
                "not in the answer nor in the retrieved context: \(facts.prefix(3).map { "\"\($0)\"" }.joined(separator: ", "))"
                    + (result.retrieval == nil ? " (retrieval was off)" : ""))
        }
        if !missingFromAnswer.isEmpty || failedTypes.contains("context-faithfulness") {
            let facts = missingFromAnswer.map { $0.joined(separator: " | ") }
            return make(
                .grounding,
                facts.isEmpty
                    ? "the grader found claims the context does not support"
                    : "in the retrieved context but not in the answer: \(facts.prefix(3).map { "\"\($0)\"" }.joined(separator: ", "))"
            )
        }
        if !failedTypes.isEmpty, failedTypes.isSubset(of: formatTypes) {
            return make(
                .behaviour,
                "form failed with the facts present: "
                    + failed.prefix(2).map { "\($0.type): \($0.reason)" }.joined(separator: "; "))
        }
        let what = failed.map(\.type).joined(separator: ", ")
        return make(
            .unknown,
            "\(what.isEmpty ? "no assertion failed" : what) failed; no expected facts to check the answer and context against"
        )
    }

    static func baseType(_ type: String) -> String {
        type.hasPrefix("not-") && type != "not-contains" ? String(type.dropFirst(4)) : type
    }

    /// Each fact as a group of acceptable spellings: contains-any is one group of alternatives, the others
    /// one group per fact.
    static func factGroups(_ result: AssertionResult) -> [[String]] {
        let expected = result.expected ?? []
        if baseType(result.type) == "contains-any" { return expected.isEmpty ? [] : [expected] }
        return expected.map { [$0] }
    }
}
