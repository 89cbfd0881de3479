import Foundation

/// The advisor's reading of the latest eval: failures by class with the cases behind each, the recommended
/// next move and why, the prompt-engineering checklist, and fine-tuning readiness. `whet advise` prints it;
/// the sidebar shows it. Rules and thresholds: docs/advisor.md.
public struct Advice: Sendable, Codable {
    /// The next move with its reasons, steps and the cases it rests on.
    public struct Recommendation: Sendable, Equatable, Codable {
        /// The move: "context optimisation", "prompt engineering", "fine-tuning", "add evidence", "build a baseline", "keep going".
        public var move: String
        /// One or two sentences of why, naming the numbers.
        public var why: String
        /// The concrete next steps.
        public var steps: [String]
        /// The case labels it rests on.
        public var basedOn: [String]

        enum CodingKeys: String, CodingKey {
            case move, why, steps
            case basedOn = "based_on"
        }
    }

    /// How many fine-tuning examples exist against OpenAI's minimum and recommended counts.
    public struct FineTuningReadiness: Sendable, Equatable, Codable {
        /// Runs rated good plus eval cases carrying an expected answer.
        public var examples: Int
        /// OpenAI's minimum.
        public var minimum = 10
        /// OpenAI's recommended range.
        public var recommended = "50–100"
        public var ready: Bool { examples >= minimum }
    }

    public var evalID: String?
    public var resultsPath: String?
    public var cells: Int
    /// Passed over evaluated cells.
    public var passRate: Double
    /// Cells the pass rate covers, and cells nothing could check (never counted as passes).
    public var evaluated = 0
    public var notEvaluated = 0
    public var counts: [String: Int]
    public var failures: [ClassifiedFailure]
    public var recommendation: Recommendation
    public var region: String
    public var checklist: [String: Bool]
    public var fineTuning: FineTuningReadiness

    enum CodingKeys: String, CodingKey {
        case cells, counts, failures, recommendation, region, checklist
        case evalID = "eval_id"
        case resultsPath = "results"
        case passRate = "pass_rate"
        case fineTuning = "fine_tuning"
        case evaluated
        case notEvaluated = "not_evaluated"
    }
}

/// Builds `Advice` from a workspace and its latest eval results.
public enum Advisor {
    /// The share of failures a class must reach to lead the recommendation (when classes are mixed).
    public static let leadingShare = 0.4
    /// How many prompt variants a case must fail in, with the same class, before fine-tuning is suggested.
    public static let variantsBeforeFineTuning = 2
    /// Examples at which fine-tuning is recommended rather than merely possible.
    public static let plentifulExamples = 50

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

    /// Advice from `results` (nil: the latest file) for `workspace`.
    public static func advise(workspace: Workspace, resultsURL: URL? = nil, promptText: String? = nil) throws -> Advice
    {
        let url = resultsURL ?? latestResults(in: workspace)
        let results =
            url.map {
                JSONLines.read(
                    EvalResult.self, from: $0, displayPath: workspace.display($0), what: "eval result",
                    maxLineBytes: workspace.config.limits.maxLineBytes
                ).records
            } ?? []
        let cases = try loadCases(workspace)
        let failures = results.filter { $0.status == .failed || $0.status == .error }.map { result in
            FailureClassifier.classify(
                result, expectedFacts: cases["\(result.caseRef.file):\(result.caseRef.line)"]?.facts ?? [])
        }
        var counts: [String: Int] = [:]
        for type in FailureClass.allCases { counts[type.rawValue] = failures.filter { $0.failureClass == type }.count }
        let examples = cases.values.filter(\.hasExpectedAnswer).count + ratedRuns(workspace)
        let prompt = promptText ?? (try? String(contentsOf: workspace.promptURL(named: nil), encoding: .utf8)) ?? ""
        let caseCount = cases.count
        let assessment = FrameworkAssessment.assess(
            workspace: workspace, promptText: prompt,
            backend: try? workspace.config.backend(named: nil), evalCaseCount: caseCount, evalRan: !results.isEmpty)
        let readiness = Advice.FineTuningReadiness(examples: examples)
        let summary = EvalSummary(results).counts
        var advice = Advice(
            evalID: results.first?.evalID, resultsPath: url.map { workspace.display($0) }, cells: results.count,
            passRate: summary.passRate, counts: counts, failures: failures,
            recommendation: recommend(
                results: results, failures: failures, readiness: readiness, workspace: workspace, assessment: assessment
            ),
            region: assessment.region.rawValue,
            checklist: Dictionary(uniqueKeysWithValues: assessment.checklist.map { ($0.label, $0.done) }),
            fineTuning: readiness)
        advice.evaluated = summary.evaluated
        advice.notEvaluated = summary.notRun
        return advice
    }

