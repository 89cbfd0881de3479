import Foundation

/// `whet optimize`: the improvement loop run by whet itself, within a budget, proposing — never applying — what
/// it found. The eval's cases are split once into search and held-out validation cases (`OptimizeSplit`); the
/// advisor's leading failure class picks the axis to move first (knowledge → context, grounding and behaviour →
/// prompt); candidates on each axis are scored on the search cases (`Optimizer+Search.swift`); the best is run
/// on the held-out cases and proposed only when its paired gain's interval lies above zero. Everything is logged
/// to `evals/optimize/ID.jsonl`; the same options give the same id, so a killed run resumes and pays nothing
/// twice. Design and limits: docs/optimize.md.
public actor Optimizer {
    /// What to optimise and within what.
    public struct Options: Sendable {
        /// Eval files (default: every file in evals/).
        public var files: [URL] = []
        public var prompt: String?
        public var backend: String?
        /// The backend that writes prompt candidates; nil for the checklist's moves.
        public var proposer: String?
        /// An explicit held-out set.
        public var validationFile: URL?
        public var validationShare = 0.5
        public var repeats = 1
        public var concurrency = 4
        public var useCache = true
        public var maxCalls: Int?
        public var maxUSD: Double?
        /// Proposer rounds, and prompts asked for per call.
        public var rounds = 2
        public var proposals = 3
        /// The axes to move, in order; nil lets the advisor's leading failure class decide.
        public var axes: [OptimizeCandidate.Axis]?

        /// Default options: every eval file, the default prompt and backend, no limit.
        public init() {}
    }

    /// What an optimisation reports while it runs.
    public enum Event: Sendable {
        case plan(OptimizePlan)
        case note(String)
        /// A candidate is being scored: its label, the case set, and cells done of total.
        case scoring(candidate: String, set: String, done: Int, total: Int)
        /// Another process runs the same optimisation; this one waits, then resumes from its work.
        case waiting(FileLock.Holder?)
    }

    /// The fewest held-out cases that must be fixed, with none broken, before an exact paired test can call a
    /// gain better than noise at α = 0.05 (2 · ½⁶ ≈ 0.031).
    public static let fewestFixesToShow = 6

    let base: Workspace
    let options: Options
    let onEvent: @Sendable (Event) -> Void
    var budget = OptimizeBudget(maxCalls: nil, maxUSD: nil, costPerCall: 0)
    var outcome: OptimizeOutcome
    var log: OptimizeLog
    var evaluator: CandidateEvaluator?
    var directory: URL
    var nextID: [OptimizeCandidate.Axis: Int] = [:]
    /// Calls kept back during the search for the winner's held-out check, so the search cannot spend them.
    var reserve = 0

    /// An optimiser of `workspace` with `options`, reporting to `onEvent`.
    public init(workspace: Workspace, options: Options, onEvent: @escaping @Sendable (Event) -> Void = { _ in }) {
        base = workspace
        self.options = options
        self.onEvent = onEvent
        directory = workspace.evalsDirectory.appendingPathComponent("optimize")
        log = OptimizeLog(url: directory.appendingPathComponent("none.jsonl"), displayPath: "")
        outcome = OptimizeOutcome(id: "", ending: .noImprovement, message: "", logPath: "")
    }

    /// Runs the optimisation (resuming an interrupted one with the same options) and returns what it found.
    public func run() async throws -> OptimizeOutcome {
        try base.requireWritable(for: "recording the optimisation in evals/optimize/")
        let promptURL = try base.promptURL(named: options.prompt ?? impliedPrompt())
        let prompt = try PromptFile.load(promptURL, displayPath: base.display(promptURL), limits: base.config.limits)
        let backend = try base.config.backend(named: options.backend)
        let proposerConfig = try options.proposer.map { name -> BackendConfig in
            do { return try base.config.backend(named: name) } catch {
                throw OptimizeError.proposer("the proposer '\(name)' is not configured: \(error)")
            }
        }
        let (cases, validation) = try loadCases(for: prompt)
        let id = identity(prompt: prompt, backend: backend, proposer: proposerConfig, cases: cases)
        outcome.id = id
        let cells = directory.appendingPathComponent(id)
        let logURL = directory.appendingPathComponent("\(id).jsonl")
        outcome.logPath = base.display(logURL)
        try DurableFile.makeDirectory(cells)
        let lock = try await FileLock.acquireAsync(
            base.derivedDirectory.appendingPathComponent("locks/optimize-\(id).lock"), purpose: "whet optimize",
            onWait: { [onEvent] in onEvent(.waiting($0)) })
        defer { lock.release() }
        log = OptimizeLog(url: logURL, displayPath: outcome.logPath)
        directory = cells

        let estimate = OptimizeBudget.estimatedCallCost(prompt: prompt, backend: backend, config: base.config)
        if options.maxUSD != nil, backend.kind != .offline, base.config.prices[backend.model] == nil {
            throw OptimizeError.invalid(
                "--budget-usd needs the price of '\(backend.model)': add [prices.\"\(backend.model)\"] with "
                    + "input_per_million and output_per_million to whet.toml")
        }
        budget = OptimizeBudget(maxCalls: options.maxCalls, maxUSD: options.maxUSD, costPerCall: estimate)
        let earlier = earlierSpending(cells: cells, logURL: logURL)
        budget.spend(calls: earlier.calls, usd: earlier.usd)
        var judged: [String: RetrievalComparison.JudgedCase] = [:]
        for item in cases {
            judged[OptimizeSplit.caseID(item)] = RetrievalComparison.judged(item, label: OptimizeSplit.caseID(item))
        }
        let evaluator = CandidateEvaluator(
            base: base, directory: cells, backend: backend, repeats: options.repeats,
            concurrency: options.concurrency, useCache: options.useCache, judged: judged)
        self.evaluator = evaluator

        let baselineCandidate = OptimizeCandidate(
            id: "c0", axis: .baseline, label: "the workspace as it is", how: "baseline", parent: nil,
            variant: .baseline, prompt: prompt)
        let plan = makePlan(cases: cases.count, validation: validation, prompt: prompt, backend: backend)
        outcome.plan = plan
        onEvent(.plan(plan))
        var planEntry = OptimizeLog.Entry(kind: "plan")
        planEntry.message = plan.text
        try log.append(planEntry)
        let baselinePending = try await evaluator.pendingCalls(baselineCandidate, cases: cases)
        // A resumed run whose baseline is recorded passed this check before; it pays only for what is new.
        guard baselinePending == 0 || budget.allows(baselinePending + plan.validationCalls) else {
            throw OptimizeError.budgetTooSmall(
                plan: plan.text,
                needed:
                    "it needs \(budget.spentCalls + baselinePending + plan.validationCalls) calls at least — the baseline "
                    + "\(baselinePending) and the held-out check \(plan.validationCalls)"
                    + (budget.spentCalls > 0 ? " on top of \(budget.spentCalls) spent earlier" : "")
                    + "; the budget is \(budget.limitText)")
        }

        guard let baseline = try await score(baselineCandidate, cases: cases, set: "all") else {
            return finish(.noImprovement, "the budget ran out before the baseline finished")
        }
        guard baseline.answered > 0 else {
            throw OptimizeError.noCases(
                "no answer of the baseline could be checked (\(baseline.errors) of \(cases.count * options.repeats) runs "
                    + "failed): fix the runs first; whet eval shows why")
        }
        let classes = classify(baseline.results, cases: cases)
        guard !classes.isEmpty else {
            return finish(
                .nothingToOptimise,
                "every one of the \(baseline.answered) checked cases already passes: nothing to optimise; add harder cases"
            )
        }
        noteMissingFacts(cases, classes: classes)
        let split =
            validation.map { OptimizeSplit.explicit(cases, validation: $0.cases, file: $0.file) }
            ?? OptimizeSplit.stratified(
                cases, strata: classes.mapValues(\.rawValue), validationShare: options.validationShare)
        outcome.split =
            "\(split.search.count) search, \(split.validation.count) held out — \(split.how)"
        var splitEntry = OptimizeLog.Entry(kind: "split")
        splitEntry.message = outcome.split
        splitEntry.cases = split.validation.map { .init(id: OptimizeSplit.caseID($0), passed: 0, answered: 0) }
        try log.append(splitEntry)
        let heldOutFailing = split.validation.filter { classes[OptimizeSplit.caseID($0)] != nil }.count
        guard heldOutFailing >= Self.fewestFixesToShow else {
            return finish(
                .validationTooSmall,
                tooSmallMessage(
                    failing: heldOutFailing, classes: classes.count,
                    answered: baseline.answered))
        }

        reserve = split.validation.count * options.repeats
        let searchIDs = Set(split.search.map(OptimizeSplit.caseID))
        // The axis is chosen from the search cases' failures, so nothing about the held-out cases steers the search.
        let searchClasses = classes.filter { searchIDs.contains($0.key) }
        let order = options.axes ?? axisOrder(searchClasses.isEmpty ? classes : searchClasses)
        var best = (candidate: baselineCandidate, score: baseline.restricted(to: searchIDs))
        for axis in order where !outcome.budgetStopped {
            switch axis {
            case .context: best = try await searchContext(from: best, split: split, classes: classes)
            case .prompt:
                best = try await searchPrompt(
                    from: best, split: split, proposer: proposerConfig, backend: backend, classes: classes)
            case .baseline: break
            }
        }
        return try await validate(
            best, baseline: baseline, baselineCandidate: baselineCandidate, split: split,
            classes: classes, prompt: prompt)
    }
}
