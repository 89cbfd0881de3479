import Foundation

/// Assertions a model judges: `llm-rubric` (the output against a rubric), `answer-relevance` (does the output
/// answer the query) and `context-faithfulness` (are the output's claims supported by the retrieved context).
/// The grader answers in JSON with a score from 0 to 1 and its reasoning, which is kept as the reason.
enum ModelGradedAssertions {
    static let system = """
        You grade the output of an AI system. Reply with one JSON object and nothing else: \
        {"reason": "<one or two sentences>", "score": <number from 0 to 1>, "pass": <true or false>}.
        """

    static func evaluate(_ type: String, value: JSONValue?, threshold: Double?, context: AssertionContext) async throws
        -> AssertionResult
    {
        guard let grader = context.grader else {
            throw AssertionEvaluator.CannotRun(
                description: "\(type) needs a grader: pass --grader BACKEND to whet eval")
        }
        if type == "context-faithfulness", !context.retrievalRan {
            throw AssertionEvaluator.CannotRun(
                description: "no context to judge against: retrieval is off for this run")
        }
        let prompt: String
        switch type {
        case "llm-rubric":
            prompt =
                "Rubric:\n\(value?.description ?? "")\n\nOutput:\n\(context.output)\n\nDoes the output satisfy the rubric?"
        case "answer-relevance":
            prompt =
                "Question:\n\(context.query)\n\nAnswer:\n\(context.output)\n\nHow directly and completely does the answer address the question? Score 1 for fully relevant, 0 for unrelated."
        default:
            let contextText = context.chunks.enumerated().map { "[\($0.offset + 1)] \($0.element.text)" }.joined(
                separator: "\n\n")
            prompt =
                "Context:\n\(contextText)\n\nAnswer:\n\(context.output)\n\nList the factual claims of the answer and check each against the context. Score the fraction of claims the context supports; pass if every claim is supported."
        }
        let answer = try await completeText(grader, system: system, user: prompt)
        guard let verdict = parseVerdict(answer) else {
            throw AssertionEvaluator.CannotRun(
                description: "the grader's answer was not the JSON verdict asked for: \(answer.prefix(120))")
        }
        let limit = threshold ?? (type == "llm-rubric" ? 0.5 : 0.7)
        let passed =
            threshold == nil && type == "llm-rubric"
            ? (verdict.pass ?? (verdict.score >= limit)) : verdict.score >= limit
        return AssertionResult(
            type: type, status: passed ? .passed : .failed, score: verdict.score,
            reason: "grader (\(grader.name)/\(grader.model)): \(verdict.reason)")
    }

    static func parseVerdict(_ answer: String) -> (score: Double, pass: Bool?, reason: String)? {
        guard let object = JSONAssertions.embeddedJSON(in: answer)?.objectValue else { return nil }
        let pass: Bool? = if case .bool(let flag)? = object["pass"] { flag } else { nil }
        let score: Double
        if case .number(let number)? = object["score"] {
            score = min(1, max(0, number))
        } else if let pass {
            score = pass ? 1 : 0
        } else {
            return nil
        }
        return (score, pass, object["reason"]?.stringValue ?? "")
    }
}
