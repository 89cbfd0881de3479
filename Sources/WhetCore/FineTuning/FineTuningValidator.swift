import Foundation

/// Checks a chat fine-tuning file the way OpenAI's data-preparation guide does, before anything is uploaded
/// and paid for: JSON per line, the `messages` list, roles and keys, an assistant turn, non-empty content,
/// examples over the token limit, token distributions, the example count (fewer than 10 is an error, fewer
/// than 50 a warning) and the tokens billed per epoch. Every problem names its line.
public struct FineTuningValidator: Sendable {
    /// One problem on one line (or the whole file when `line` is nil).
    public struct Finding: Sendable, Equatable, CustomStringConvertible {
        /// Errors stop a submission; warnings are worth reading.
        public enum Severity: String, Sendable { case error, warning }
        public var severity: Severity
        /// OpenAI's name for the check (`missing_content`, `unrecognized_role` …), for grouping.
        public var check: String
        public var location: SourceLocation
        public var message: String

        public var description: String { diagnostic(severity.rawValue, at: location, "\(message) [\(check)]") }
    }

    /// Minimum, maximum, mean, median and the 5th/95th percentiles of a per-example count.
    public struct Distribution: Sendable, Equatable, Codable {
        public var min: Int, max: Int, mean: Double, median: Double, p5: Double, p95: Double

        init(_ values: [Int]) {
            let sorted = values.sorted()
            func percentile(_ q: Double) -> Double {
                guard !sorted.isEmpty else { return 0 }
                let position = q * Double(sorted.count - 1)
                let low = Int(position.rounded(.down))
                let high = Swift.min(sorted.count - 1, low + 1)
                return Double(sorted[low]) + (Double(sorted[high]) - Double(sorted[low])) * (position - Double(low))
            }
            min = sorted.first ?? 0
            max = sorted.last ?? 0
            mean = sorted.isEmpty ? 0 : Double(sorted.reduce(0, +)) / Double(sorted.count)
            median = percentile(0.5)
            p5 = percentile(0.05)
            p95 = percentile(0.95)
        }
    }

    /// What a file holds and what training on it would cost in tokens.
    public struct Report: Sendable {
        public var file: String
        public var findings: [Finding]
        public var examples: Int
        public var messagesPerExample: Distribution
        public var tokensPerExample: Distribution
        public var assistantTokensPerExample: Distribution
        public var missingSystem: Int
        public var missingUser: Int
        public var overLimit: Int
        /// The epochs OpenAI picks by default for this many examples.
        public var epochs: Int
        /// Σ min(limit, tokens) over the examples: what one epoch bills.
        public var billedTokensPerEpoch: Int
        public var tokenCounting: String

        public var errors: [Finding] { findings.filter { $0.severity == .error } }
        public var warnings: [Finding] { findings.filter { $0.severity == .warning } }
    }

    /// Fewer examples than this cannot be submitted.
    public static let minimumExamples = 10
    /// OpenAI's guide sees clear improvements from 50–100 examples; fewer is a warning.
    public static let recommendedExamples = 50
    /// The longest training example gpt-4o-mini accepts; longer ones are truncated.
    public static let defaultTokenLimit = 65_536

    public var tokenLimit: Int
    public var counter: TokenCounter

    /// A validator counting tokens with `counter` against `tokenLimit`.
    public init(tokenLimit: Int = FineTuningValidator.defaultTokenLimit, counter: TokenCounter = .estimate) {
        self.tokenLimit = tokenLimit
        self.counter = counter
    }

    /// The epochs OpenAI's default picks: 3, raised so small sets see ~100 examples, lowered for huge ones.
    public static func defaultEpochs(examples: Int) -> Int {
        let target = 3
        let minExamples = 100
        let maxExamples = 25_000
        guard examples > 0 else { return target }
        if examples * target < minExamples { return min(25, minExamples / examples) }
        if examples * target > maxExamples { return max(1, maxExamples / examples) }
        return target
    }

