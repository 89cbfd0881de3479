import Foundation

/// Prompt edits worth trying without a proposer model (the checklist's moves the prompt does not already make,
/// read by `PromptTraits`), and the check every proposed prompt must pass before a call is spent on it: it
/// parses as a prompt, keeps the front matter and the variables, and stays within a length budget.
public enum PromptCandidates {
    /// One checklist move as an instruction added to the system message.
    public struct Move: Sendable, Equatable {
        /// `quote before answering`.
        public var label: String
        /// The sentence added.
        public var instruction: String
    }

    /// The moves `prompt` does not already make, in the advisor's order: grounding first, then form.
    public static func moves(for prompt: PromptFile) -> [Move] {
        let traits = PromptTraits(prompt.source)
        var moves: [Move] = []
        if !traits.answersFromContext {
            moves.append(
                Move(
                    label: "answer only from the context",
                    instruction:
                        "Answer only from the context below; if it does not hold the answer, say that you do not know."
                ))
        }
        if !traits.quotesFirst {
            moves.append(
                Move(
                    label: "quote before answering",
                    instruction:
                        "Before answering, quote word for word the sentence of the context that answers the question."))
        }
        if !traits.steps {
            moves.append(
                Move(label: "numbered steps", instruction: "Give the answer as numbered steps (1., 2., …)."))
        }
        if !traits.statesFormat {
            moves.append(
                Move(
                    label: "explicit format",
                    instruction: "Format: one short paragraph that answers the question, then the citations."))
        }
        return moves
    }

    /// `source` with `instructions` added as the first lines of its system message (a system message is made
    /// after the front matter when the prompt has none).
    public static func adding(_ instructions: [String], to source: String) -> String {
        var lines = source.components(separatedBy: "\n")
        let bodyStart = frontMatterEnd(lines).map { $0 + 1 } ?? 0
        if let system = lines[bodyStart...].firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "system:" })
        {
            lines.insert(contentsOf: instructions, at: system + 1)
        } else {
            lines.insert(contentsOf: ["system:"] + instructions + [""], at: bodyStart)
        }
        return lines.joined(separator: "\n")
    }

    /// The index of the line closing the front matter, nil when the prompt has none.
    static func frontMatterEnd(_ lines: [String]) -> Int? {
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---" else { return nil }
        return lines.indices.dropFirst().first { lines[$0].trimmingCharacters(in: .whitespaces) == "---" }
    }

    /// The front matter's text (empty when there is none).
    static func frontMatter(_ source: String) -> String {
        let lines = source.components(separatedBy: "\n")
        guard let end = frontMatterEnd(lines) else { return "" }
        return lines[0...end].map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n")
    }

    /// The most characters a proposal may have: twice the original, and at least 2,000 more than it, so a
    /// proposer can add instructions but not bury the prompt.
    public static func lengthBudget(for original: PromptFile) -> Int {
        max(original.source.count * 2, original.source.count + 2_000)
    }

    /// `text` as a prompt that may replace `original`, or why it may not.
    public static func check(_ text: String, against original: PromptFile, path: String, baseDirectory: URL?)
        -> Result<PromptFile, CheckFailure>
    {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return .failure(CheckFailure(reason: "is empty")) }
        let budget = lengthBudget(for: original)
        guard text.count <= budget else {
            return .failure(
                CheckFailure(reason: "is \(text.count) characters, over the length budget of \(budget)"))
        }
        let parsed: PromptFile
        do {
            parsed = try PromptFile(
                parsing: text.hasSuffix("\n") ? text : text + "\n", path: path, defaultName: original.name,
                baseDirectory: baseDirectory)
        } catch {
            return .failure(CheckFailure(reason: "does not parse as a prompt: \(error)"))
        }
        guard frontMatter(text) == frontMatter(original.source) else {
            return .failure(
                CheckFailure(reason: "changes the front matter (name, model, inputs), which a proposal must keep"))
        }
        let before = Set(original.variables)
        let after = Set(parsed.variables)
        if before != after {
            let dropped = before.subtracting(after).sorted().map { "{{\($0)}}" }
            let added = after.subtracting(before).sorted().map { "{{\($0)}}" }
            var parts: [String] = []
            if !dropped.isEmpty { parts.append("drops \(dropped.joined(separator: ", "))") }
            if !added.isEmpty { parts.append("adds \(added.joined(separator: ", "))") }
            return .failure(CheckFailure(reason: parts.joined(separator: " and ") + "; a proposal keeps the variables"))
        }
        guard parsed.sections.map(\.role) == original.sections.map(\.role) || !parsed.sections.isEmpty else {
            return .failure(CheckFailure(reason: "has no messages"))
        }
        guard trimmed != original.source.trimmingCharacters(in: .whitespacesAndNewlines) else {
            return .failure(CheckFailure(reason: "is the prompt unchanged"))
        }
        return .success(parsed)
    }

    /// Why a proposed prompt was discarded.
    public struct CheckFailure: Error, Sendable, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }
}
