/// Every assertion type whet evaluates, as one list: the evaluator switches over it, `whet evals` and case
/// loading warn about names outside it (with the closest one as a suggestion), and the advisor's classes are
/// sets of it — so the known types cannot drift apart. A name that is not here (`AssertionType(rawValue:)` is
/// nil) is unknown: reported by `whet evals` and `whet eval`, and the assertion counts as not run.
public enum AssertionType: String, Sendable, CaseIterable, Hashable {
    case equals
    case contains, icontains
    case notContains = "not-contains"
    case containsAny = "contains-any"
    case containsAll = "contains-all"
    case startsWith = "starts-with"
    case regex
    case isJSON = "is-json"
    case containsJSON = "contains-json"
    case jsonSchema = "json-schema"
    case isValidOpenAIToolsCall = "is-valid-openai-tools-call"
    case toolCall = "tool-call"
    case levenshtein, latency, cost, similar
    case llmRubric = "llm-rubric"
    case answerRelevance = "answer-relevance"
    case contextRecall = "context-recall"
    case contextFaithfulness = "context-faithfulness"
    case python, javascript
    case assertSet = "assert-set"

    /// Types that run code or group other assertions rather than check the output themselves.
    public var isScriptOrGroup: Bool { self == .python || self == .javascript || self == .assertSet }

    /// Types judged by a model (they need a grader backend).
    public var isModelGraded: Bool { self == .llmRubric || self == .answerRelevance || self == .contextFaithfulness }

    /// Types whose value names facts the answer (or the context) should hold.
    public var namesFacts: Bool {
        [.contains, .icontains, .containsAny, .containsAll, .contextRecall, .notContains].contains(self)
    }
}
