import Foundation

/// What an optimisation found, as every front end states it: what was tried and scored on which cases, the
/// winner and its held-out paired difference, whether it is proposed, and where the proposal was written.
public struct OptimizeOutcome: Sendable {
    /// How the run ended.
    public enum Ending: Sendable, Equatable {
        /// The winner's held-out gain lies above zero: it is proposed.
        case proposed
        /// Nothing beat the baseline on the search cases, or the winner's held-out gain is within noise or
        /// negative: nothing is proposed.
        case noImprovement
        /// Every checked case already passes.
        case nothingToOptimise
        /// The held-out set cannot show any gain above noise.
        case validationTooSmall
    }

    /// One score in the table of what was tried.
    public struct Tried: Sendable {
        public var candidate: OptimizeCandidate
        /// `all`, `search sample`, `search`, `validation`.
        public var set: String
        public var score: OptimizeScore
    }

    public var id: String
    public var ending: Ending
    /// The one-paragraph answer: why nothing is proposed, or what is and by how much.
    public var message: String
    public var plan: OptimizePlan?
    public var split: String?
    /// Why the axes were taken in this order.
    public var axisReason: String?
    public var tried: [Tried] = []
    /// Proposals discarded before they ran, with the reason.
    public var discarded: [(label: String, reason: String)] = []
    /// Settings and moves not tried, and other things worth saying (the budget ran out, the corpus lacks a fact).
    public var notes: [String] = []
    public var winner: OptimizeCandidate?
    /// The winner against the baseline on the held-out cases.
    public var validation: PairedDifference?
    /// The winning prompt, written beside the original (workspace-relative), when the prompt changed.
    public var writtenPrompt: String?
    /// The `[retrieval]` block to paste into whet.toml, when the retrieval settings changed.
    public var tomlBlock: String?
    public var budget: OptimizeBudget?
    public var budgetStopped = false
    public var logPath: String

    /// An outcome with nothing tried yet (the optimiser fills it in as it goes).
    public init(id: String, ending: Ending, message: String, logPath: String) {
        self.id = id
        self.ending = ending
        self.message = message
        self.logPath = logPath
    }

    /// The outcome's text as `whet optimize` prints it.
    public var text: String {
        var out = "optimize \(id)\n"
        if let split { out += "cases: \(split)\n" }
        if let axisReason { out += "axes: \(axisReason)\n" }
        if !tried.isEmpty {
            out += "\n" + table() + "\n"
        }
        for item in discarded { out += "discarded \(item.label): \(item.reason)\n" }
        for note in notes { out += "note: \(note)\n" }
        out += "\n" + message + "\n"
        if let tomlBlock { out += "\npaste into whet.toml to adopt it:\n\(tomlBlock)" }
        if let writtenPrompt { out += "\nthe prompt: \(writtenPrompt) (your prompt is unchanged)\n" }
        if let budget {
            out +=
                "\nspent: \(budget.spentText)"
                + (budgetStopped
                    ? " — the budget (\(budget.limitText)) stopped the search; the best so far is above" : "")
                + (budget.maxCalls != nil || budget.maxUSD != nil ? " of \(budget.limitText)" : "") + "\n"
        }
        out += "log: \(logPath)\n"
        return out
    }

    /// The table of what was tried: one row per candidate and case set.
    func table() -> String {
        let labelWidth = min(44, max(12, tried.map { $0.candidate.label.count }.max() ?? 12))
        // A cell always ends in a space, so a long label never runs into the next column.
        func pad(_ text: String, _ width: Int) -> String {
            let fitted = text.count >= width ? String(text.prefix(width - 2)) + "…" : text
            return fitted.padding(toLength: width, withPad: " ", startingAt: 0)
        }
        var out =
            pad("id", 5) + pad("axis", 9) + pad("made by", 20) + pad("what", labelWidth + 2) + pad("cases", 15)
            + pad("passed", 15) + pad("hit", 7) + pad("MRR", 7) + "calls\n"
        for row in tried {
            let hit = row.score.hitRate.map { String(format: "%.2f", $0) } ?? "–"
            let mrr = row.score.meanReciprocalRank.map { String(format: "%.2f", $0) } ?? "–"
            out +=
                pad(row.candidate.id, 5) + pad(row.candidate.axis.rawValue, 9) + pad(row.candidate.how, 20)
                + pad(row.candidate.label, labelWidth + 2) + pad(row.set, 15) + pad(row.score.text, 15) + pad(hit, 7)
                + pad(mrr, 7) + "\(row.score.calls)\n"
        }
        return out
    }

    /// `[retrieval]` with `variant`'s overrides as TOML (numbers and booleans bare, text quoted).
    public static func tomlBlock(_ variant: RetrievalVariant) -> String {
        var out = "[retrieval]\n"
        for (key, value) in variant.overrides {
            let bare = Int(value) != nil || Double(value) != nil || value == "true" || value == "false"
            out += "\(key) = \(bare ? value : "\"\(value)\"")\n"
        }
        return out
    }

    /// The winning prompt's text with its provenance in the front matter: a `metadata` block when the front
    /// matter has none, else comment lines (YAML would reject a second `metadata` key).
    public static func annotated(_ source: String, provenance: [(String, String)]) -> String {
        var lines = source.components(separatedBy: "\n")
        guard let end = PromptCandidates.frontMatterEnd(lines) else {
            let front = ["---", "metadata:"] + provenance.map { "  \($0.0): \"\(yamlEscaped($0.1))\"" } + ["---"]
            return (front + lines).joined(separator: "\n")
        }
        let hasMetadata = lines[1..<end].contains { $0.hasPrefix("metadata:") }
        let added =
            hasMetadata
            ? provenance.map { "# \($0.0): \($0.1)" }
            : ["metadata:"] + provenance.map { "  \($0.0): \"\(yamlEscaped($0.1))\"" }
        lines.insert(contentsOf: added, at: end)
        return lines.joined(separator: "\n")
    }

    static func yamlEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
