import Foundation

/// The backend that works with no network and no key: it is not a language model, and says so. It answers
/// by quoting the sentences of the retrieved chunks that share the most informative terms with the question,
/// cites each as [n] (the chunk's place in the context), and says plainly when nothing relevant was found.
/// It is deterministic, and streams its answer in pieces through the same interface as real backends, so
/// the whole pipeline (retrieval, context, streaming, cancellation, session records) can be exercised
/// offline.
public struct OfflineBackend: ModelBackend {
    /// The model name the offline backend reports.
    public static let modelName = "extractive-v1"
    /// The first line of every offline answer, so nobody mistakes it for a model's.
    public static let disclaimer =
        "[offline extractive answer: quoted from the retrieved text, not written by a language model]"

    public let name: String
    public let model: String
    /// How many sentences the answer may quote.
    public let maxSentences: Int
    /// Characters per streamed piece.
    public let pieceSize: Int
    /// Pause between pieces, so a stream can be watched (and cancelled) like a model's.
    public let pieceDelay: Duration

    /// Makes the backend from its `[backends.NAME]` settings.
    public init(config: BackendConfig, pieceDelay: Duration = .milliseconds(8)) {
        self.name = config.name
        self.model = config.model
        self.maxSentences = config.maxSentences
        self.pieceSize = config.streamPieceSize
        self.pieceDelay = pieceDelay
    }

    public func stream(_ request: ModelRequest) -> AsyncThrowingStream<BackendEvent, Error> {
        let answer = compose(request)
        let pieces = OfflineBackend.pieces(of: answer, size: pieceSize)
        let promptTokens = request.messages.reduce(0) { $0 + estimateTokens($1.content) + 4 }
        let delay = pieceDelay
        return AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    for piece in pieces {
                        try Task.checkCancellation()
                        continuation.yield(.delta(piece))
                        if delay > .zero { try await Task.sleep(for: delay) }
                    }
                    continuation.yield(
                        .usage(
                            TokenUsage(
                                promptTokens: promptTokens,
                                completionTokens: estimateTokens(answer), estimated: true)))
                    continuation.yield(.finished(.stop))
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: BackendError.cancelled)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// The whole answer for `request`; `stream` delivers exactly this text in pieces.
    public func compose(_ request: ModelRequest) -> String {
        let query = request.grounding?.query ?? request.messages.last(where: { $0.role == .user })?.content ?? ""
        let chunks = request.grounding?.chunks ?? []
        let queryTerms = Set(TextTokenizer.terms(query))
        guard !chunks.isEmpty, !queryTerms.isEmpty else {
            return OfflineBackend.disclaimer
                + "\n\nNothing relevant was found in the workspace's corpus for this question, so there is nothing to quote. Try other words, or check that the corpus is indexed (`whet index`)."
        }
        struct Candidate {
            var text: String
            var citation: Int
            var position: Int
            var terms: Set<String>
        }
        var candidates: [Candidate] = []
        for (chunkIndex, chunk) in chunks.enumerated() {
            for (position, sentence) in SentenceSplitter.sentences(chunk.text).enumerated() where sentence.count >= 12 {
                let terms = Set(TextTokenizer.terms(sentence)).intersection(queryTerms)
                if !terms.isEmpty {
                    candidates.append(
                        Candidate(text: sentence, citation: chunkIndex + 1, position: position, terms: terms))
                }
            }
        }
        // Rarer query terms say more about the question than common ones: weight each by its inverse
        // frequency among the candidate sentences.
        var frequency: [String: Int] = [:]
        for candidate in candidates { for term in candidate.terms { frequency[term, default: 0] += 1 } }
        func weight(_ term: String) -> Double { log(1 + Double(candidates.count) / Double(frequency[term] ?? 1)) }
        let scored = candidates.map { candidate -> (Candidate, Double) in
            let coverage = candidate.terms.reduce(0) { $0 + weight($1) }
            let lengthPenalty = candidate.text.count > 400 ? 0.5 : 0
            return (candidate, coverage - lengthPenalty - Double(candidate.citation) * 0.01)
        }
        var seen = Set<String>()
        var chosen: [Candidate] = []
        for (candidate, _) in scored.sorted(by: { $0.1 > $1.1 }) where chosen.count < maxSentences {
            let key = candidate.text.lowercased()
            if seen.insert(key).inserted { chosen.append(candidate) }
        }
        guard !chosen.isEmpty else {
            return OfflineBackend.disclaimer
                + "\n\nThe retrieved text does not contain a sentence that answers this question."
        }
        chosen.sort { ($0.citation, $0.position) < ($1.citation, $1.position) }
        let body = chosen.map { "\($0.text) [\($0.citation)]" }.joined(separator: " ")
        let cited = Set(chosen.map(\.citation)).sorted()
        let sources = cited.map { number -> String in
            let chunk = chunks[number - 1]
            let heading = chunk.headingPath.last.map { " (\($0))" } ?? ""
            return "[\(number)] \(chunk.citedLocation)\(heading)"
        }.joined(separator: "\n")
        return OfflineBackend.disclaimer + "\n\n" + body + "\n\nSources:\n" + sources
    }

    /// Cuts `text` into pieces of about `size` characters, at spaces where possible.
    static func pieces(of text: String, size: Int) -> [String] {
        var pieces: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if current.count >= size, character == " " || character == "\n" || current.count >= size * 2 {
                pieces.append(current)
                current = ""
            }
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }
}