    /// Validates `data` (the file's bytes), naming it `displayPath` in findings.
    public func validate(_ data: Data, displayPath: String) -> Report {
        var findings: [Finding] = []
        func add(_ severity: Finding.Severity, _ check: String, line: Int?, _ message: String) {
            findings.append(
                Finding(
                    severity: severity, check: check, location: SourceLocation(file: displayPath, line: line),
                    message: message))
        }
        var messageCounts: [Int] = []
        var totals: [Int] = []
        var assistantTotals: [Int] = []
        var missingSystem = 0
        var missingUser = 0
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        for (index, raw) in lines.enumerated() {
            let number = index + 1
            if raw.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) {
                if index < lines.count - 1 {
                    add(.error, "blank_line", line: number, "blank line: every line must be one JSON example")
                }
                continue
            }
            guard let object = try? JSONSerialization.jsonObject(with: Data(raw), options: [.fragmentsAllowed]) else {
                add(.error, "invalid_json", line: number, "expected one JSON object, found text that is not JSON")
                continue
            }
            guard let example = object as? [String: Any] else {
                add(.error, "data_type", line: number, "expected a JSON object, found \(Self.kind(of: object))")
                continue
            }
            guard let messages = example["messages"] as? [Any], !messages.isEmpty else {
                add(
                    .error, "missing_messages_list", line: number,
                    example["messages"] == nil
                        ? "expected a \"messages\" list, found none"
                        : "expected a non-empty \"messages\" list, found \(Self.kind(of: example["messages"] as Any))")
                continue
            }
            for key in example.keys.sorted()
            where !["messages", "tools", "parallel_tool_calls", "functions"].contains(key) {
                add(
                    .warning, "example_unrecognized_key", line: number,
                    "unrecognised key \"\(key)\" next to \"messages\"")
            }
            var roles: [String] = []
            var total = 3
            var assistant = 0
            for (position, item) in messages.enumerated() {
                let at = "message \(position + 1)"
                guard let message = item as? [String: Any] else {
                    add(.error, "data_type", line: number, "\(at): expected an object, found \(Self.kind(of: item))")
                    continue
                }
                let role = message["role"] as? String
                if message["role"] == nil
                    || message["content"] == nil && message["function_call"] == nil && message["tool_calls"] == nil
                {
                    add(
                        .error, "message_missing_key", line: number,
                        "\(at): expected \"role\" and \"content\", found keys \(message.keys.sorted().joined(separator: ", "))"
                    )
                }
                for key in message.keys.sorted()
                where !["role", "content", "name", "function_call", "tool_calls", "tool_call_id", "weight"].contains(
                    key)
                {
                    add(.error, "message_unrecognized_key", line: number, "\(at): unrecognised key \"\(key)\"")
                }
                if let role {
                    if !["system", "user", "assistant", "function", "tool"].contains(role) {
                        add(
                            .error, "unrecognized_role", line: number,
                            "\(at): role \"\(role)\" is not system, user, assistant, tool or function")
                    }
                    roles.append(role)
                } else if message["role"] != nil {
                    add(
                        .error, "unrecognized_role", line: number,
                        "\(at): expected the role as a string, found \(Self.kind(of: message["role"] as Any))")
                }
                let content = message["content"] as? String
                let hasCall = message["function_call"] != nil || message["tool_calls"] != nil
                if message["content"] != nil, !(message["content"] is String), !(message["content"] is NSNull) {
                    add(
                        .error, "missing_content", line: number,
                        "\(at): expected the content as a string, found \(Self.kind(of: message["content"] as Any))")
                } else if (content ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, !hasCall {
                    add(.error, "missing_content", line: number, "\(at) (\(role ?? "no role")): content is empty")
                }
                if let weight = message["weight"],
                    !(weight is NSNumber && [0, 1].contains((weight as? NSNumber)?.intValue ?? -1))
                {
                    add(.error, "invalid_weight", line: number, "\(at): weight must be 0 or 1")
                }
                // As OpenAI's guide counts: 3 per message, every value's tokens (role, content, name), 1 more for a name.
                let name = message["name"] as? String
                let tokens =
                    3 + counter.count(role ?? "") + counter.count(content ?? "")
                    + (name.map { 1 + counter.count($0) } ?? 0)
                total += tokens
                if role == "assistant" { assistant += counter.count(content ?? "") }
            }
            if !roles.contains("assistant") {
                add(
                    .error, "example_missing_assistant_message", line: number,
                    "no assistant message: nothing for the model to learn")
            } else if roles.last != "assistant" {
                add(
                    .warning, "example_ends_without_assistant", line: number,
                    "the last message is \(roles.last ?? "none"), not the assistant's answer")
            }
            if !roles.contains("system") { missingSystem += 1 }
            if !roles.contains("user") { missingUser += 1 }
            if total > tokenLimit {
                add(
                    .warning, "example_over_token_limit", line: number,
                    "\(total) tokens, over the \(tokenLimit)-token limit: it will be truncated")
            }
            messageCounts.append(messages.count)
            totals.append(total)
            assistantTotals.append(assistant)
        }
        let examples = totals.count
        if examples < Self.minimumExamples {
            add(
                .error, "too_few_examples", line: nil,
                "\(examples) example\(examples == 1 ? "" : "s"): at least \(Self.minimumExamples) are required")
        } else if examples < Self.recommendedExamples {
            add(
                .warning, "few_examples", line: nil,
                "\(examples) examples: OpenAI sees clear improvements from \(Self.recommendedExamples)–100")
        }
        let counting: String
        switch counter {
        case .estimate: counting = "estimated (about four characters a token); pass --tokenizer for exact counts"
        case .bpe(let tokenizer): counting = "BPE vocabulary \(tokenizer.source)"
        }
        return Report(
            file: displayPath, findings: findings, examples: examples,
            messagesPerExample: Distribution(messageCounts), tokensPerExample: Distribution(totals),
            assistantTokensPerExample: Distribution(assistantTotals), missingSystem: missingSystem,
            missingUser: missingUser, overLimit: totals.filter { $0 > tokenLimit }.count,
            epochs: Self.defaultEpochs(examples: examples),
            billedTokensPerEpoch: totals.reduce(0) { $0 + min(tokenLimit, $1) }, tokenCounting: counting)
    }

    static func kind(of value: Any) -> String {
        switch value {
        case is NSNull: "null"
        case is String: "a string"
        case is Bool: "a boolean"
        case is NSNumber: "a number"
        case is [Any]: "a list"
        case is [String: Any]: "an object"
        default: "something else"
        }
    }
}
