import Foundation

/// Runs a candidate on a set of cases as an eval: its prompt, its retrieval settings (a retriever opened once per
/// setting and kept), the workspace's backend, through the response cache. Cells go to
/// `evals/optimize/ID/EVAL.jsonl` with the eval runner's resume, so a killed optimisation re-runs nothing it had
/// finished, and never to `evals/results/`, which advise, report and --baseline read.
actor CandidateEvaluator {
    let base: Workspace
    let directory: URL
    let backend: BackendConfig
    let repeats: Int
    let concurrency: Int
    let useCache: Bool
    /// What each case says retrieval should find, by case id.
    let judged: [String: RetrievalComparison.JudgedCase]
    private var opened: [String: (Workspace, (any ChunkRetriever)?)] = [:]

    init(
        base: Workspace, directory: URL, backend: BackendConfig, repeats: Int, concurrency: Int, useCache: Bool,
        judged: [String: RetrievalComparison.JudgedCase]
    ) {
        self.base = base
        self.directory = directory
        self.backend = backend
        self.repeats = repeats
        self.concurrency = concurrency
        self.useCache = useCache
        self.judged = judged
    }

    /// The workspace with the candidate's settings and its retriever (nil when retrieval is off).
    func open(_ variant: RetrievalVariant) async throws -> (Workspace, (any ChunkRetriever)?) {
        if let known = opened[variant.name] { return known }
        let result: (Workspace, (any ChunkRetriever)?)
        let workspace = try variant.apply(to: base)
        if workspace.config.retrieval.enabled {
            let (applied, retriever) = try await RetrievalComparison.open(variant, base: base)
            result = (applied, retriever)
        } else {
            result = (workspace, nil)
        }
        opened[variant.name] = result
        return result
    }

    func plan(_ candidate: OptimizeCandidate, cases: [EvalCase]) -> EvalRunner.Plan {
        var plan = EvalRunner.Plan(cases: cases, caseFiles: [])
        plan.promptFiles = [candidate.prompt]
        plan.backendConfigs = [backend]
        plan.repeats = repeats
        plan.concurrency = concurrency
        plan.useCache = useCache
        plan.grader = base.config.evalGrader
        plan.identityNotes = ["optimize retrieval \(candidate.variant.name)"]
        return plan
    }

    /// Cells running the candidate on `cases` would ask a model for now, at most.
    func pendingCalls(_ candidate: OptimizeCandidate, cases: [EvalCase]) async throws -> Int {
        let (workspace, retriever) = try await open(candidate.variant)
        return try EvalRunner(workspace: workspace, resultsDirectory: directory).pendingCells(
            plan(candidate, cases: cases), retriever: retriever
        ).pending
    }

    /// Runs the candidate on `cases` and scores it.
    func evaluate(
        _ candidate: OptimizeCandidate, cases: [EvalCase], progress: EvalRunner.Progress? = nil,
        onWait: (@Sendable (String, FileLock.Holder?) -> Void)? = nil
    ) async throws -> OptimizeScore {
        let (workspace, retriever) = try await open(candidate.variant)
        let runner = EvalRunner(workspace: workspace, resultsDirectory: directory)
        let plan = plan(candidate, cases: cases)
        let (id, _, _) = try runner.pendingCells(plan, retriever: retriever)
        let url = runner.resultsURL(id)
        let before = Set(
            EvalResultsFile.read(url, displayPath: workspace.display(url)).results.filter { $0.status != .error }.map(
                \.cell))
        let (_, results, _) = try await runner.run(plan, retriever: retriever, progress: progress, onWait: onWait)
        let new = results.filter { !before.contains($0.cell) }
        var perCase: [String: (passed: Int, answered: Int)] = [:]
        for item in cases { perCase[OptimizeSplit.caseID(item)] = (0, 0) }
        var hits: [Double] = []
        var ranks: [Double] = []
        for result in results {
            let id = OptimizeSplit.caseID(result)
            if result.status == .passed || result.status == .failed {
                perCase[id, default: (0, 0)].answered += 1
                if result.status == .passed { perCase[id, default: (0, 0)].passed += 1 }
            }
            if result.repeatIndex == 0, let expected = judged[id], let retrieval = result.retrieval {
                let judgedResult = RetrievalComparison.judge(
                    retrieval.chunks.filter { $0.citation != nil }.map(\.chunk), against: expected)
                hits.append(judgedResult.hit ? 1 : 0)
                ranks.append(judgedResult.reciprocalRank)
            }
        }
        let paid = new.filter { $0.cached != true }
        return OptimizeScore(
            perCase: perCase, evalID: id, calls: paid.count, cached: new.count - paid.count,
            costUSD: paid.reduce(0) { $0 + ($1.costUSD ?? 0) },
            hitRate: hits.isEmpty ? nil : hits.reduce(0, +) / Double(hits.count),
            meanReciprocalRank: ranks.isEmpty ? nil : ranks.reduce(0, +) / Double(ranks.count),
            errors: results.filter { $0.status == .error }.count, results: results)
    }

    /// The highest cost of one paid call in the score's eval (to keep a dollar budget), 0 when none was priced.
    func highestCallCost(evalID: String) -> Double {
        let url = directory.appendingPathComponent("\(evalID).jsonl")
        return EvalResultsFile.read(url, displayPath: base.display(url)).results.filter { $0.cached != true }
            .compactMap(
                \.costUSD
            ).max() ?? 0
    }
}
