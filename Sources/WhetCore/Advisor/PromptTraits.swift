import Foundation

/// What a prompt's text already does, read once: the checklist ticks from it, and the advisor never asks for
/// what is already there (a prompt that says "answer only from the context" is not told to say it).
public struct PromptTraits: Sendable, Equatable {
    /// A system message long enough to state task, audience and format.
    public var clearInstructions: Bool
    /// Numbered steps, or "first," / "step 1".
    public var steps: Bool
    /// Asks the model to think or reason before answering.
    public var roomToThink: Bool
    /// Shows examples (the word, or an assistant turn in the template).
    public var examples: Bool
    /// Tells the model to answer only from the given context, or to say when it is missing.
    public var answersFromContext: Bool
    /// Asks the model to quote (or cite) the passage it relies on.
    public var quotesFirst: Bool
    /// States the answer's format (a schema, JSON, a template or a named format).
    public var statesFormat: Bool

    /// The traits of `text`, a prompt file's whole source (its front matter — name, description, samples — is
    /// not what the model is told, so only the template after it is read).
    public init(_ source: String) {
        var text = source
        if source.hasPrefix("---"),
            let end = source.range(of: "\n---", range: source.index(source.startIndex, offsetBy: 3)..<source.endIndex)
        {
            text = String(source[end.upperBound...])
        }
        let lower = text.lowercased()
        func any(_ phrases: [String]) -> Bool { phrases.contains { lower.contains($0) } }
        let systemWords =
            text.components(separatedBy: "system:").dropFirst().first?
            .components(separatedBy: "user:").first?.split(whereSeparator: { $0 == " " || $0 == "\n" }).count ?? 0
        clearInstructions = systemWords >= 12
        steps =
            text.split(separator: "\n").contains { line in
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                return trimmed.first?.isNumber == true
                    && (trimmed.dropFirst().hasPrefix(".") || trimmed.dropFirst().hasPrefix(")"))
            } || any(["step 1", "first,"])
        roomToThink = any(["think", "step by step", "reason", "before you answer", "before answering"])
        examples = lower.contains("example") || text.contains("\nassistant:")
        answersFromContext = any([
            "only from the context", "only the context", "only on the context", "only from the documents",
            "only the documents", "only the provided", "only from the provided", "only the information",
            "using only", "based only on", "answer only from", "not in the context", "isn't in the context",
            "is not in the context", "context does not", "context doesn't", "nur aus dem kontext",
            "nur auf grundlage",
        ])
        quotesFirst = any(["quote", "zitier", "verbatim", "wörtlich"])
        statesFormat =
            any([
                "outputschema", "output_schema", "json", "format:", "in this format", "the format", "respond with",
                "answer in the form", "markdown table", "bullet", "one sentence", "one word",
            ])
    }
}
