import Foundation

/// Rewrites a query through a chat model before searching: multi-query asks for alternative phrasings, HyDE
/// for a short hypothetical answer (which shares vocabulary and meaning with real answers). Each result is
/// searched alongside the original query and the lists are fused; the UI and the run record show them.
public struct QueryExpander: Sendable {
    let backend: any ModelBackend
    let mode: QueryExpansion

    /// An expander for `mode` asking `backend`.
    public init(backend: any ModelBackend, mode: QueryExpansion) {
        self.backend = backend
        self.mode = mode
    }

    /// The extra queries for `query` (not including it); empty for `.none`.
    public func expand(_ query: String) async throws -> [String] {
        switch mode {
        case .none:
            return []
        case .multiQuery:
            let answer = try await completeText(
                backend, system: "You write search queries.",
                user: """
                    Write three different search queries that would find passages answering the question below. \
                    Put each on its own line, without numbering or commentary.

                    Question: \(query)
                    """)
            return QueryExpander.lines(answer).filter { $0.lowercased() != query.lowercased() }.prefix(3).map { $0 }
        case .hyde:
            let answer = try await completeText(
                backend, system: "You write concise factual passages.",
                user: """
                    Write a short passage (three or four sentences) that answers the question below, as a reference \
                    document would.

                    Question: \(query)
                    """)
            let passage = answer.trimmingCharacters(in: .whitespacesAndNewlines)
            return passage.isEmpty ? [] : [passage]
        }
    }

    /// Non-empty lines with list markers ("1.", "2)", "-", "*", "•", and combinations) removed; a query that
    /// starts with a number ("429 errors") keeps it.
    static func lines(_ text: String) -> [String] {
        text.split(separator: "\n").map { line in
            var rest = line.trimmingCharacters(in: .whitespaces)
            while true {
                if let marker = rest.firstMatch(of: /^(\d+[.)]|[-*•])\s+/) {
                    rest = String(rest[marker.range.upperBound...])
                } else {
                    break
                }
            }
            return rest.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }.filter { !$0.isEmpty }
    }
}
