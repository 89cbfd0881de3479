import Foundation

/// The cells whose run failed (backend error, timeout, a case that cannot be rendered), set apart from the
/// pass rate: a run that never happened says nothing about the application. Grouped by what the errors say, so
/// "21 of 22 runs failed with the same HTTP 400" reads as one problem with one fix.
public struct RunFailures: Sendable, Equatable, Codable {
    /// Errors that say the same thing (numbers aside).
    public struct Group: Sendable, Equatable, Codable {
        /// The first error's text, as recorded.
        public var example: String
        public var count: Int
        /// The case labels that failed this way.
        public var cases: [String]
    }

    /// A request larger than the model's context window, with the counts the server gave.
    public struct ContextOverflow: Sendable, Equatable, Codable {
        /// Tokens in the request, and the context the server has (per slot for llama.cpp).
        public var requestTokens: Int?
        public var contextTokens: Int?

        enum CodingKeys: String, CodingKey {
            case requestTokens = "request_tokens"
            case contextTokens = "context_tokens"
        }
    }

    /// Cells whose run failed, of all cells.
    public var errors: Int
    public var cells: Int
    /// Largest group first.
    public var groups: [Group]
    /// Set when the errors say the request did not fit the model's context.
    public var contextOverflow: ContextOverflow?

    enum CodingKeys: String, CodingKey {
        case errors, cells, groups
        case contextOverflow = "context_overflow"
    }

    /// The failed runs among `results`.
    public init(_ results: [EvalResult]) {
        cells = results.count
        let failed = results.filter { $0.status == .error }
        errors = failed.count
        var order: [String] = []
        var grouped: [String: Group] = [:]
        for result in failed {
            let message = Self.message(result.error ?? "the run failed")
            let key = Self.signature(message)
            if grouped[key] == nil {
                order.append(key)
                grouped[key] = Group(example: message, count: 0, cases: [])
            }
            grouped[key]?.count += 1
            if grouped[key]?.cases.contains(result.label) == false { grouped[key]?.cases.append(result.label) }
        }
        groups = order.compactMap { grouped[$0] }.sorted { $0.count > $1.count }
        contextOverflow = failed.lazy.compactMap { Self.contextOverflow(in: $0.error ?? "") }.first
    }

    /// Whether failed runs are a large enough share (a third of the cells or more) that fixing them comes
    /// before reading anything into the answers.
    public var dominate: Bool { errors > 0 && errors * 3 >= cells }

    /// An error as recorded, without the severity a front end adds (older results files kept `error: `).
    static func message(_ text: String) -> String {
        var text = text
        while text.hasPrefix("error: ") { text.removeFirst(7) }
        return text
    }

    /// The error with its numbers blanked, so the same failure at different sizes groups together.
    static func signature(_ message: String) -> String {
        var out = ""
        var lastWasDigit = false
        for character in message.prefix(200) {
            if character.isNumber {
                if !lastWasDigit { out.append("#") }
                lastWasDigit = true
            } else {
                out.append(character)
                lastWasDigit = false
            }
        }
        return out
    }

    /// Recognises the context-window errors of llama.cpp's server, OpenAI-compatible servers (OpenAI, vLLM)
    /// and Anthropic, with the token counts they state.
    static func contextOverflow(in text: String) -> ContextOverflow? {
        let lower = text.lowercased()
        let patterns: [(String, request: Int, context: Int)] = [
            // llama.cpp: request (696 tokens) exceeds the available context size (512 tokens)
            (#"request \((\d+) tokens\) exceeds the available context size \((\d+) tokens\)"#, 1, 2),
            // OpenAI / vLLM: maximum context length is 4096 tokens. However, your messages resulted in 5000 tokens
            (#"maximum context length is (\d+) tokens[^0-9]*?(?:resulted in|requested) (\d+) tokens"#, 2, 1),
            // Anthropic: prompt is too long: 210000 tokens > 200000 maximum
            (#"prompt is too long: (\d+) tokens > (\d+)"#, 1, 2),
        ]
        for (pattern, request, context) in patterns {
            guard let regex = try? NSRegularExpression(pattern: pattern),
                let match = regex.firstMatch(in: lower, range: NSRange(lower.startIndex..., in: lower))
            else { continue }
            func number(_ group: Int) -> Int? {
                Range(match.range(at: group), in: lower).flatMap { Int(lower[$0]) }
            }
            return ContextOverflow(requestTokens: number(request), contextTokens: number(context))
        }
        let generic = ["exceed_context_size", "context_length_exceeded", "context length", "context window"]
        return generic.contains { lower.contains($0) } ? ContextOverflow(requestTokens: nil, contextTokens: nil) : nil
    }

    /// `21 of 22 runs failed`.
    public var text: String { "\(errors) of \(cells) run\(cells == 1 ? "" : "s") failed" }

    /// What to change so the runs happen, for the advisor's "fix the runs" move. `retrieval` gives the current
    /// top-k and context budget so the steps can name them.
    public func fixSteps(topK: Int?, contextTokenBudget: Int?) -> [String] {
        if let overflow = contextOverflow {
            var sizes = ""
            if let request = overflow.requestTokens, let context = overflow.contextTokens {
                sizes = " (the request had \(request) tokens; the server's context holds \(context))"
            }
            var steps = [
                "the requests do not fit the model's context window\(sizes): make them smaller or the window larger"
            ]
            if let topK { steps.append("retrieve fewer chunks: [retrieval] top_k = \(max(1, topK / 2)) (now \(topK))") }
            if let budget = contextTokenBudget {
                var target = budget / 2
                if let request = overflow.requestTokens, let context = overflow.contextTokens, request > context {
                    target = max(64, budget - (request - context) - 64)
                }
                steps.append("cap the context: [retrieval] context_token_budget = \(target) (now \(budget))")
            }
            steps.append(
                "lower max_tokens (the prompt's model parameters or [backends.NAME] max_tokens): "
                    + "the answer's room counts against the window too")
            steps.append(
                "or give the server a larger context (llama.cpp: --ctx-size; with --parallel N each slot gets 1/N of it)"
            )
            return steps
        }
        guard let first = groups.first else { return [] }
        return [
            "\(first.count) run\(first.count == 1 ? "" : "s") failed with: \(first.example.prefix(200))",
            "fix that (the backend's settings in whet.toml, the server, or the case), then run `whet eval` again: "
                + "it resumes and re-runs only what failed",
        ]
    }
}
