import Foundation

/// The optional second stage: a chat model scores each of the first stage's top N chunks against the query
/// (pointwise, 0–10) and the chunks are re-ordered by that score. The prompt is a file the user can edit
/// (`rerank_prompt`, with `{{query}}` and `{{passage}}`); calls go through the response cache like any other,
/// so reranking the same candidates again costs nothing. An answer without a number keeps the chunk's
/// first-stage place, after the scored ones, and is reported.
public struct Reranker: Sendable {
    let backend: any ModelBackend
    let template: String
    let concurrency: Int

    /// The built-in prompt.
    public static let defaultTemplate = """
        Query: {{query}}

        Passage:
        {{passage}}

        How well does the passage answer the query, from 0 (unrelated) to 10 (answers it fully)? Reply with the number only.
        """

    /// A reranker asking `backend` with `template`.
    public init(backend: any ModelBackend, template: String = Reranker.defaultTemplate, concurrency: Int = 4) {
        self.backend = backend
        self.template = template
        self.concurrency = max(1, concurrency)
    }

    /// Scores for `passages` in order; nil where the answer held no number.
    public func scores(query: String, passages: [String]) async throws -> [Double?] {
        var scores = [Double?](repeating: nil, count: passages.count)
        try await withThrowingTaskGroup(of: (Int, Double?).self) { group in
            var next = 0
            func launch() {
                let index = next
                let prompt = fillTemplate(template, ["query": query, "passage": passages[index]])
                let backend = self.backend
                group.addTask {
                    let answer = try await completeText(
                        backend, system: "You judge search results. Answer with a number.", user: prompt)
                    return (index, Reranker.firstNumber(in: answer))
                }
                next += 1
            }
            while next < min(concurrency, passages.count) { launch() }
            while let (index, score) = try await group.next() {
                scores[index] = score
                if next < passages.count { launch() }
            }
        }
        return scores
    }

    /// The first number in a model's answer ("8", "Score: 7.5/10" → 7.5), or nil.
    static func firstNumber(in text: String) -> Double? {
        var digits = ""
        for character in text {
            if character.isASCII
                && (character.isNumber || (character == "." && !digits.isEmpty && !digits.contains(".")))
            {
                digits.append(character)
            } else if !digits.isEmpty {
                break
            }
        }
        if digits.hasSuffix(".") { digits.removeLast() }
        return Double(digits)
    }
}
