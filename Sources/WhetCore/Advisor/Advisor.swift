import Foundation

/// Builds `Advice` from a workspace and an eval's verdict. The verdict (`EvalVerdict`) is the one reading of
/// the results; the advisor adds the failure classes, the prompt's traits, the change since the previous eval
/// of the same prompt, and the move. Rules and thresholds: docs/advisor.md.
public enum Advisor {
    /// The share of failures a class must reach to lead the recommendation (when classes are mixed).
    public static let leadingShare = 0.4
    /// How many prompt variants a case must fail in, with the same class, before fine-tuning is suggested.
    public static let variantsBeforeFineTuning = 2
    /// Examples at which fine-tuning is recommended rather than merely possible.
    public static let plentifulExamples = 50
    /// A detectable change (80 % power) above this many points makes the advisor say the eval is small.
    public static let smallEvalPoints = 0.2

    /// The newest results file in `evals/results/`, if any.
    public static func latestResults(in workspace: Workspace) -> URL? {
        let directory = workspace.evalsDirectory.appendingPathComponent("results")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".jsonl") }.map { directory.appendingPathComponent($0) }.max { a, b in
            let dateA =
                (try? FileManager.default.attributesOfItem(atPath: a.path)[.modificationDate] as? Date) ?? .distantPast
            let dateB =
                (try? FileManager.default.attributesOfItem(atPath: b.path)[.modificationDate] as? Date) ?? .distantPast
            return dateA < dateB
        }
    }

    /// Advice from `results` (nil: the latest file) for `workspace`; `promptText` is the prompt being edited
    /// (the workbench's buffer), else the text of the version the eval ran, else the default prompt.
    public static func advise(workspace: Workspace, resultsURL: URL? = nil, promptText: String? = nil) throws -> Advice
    {
        let url = resultsURL ?? latestResults(in: workspace)
        let id = url?.deletingPathExtension().lastPathComponent
        let results =
            url.map {
                EvalResultsFile.read(
                    $0, displayPath: workspace.display($0), maxLineBytes: workspace.config.limits.maxLineBytes
                ).results
            } ?? []
        let verdict = EvalVerdict(id: id, results: results)
        let cases = try loadCases(workspace)
        let failures = results.filter { $0.status == .failed }.map { result in
            FailureClassifier.classify(
                result, expectedFacts: cases["\(result.caseRef.file):\(result.caseRef.line)"]?.facts ?? [])
        }
        var counts: [String: Int] = [:]
        for type in FailureClass.allCases { counts[type.rawValue] = failures.filter { $0.failureClass == type }.count }
        let examples = cases.values.filter(\.hasExpectedAnswer).count + ratedRuns(workspace)
        let prompt =
            promptText
            ?? verdict.prompts.first.flatMap { PromptVersions(workspace: workspace).text($0.hash, promptPath: $0.path) }
            ?? (try? String(contentsOf: workspace.promptURL(named: nil), encoding: .utf8)) ?? ""
        let assessment = FrameworkAssessment.assess(
            workspace: workspace, promptText: prompt, backend: try? workspace.config.backend(named: nil),
            evalCaseCount: cases.count, evalRan: verdict.checkedAnything)
        let readiness = Advice.FineTuningReadiness(examples: examples)
        let change = url.flatMap { changeSinceEarlier(verdict, resultsURL: $0, workspace: workspace) }
        let facts = AdvisorMoves.Facts(
            verdict: verdict, failures: failures, readiness: readiness, traits: PromptTraits(prompt),
            retrievalOn: workspace.config.retrieval.enabled, topK: workspace.config.retrieval.topK,
            contextTokenBudget: workspace.config.retrieval.contextTokenBudget, change: change)
        var advice = Advice(
            evalID: results.isEmpty ? nil : verdict.id, resultsPath: url.map { workspace.display($0) },
            cells: results.count, passRate: verdict.passRate, counts: counts, failures: failures,
            recommendation: AdvisorMoves.recommend(facts), region: assessment.region.rawValue,
            checklist: Dictionary(uniqueKeysWithValues: assessment.checklist.map { ($0.label, $0.done) }),
            fineTuning: readiness)
        advice.evaluated = verdict.counts.answered
        advice.notEvaluated = verdict.counts.notEvaluated
        if !results.isEmpty {
            advice.headline = verdict.headline
            advice.cellCounts = verdict.counts
        }
        advice.rate = verdict.rate
        advice.checkedAnything = verdict.checkedAnything
        advice.runFailures = verdict.counts.errors > 0 ? verdict.runFailures : nil
        advice.flaky = verdict.flaky
        advice.power = verdict.power
        advice.change = change
        return advice
    }

    /// The change from the latest earlier eval that checked the same prompt's answers on shared cases. Files are
    /// taken newest first by modification time and read one at a time until one serves, so advice does not read
    /// a whole history of results (the workbench asks again after every rating).
    static func changeSinceEarlier(_ verdict: EvalVerdict, resultsURL: URL, workspace: Workspace) -> Advice.Change? {
        guard verdict.checkedAnything else { return nil }
        let directory = resultsURL.deletingLastPathComponent()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        func modified(_ url: URL) -> Date {
            (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate] as? Date) ?? .distantPast
        }
        let current = modified(resultsURL)
        let earlier = names.filter { $0.hasSuffix(".jsonl") && $0 != resultsURL.lastPathComponent }
            .map { directory.appendingPathComponent($0) }
            .map { (url: $0, date: modified($0)) }.filter { $0.date <= current }
            .sorted { $0.date > $1.date }
        let paths = Set(verdict.prompts.map(\.path))
        for (url, _) in earlier.prefix(50) {
            let results = EvalResultsFile.read(
                url, displayPath: workspace.display(url), maxLineBytes: workspace.config.limits.maxLineBytes
            ).results.filter { paths.contains($0.prompt.path) }
            guard !results.isEmpty else { continue }
            let before = EvalVerdict(id: url.deletingPathExtension().lastPathComponent, results: results)
            guard before.checkedAnything else { continue }
            let comparison = EvalComparison(before: before, after: verdict)
            guard comparison.difference.cases > 0 else { continue }
            return Advice.Change(evalID: before.id, difference: comparison.difference, headline: comparison.headline)
        }
        return nil
    }

    struct CaseFacts {
        var facts: [String]
        var hasExpectedAnswer: Bool
    }

    /// Every case's metadata facts and whether it carries an expected answer, by `file:line`.
    static func loadCases(_ workspace: Workspace) throws -> [String: CaseFacts] {
        var cases: [String: CaseFacts] = [:]
        for url in workspace.evalFiles() {
            for item in try EvalFile.load(url, displayPath: workspace.display(url), limits: workspace.config.limits) {
                let facts = item.metadata["expected_facts"]?.arrayValue?.compactMap(\.stringValue) ?? []
                let answer =
                    item.metadata["expected_answer"]?.stringValue ?? item.metadata["expected_output"]?.stringValue
                cases["\(item.location.file):\(item.location.line ?? 0)"] = CaseFacts(
                    facts: facts, hasExpectedAnswer: answer != nil)
            }
        }
        return cases
    }

    /// Rated runs that make a fine-tuning example (rated good, or corrected), in every session.
    static func ratedRuns(_ workspace: Workspace) -> Int {
        FineTuningExporter(workspace: workspace).fromRatedRuns().candidates.count
    }
}
