import Foundation

/// One thing `whet optimize` tries: the prompt text and the retrieval settings an eval runs with, where it came
/// from (its parent and how it was made) and what it scored. The baseline is a candidate too (the workspace as
/// it is), so every comparison is between two candidates run the same way.
public struct OptimizeCandidate: Sendable {
    /// Which lever the candidate moves.
    public enum Axis: String, Sendable, Codable {
        case baseline
        /// What the model is shown: retrieval method, top_k, chunking, reranking, expansion.
        case context
        /// What the model is told: the prompt's instructions.
        case prompt
    }

    /// `c0` for the baseline, `r1`, `r2` … for retrieval settings, `p1` … for prompts.
    public var id: String
    public var axis: Axis
    /// What changed, in a few words: `top_k=10`, `quote before answering`, `proposal 2 of round 1`.
    public var label: String
    /// How it was made: `baseline`, `retrieval setting`, `checklist move`, `proposer round 1`, `merge of r2 and r4`.
    public var how: String
    /// The candidate it was made from.
    public var parent: String?
    /// The retrieval settings: `whet.toml`'s with these overrides.
    public var variant: RetrievalVariant
    /// The prompt it runs.
    public var prompt: PromptFile

    /// Makes a candidate.
    public init(
        id: String, axis: Axis, label: String, how: String, parent: String?, variant: RetrievalVariant,
        prompt: PromptFile
    ) {
        self.id = id
        self.axis = axis
        self.label = label
        self.how = how
        self.parent = parent
        self.variant = variant
        self.prompt = prompt
    }

    /// The candidate with `overrides` added to its retrieval settings (later keys win).
    func with(overrides: [(key: String, value: String)]) throws -> RetrievalVariant {
        var merged = variant.overrides.filter { old in !overrides.contains { $0.key == old.key } }
        merged += overrides
        return try RetrievalVariant(parsing: merged.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
    }
}

/// What one candidate scored on a set of cases.
public struct OptimizeScore: Sendable {
    /// Each case's (passed, answered) over its repeats, by `OptimizeSplit.caseID`.
    public var perCase: [String: (passed: Int, answered: Int)]
    /// The eval the cells are in (`evals/optimize/ID/EVAL.jsonl`).
    public var evalID: String
    /// Calls paid for now (not answered from the cache or an earlier, interrupted run) and their cost.
    public var calls: Int
    public var cached: Int
    public var costUSD: Double
    /// Retrieval judged on the cases that say what should be found (nil when none does).
    public var hitRate: Double?
    public var meanReciprocalRank: Double?
    /// Cells whose run failed (no answer).
    public var errors: Int
    /// The cells themselves (the proposer reads the failing ones; the classifier classes them).
    public var results: [EvalResult] = []

    /// Sum of per-case pass shares: the score candidates are ranked by.
    public var passed: Double {
        perCase.values.reduce(0) { $0 + ($1.answered == 0 ? 0 : Double($1.passed) / Double($1.answered)) }
    }
    /// Cases with a checked answer.
    public var answered: Int { perCase.values.filter { $0.answered > 0 }.count }
    /// The pass share over the answered cases.
    public var rate: Double { answered == 0 ? 0 : passed / Double(answered) }

    /// `9/13 (69.2%)`.
    public var text: String {
        let whole = abs(passed - passed.rounded()) < 1e-9
        return (whole ? "\(Int(passed.rounded()))" : String(format: "%.1f", passed))
            + "/\(answered) (" + String(format: "%.1f%%", rate * 100) + ")"
    }

    /// The paired difference from `before` to this score on the cases both answered, in `order`.
    public func difference(from before: OptimizeScore, over order: [String]) -> PairedDifference {
        PairedDifference(
            pairs: order.compactMap { id in
                guard let old = before.perCase[id], let new = perCase[id], old.answered > 0, new.answered > 0 else {
                    return nil
                }
                return (old, new)
            })
    }

    /// The score restricted to `ids`, cells included (so nothing downstream — the proposer, the examples — can
    /// see a held-out cell through the baseline's score on the search cases).
    public func restricted(to ids: Set<String>) -> OptimizeScore {
        var copy = self
        copy.perCase = perCase.filter { ids.contains($0.key) }
        copy.results = results.filter { ids.contains(OptimizeSplit.caseID($0)) }
        return copy
    }
}
