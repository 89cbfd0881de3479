import Foundation

/// `whet optimize --json`: the outcome as one object for scripts and CI — the same values the text states, with
/// the held-out paired difference as `whet eval --json` writes one.
extension OptimizeOutcome: Encodable {
    enum CodingKeys: String, CodingKey {
        case id, ending, message, plan, split, axes, tried, discarded, notes, winner, validation, proposed, spent
        case writtenPrompt = "written_prompt"
        case tomlBlock = "toml_block"
        case budgetStopped = "budget_stopped"
        case logPath = "log_path"
    }

    /// Encodes the outcome.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        let endings: [Ending: String] = [
            .proposed: "proposed", .noImprovement: "no improvement", .nothingToOptimise: "nothing to optimise",
            .validationTooSmall: "validation too small",
        ]
        try container.encode(endings[ending] ?? "", forKey: .ending)
        try container.encode(message, forKey: .message)
        try container.encodeIfPresent(plan.map(PlanJSON.init), forKey: .plan)
        try container.encodeIfPresent(split, forKey: .split)
        try container.encodeIfPresent(axisReason, forKey: .axes)
        try container.encode(tried.map(TriedJSON.init), forKey: .tried)
        try container.encode(discarded.map { ["label": $0.label, "reason": $0.reason] }, forKey: .discarded)
        try container.encode(notes, forKey: .notes)
        try container.encodeIfPresent(winner.map { ["id": $0.id, "label": $0.label, "how": $0.how] }, forKey: .winner)
        try container.encodeIfPresent(validation, forKey: .validation)
        try container.encode(ending == .proposed, forKey: .proposed)
        try container.encodeIfPresent(writtenPrompt, forKey: .writtenPrompt)
        try container.encodeIfPresent(tomlBlock, forKey: .tomlBlock)
        try container.encodeIfPresent(budget.map(SpentJSON.init), forKey: .spent)
        try container.encode(budgetStopped, forKey: .budgetStopped)
        try container.encode(logPath, forKey: .logPath)
    }

    struct PlanJSON: Encodable {
        var totalCalls, baselineCalls, searchCalls, validationCalls, proposerCalls, candidates: Int

        init(_ plan: OptimizePlan) {
            totalCalls = plan.totalCalls
            baselineCalls = plan.baselineCalls
            searchCalls = plan.searchCalls
            validationCalls = plan.validationCalls
            proposerCalls = plan.proposerCalls
            candidates = plan.candidates
        }

        enum CodingKeys: String, CodingKey {
            case candidates
            case totalCalls = "total_calls"
            case baselineCalls = "baseline_calls"
            case searchCalls = "search_calls"
            case validationCalls = "validation_calls"
            case proposerCalls = "proposer_calls"
        }
    }

    struct TriedJSON: Encodable {
        var candidate, axis, how, label, set: String
        var parent, retrieval, promptPath: String?
        var passed: Double
        var answered, calls, cached: Int
        var hitRate, mrr: Double?
        var costUSD: Double

        init(_ row: Tried) {
            candidate = row.candidate.id
            axis = row.candidate.axis.rawValue
            how = row.candidate.how
            label = row.candidate.label
            set = row.set
            parent = row.candidate.parent
            retrieval = row.candidate.variant.overrides.isEmpty ? nil : row.candidate.variant.name
            promptPath = row.candidate.prompt.path
            passed = row.score.passed
            answered = row.score.answered
            calls = row.score.calls
            cached = row.score.cached
            hitRate = row.score.hitRate
            mrr = row.score.meanReciprocalRank
            costUSD = row.score.costUSD
        }

        enum CodingKeys: String, CodingKey {
            case candidate, axis, how, label, set, parent, retrieval, passed, answered, calls, cached, mrr
            case promptPath = "prompt_path"
            case hitRate = "hit_rate"
            case costUSD = "cost_usd"
        }
    }

    struct SpentJSON: Encodable {
        var calls: Int
        var usd: Double
        var maxCalls: Int?
        var maxUSD: Double?

        init(_ budget: OptimizeBudget) {
            calls = budget.spentCalls
            usd = budget.spentUSD
            maxCalls = budget.maxCalls
            maxUSD = budget.maxUSD
        }

        enum CodingKeys: String, CodingKey {
            case calls, usd
            case maxCalls = "max_calls"
            case maxUSD = "max_usd"
        }
    }
}
