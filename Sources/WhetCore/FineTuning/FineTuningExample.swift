// The FineTuning folder: datasets for the behaviour axis. Approved runs and eval cases with an expected answer
// become OpenAI chat fine-tuning examples; files are validated the way OpenAI's data-preparation guide checks
// them; jobs are submitted to and followed on an OpenAI-compatible API.

import Crypto
import Foundation

/// One line of an OpenAI chat fine-tuning file: `{"messages": [{"role": …, "content": …}, …]}`, ending with
/// the assistant answer the model should learn to give.
public struct FineTuningExample: Sendable, Equatable, Codable {
    public var messages: [ChatMessage]

    /// An example from the conversation a run sent and the answer it should have produced.
    public init(prompt: [ChatMessage], answer: String) {
        messages =
            prompt.filter { $0.role != .assistant || !$0.content.isEmpty } + [
                ChatMessage(role: .assistant, content: answer)
            ]
    }

    /// The line as written to the file (keys sorted, so equal examples are equal bytes).
    public func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// A digest of the whole example, for de-duplication and a stable train/validation split.
    public var digest: String {
        let text = messages.map { "\($0.role.rawValue)\u{1}\($0.content)" }.joined(separator: "\u{2}")
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A digest of everything but the final answer: two examples with the same prompt and different answers
    /// teach contradictory things.
    public var promptDigest: String {
        let text = messages.dropLast().map { "\($0.role.rawValue)\u{1}\($0.content)" }.joined(separator: "\u{2}")
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// An example and where it came from, so the export can say what it used.
public struct FineTuningCandidate: Sendable, Equatable {
    public var example: FineTuningExample
    /// `sessions/<id> run N (rated good)` or `evals/x.jsonl:4 (expected_answer)`.
    public var source: String
}