    static func recommend(
        results: [EvalResult], failures: [ClassifiedFailure], readiness: Advice.FineTuningReadiness,
        workspace: Workspace, assessment: FrameworkAssessment
    ) -> Advice.Recommendation {
        guard !results.isEmpty else {
            return .init(
                move: "build a baseline",
                why: "No eval results yet: every change needs a baseline to be measured against.",
                steps: [
                    "write cases in evals/*.jsonl (vars + assert; expected facts let the advisor classify failures)",
                    "run `whet eval`",
                ],
                basedOn: [])
        }
        guard !failures.isEmpty else {
            return .init(
                move: "keep going", why: "All \(results.count) cells pass.",
                steps: [
                    "add harder cases, or cases from real traffic, until some fail",
                    "then change one thing at a time and re-run `whet eval`",
                ],
                basedOn: [])
        }
        // The leading class: the largest, ties broken knowledge > grounding > behaviour > unknown (fix what the
        // model cannot see before how it uses it).
        var leading: (FailureClass, [ClassifiedFailure]) = (.unknown, [])
        for type in FailureClass.allCases {  // in priority order: a later class must have strictly more to lead
            let members = failures.filter { $0.failureClass == type }
            if members.count > leading.1.count { leading = (type, members) }
        }
        let share = Double(leading.1.count) / Double(failures.count)
        let basedOn = Array(Set(leading.1.map(\.label))).sorted()
        let count = "\(leading.1.count) of \(failures.count) failures"
        let mixed = share < leadingShare ? " (failures are mixed; this class leads)" : ""
        // The same case failing with the same class under several prompt versions.
        var versionsPerCase: [String: Set<String>] = [:]
        for failure in leading.1 { versionsPerCase[failure.label, default: []].insert(failure.promptHash) }
        let persistent = versionsPerCase.filter { $0.value.count >= variantsBeforeFineTuning }.keys.sorted()
        let retrievalOn = workspace.config.retrieval.enabled
        switch leading.0 {
        case .knowledge:
            return .init(
                move: "context optimisation",
                why:
                    "\(count) are knowledge failures: the expected facts were in neither the answer nor the retrieved context\(mixed).",
                steps: retrievalOn
                    ? [
                        "check that the facts are in the corpus at all; add the documents that hold them",
                        "compare retrieval settings: `whet retrieval compare --with \"method=hybrid\" --with \"top_k=8\" --with \"chunking=sentence\"`",
                        "try reranking (`rerank = true`) or query expansion when the right chunks rank just below k",
                    ]
                    : [
                        "turn on retrieval ([retrieval] enabled = true, {{context}} in the prompt) and index the documents that hold the facts"
                    ],
                basedOn: basedOn)
        case .grounding:
            let fineTune = !persistent.isEmpty
            return .init(
                move: fineTune ? "fine-tuning" : "prompt engineering",
                why:
                    "\(count) are grounding failures: the facts were in the context but the answer missed them\(mixed)."
                    + (fineTune
                        ? " \(persistent.count) case(s) fail this way under \(variantsBeforeFineTuning)+ prompt versions."
                        : ""),
                steps: fineTune
                    ? [
                        "collect corrected answers for these cases (rate runs, or expected answers in the eval cases)",
                        "fine-tune when \(readiness.minimum)+ examples exist (\(readiness.examples) now; \(readiness.recommended) recommended)",
                    ]
                    : [
                        "instruct the model to answer only from the context and to say when it is missing",
                        "ask it to quote the passage it relies on before answering",
                        "give it room to think step by step",
                    ],
                basedOn: basedOn)
        case .behaviour:
            let fineTune = !persistent.isEmpty && readiness.examples >= plentifulExamples
            return .init(
                move: fineTune ? "fine-tuning" : "prompt engineering",
                why: "\(count) are behaviour or format failures with the knowledge present\(mixed).",
                steps: fineTune
                    ? [
                        "fine-tune on the \(readiness.examples) examples: the format failures persist across prompt versions"
                    ]
                    : [
                        "state the format explicitly (a schema or a template of the answer)",
                        "add one or two examples of a correct answer (few-shot)",
                    ]
                        + (persistent.isEmpty
                            ? []
                            : [
                                "they persist across prompt versions: gather \(plentifulExamples)+ examples to fine-tune (\(readiness.examples) now)"
                            ]),
                basedOn: basedOn)
        case .unknown:
            return .init(
                move: "add evidence",
                why:
                    "\(count) could not be classified: their cases name no expected facts, or the runs failed\(mixed).",
                steps: [
                    "add expected facts to these cases (contains / context-recall assertions, or metadata.expected_facts)",
                    "add an llm-rubric with a grader (`whet eval --grader BACKEND`) for qualities facts cannot capture",
                    "add more cases of the kind that fails",
                ],
                basedOn: basedOn)
        }
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
