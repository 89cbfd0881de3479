import Foundation

/// What an optimisation may spend (`--budget-calls`, `--budget-usd`) and what it has spent. Before every
/// evaluation the optimiser asks whether the calls it could make fit; when they do not, it stops searching and
/// reports the best so far. Calls are counted as the eval runner records them: a cell answered by the response
/// cache, or finished by an earlier interrupted run, costs nothing.
public struct OptimizeBudget: Sendable, Equatable {
    /// The most model calls, nil for no limit.
    public var maxCalls: Int?
    /// The most US dollars, nil for no limit.
    public var maxUSD: Double?
    /// What one call is reckoned to cost: an estimate from the prompt and the price before anything ran, then
    /// the dearest call seen with a quarter's margin.
    public var costPerCall: Double
    /// Spent so far, this run and earlier runs of the same optimisation.
    public var spentCalls = 0
    public var spentUSD = 0.0

    /// A budget of `maxCalls` calls and `maxUSD` dollars at `costPerCall` a call.
    public init(maxCalls: Int?, maxUSD: Double?, costPerCall: Double) {
        self.maxCalls = maxCalls
        self.maxUSD = maxUSD
        self.costPerCall = costPerCall
    }

    /// Whether `calls` more calls fit in what is left.
    public func allows(_ calls: Int) -> Bool {
        if let maxCalls, spentCalls + calls > maxCalls { return false }
        if let maxUSD, spentUSD + Double(calls) * costPerCall > maxUSD + 1e-12 { return false }
        return true
    }

    /// Records calls paid for.
    public mutating func spend(calls: Int, usd: Double) {
        spentCalls += calls
        spentUSD += usd
    }

    /// Replaces the estimate with the dearest call seen so far, plus a quarter: the estimate assumes every
    /// answer runs to `max_tokens`, which real answers rarely do.
    public mutating func observe(highestCallCost: Double) {
        guard highestCallCost > 0 else { return }
        costPerCall = highestCallCost * 1.25
    }

    /// `12 calls, $0.0031`.
    public var spentText: String {
        "\(spentCalls) call\(spentCalls == 1 ? "" : "s")" + (spentUSD > 0 ? String(format: ", $%.4f", spentUSD) : "")
    }

    /// `of 200 calls, $1.00` or nothing when unlimited.
    public var limitText: String {
        var parts: [String] = []
        if let maxCalls { parts.append("\(maxCalls) calls") }
        if let maxUSD { parts.append(String(format: "$%.2f", maxUSD)) }
        return parts.isEmpty ? "no limit" : parts.joined(separator: ", ")
    }

    /// The cost of one call estimated before any ran: the prompt and a full context in, `max_tokens` out, at the
    /// model's price (0 for the offline backend or an unpriced model).
    public static func estimatedCallCost(prompt: PromptFile, backend: BackendConfig, config: WorkspaceConfig)
        -> Double
    {
        guard backend.kind != .offline, let price = config.prices[backend.model] else { return 0 }
        let input = prompt.source.count / 4 + config.retrieval.contextTokenBudget + 200
        let output = prompt.parameters["max_tokens"]?.intValue ?? backend.http.defaultMaxTokens
        return price.cost(of: TokenUsage(promptTokens: input, completionTokens: output, estimated: true))
    }
}

/// The most an optimisation will ask a model for, printed before it starts: the baseline on every case, each
/// candidate on the search cases, the winner on the held-out cases, and the proposer's calls.
public struct OptimizePlan: Sendable, Equatable {
    public var cases: Int
    public var repeats: Int
    /// Calls of the baseline (every case), of the search (every candidate, at most), of the held-out check,
    /// and of the proposer.
    public var baselineCalls: Int
    public var searchCalls: Int
    public var validationCalls: Int
    public var proposerCalls: Int
    /// Candidates the search may score.
    public var candidates: Int
    public var costPerCall: Double

    /// Every call the plan may make.
    public var totalCalls: Int { baselineCalls + searchCalls + validationCalls + proposerCalls }
    /// What the run cannot do without: the baseline and the held-out check.
    public var minimumCalls: Int { baselineCalls + validationCalls }

    /// The plan as printed: `plan: at most 190 model calls — baseline 26, search ≤ 140 (9 candidates), …`.
    public var text: String {
        var line =
            "plan: at most \(totalCalls) model calls — baseline \(baselineCalls) (\(cases) cases"
            + (repeats > 1 ? " × \(repeats) repeats" : "") + "), search ≤ \(searchCalls) (\(candidates) candidates), "
            + "held-out check \(validationCalls)"
        if proposerCalls > 0 { line += ", proposer \(proposerCalls)" }
        if costPerCall > 0 { line += String(format: "; about $%.4f at most", Double(totalCalls) * costPerCall) }
        return line
    }
}
