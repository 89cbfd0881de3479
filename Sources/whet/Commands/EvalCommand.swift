import ArgumentParser
import Foundation
import WhetCore

/// `whet eval`: the eval matrix run, summarised, and gated.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Run eval cases against prompt variants and backends; results go to evals/results/ID.jsonl.",
        discussion: """
            Every case of the given files (default: evals/*.jsonl and *.yaml) runs with every --prompt and every \
            --backend, --repeat times, through the response cache unless --no-cache. Results are appended as cells \
            finish, and the eval's ID is a hash of what it is made of: running the same eval again resumes where it \
            stopped and pays for nothing twice. Assertions a model must grade need --grader BACKEND; without one \
            they are reported as not run, never as passed.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Eval files (default: every file in evals/).")
    var files: [String] = []

    @Option(name: .customLong("prompt"), help: "A prompt variant to run (repeatable; default: the default prompt).")
    var prompts: [String] = []

    @Option(name: .customLong("backend"), help: "A backend to run on (repeatable; default: the default backend).")
    var backends: [String] = []

    @Option(name: .customLong("repeat"), help: "Runs per cell, to see variance.")
    var repeats = 1

    @Option(help: "Cells in flight at once.")
    var concurrency = 4

    @Option(
        help:
            "The backend that grades llm-rubric, answer-relevance and context-faithfulness (default: [evals] grader in whet.toml)."
    )
    var grader: String?

    @Flag(name: .customLong("no-cache"), help: "Do not answer from .whet/cache (every cell calls the model).")
    var noCache = false

    @Option(name: .customLong("junit"), help: "Also write a JUnit XML report to FILE (for CI).")
    var junit: String?

    @Option(
        name: .customLong("fail-under"),
        help: "Exit with status 1 when the pass rate is below RATE (0–1 or a percentage).")
    var failUnder: String?

    @Option(help: "Compare with an earlier eval: its ID (a prefix is enough) or 'previous' (the latest other eval).")
    var baseline: String?

    @Option(
        name: .customLong("fail-on-regression"),
        help: ArgumentHelp(
            "With --baseline: exit with status 1 on a regression: 'significant' (the paired test says worse, "
                + "p < 0.05) or 'any' (any case passes less often). A bare --fail-on-regression means significant.",
            valueName: "significant|any"))
    var failOnRegression: RegressionRuleArgument?

    @Flag(
        name: .customLong("from-config"),
        help:
            "Run a promptfoo config's own 'prompts' and 'providers' (openai:, anthropic:messages:, ollama:chat:) instead of whet's; with --backend, its prompts on those whet backends instead of its providers."
    )
    var fromConfig = false

    @Flag(
        name: .customLong("allow-not-evaluated"),
        help: "With --fail-under: accept cells that no assertion could check (by default they fail the gate).")
    var allowNotEvaluated = false

    @Flag(help: "Print every result as JSON.")
    var json = false

    func validate() throws {
        if repeats < 1 { throw ValidationError("--repeat must be at least 1, found \(repeats)") }
        if concurrency < 1 { throw ValidationError("--concurrency must be at least 1, found \(concurrency)") }
        if failOnRegression != nil && baseline == nil {
            throw ValidationError("--fail-on-regression needs --baseline ID|previous")
        }
        if let failUnder, EvalGate.parseRate(failUnder) == nil {
            throw ValidationError("--fail-under expects a rate from 0 to 1 or a percentage, found '\(failUnder)'")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let workspace = try global.openWorkspace()
            let urls =
                files.isEmpty
                ? workspace.evalFiles()
                : files.map {
                    URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                        .standardizedFileURL
                }
            var job = try EvalJob(workspace: workspace, files: urls)
            for warning in job.warnings { Terminal.warn(warning.description) }
            job.plan.prompts = prompts.isEmpty ? [nil] : prompts.map { Optional($0) }
            job.plan.backends = backends.isEmpty ? [nil] : backends.map { Optional($0) }
            if fromConfig {
                guard urls.count == 1, prompts.isEmpty else {
                    throw ValidationError("--from-config takes one promptfoo config and no --prompt")
                }
                let config = try PromptfooConfig.load(
                    urls[0], displayPath: workspace.display(urls[0]), limits: workspace.config.limits)
                // --backend replaces the config's providers, as promptfoo's --providers does.
                let matrix = try PromptfooMatrix(config, limits: workspace.config.limits, providers: backends.isEmpty)
                job.plan.promptFiles = matrix.prompts
                if backends.isEmpty { job.plan.backendConfigs = matrix.backends }
                let names =
                    backends.isEmpty
                    ? matrix.backends.map { "\($0.name) (\($0.kind.rawValue) \($0.model))" }
                    : backends.map { "\($0) (whet.toml, instead of the config's providers)" }
                Terminal.note(
                    "from the config: prompts \(matrix.prompts.map(\.name).joined(separator: ", ")); "
                        + "backends \(names.joined(separator: ", "))")
            }
            job.plan.repeats = repeats
            job.plan.concurrency = concurrency
            job.plan.useCache = !noCache
            job.plan.grader = grader ?? workspace.config.evalGrader
            try job.checkPairing { Terminal.note($0) }
            let retriever =
                workspace.config.retrieval.enabled
                ? try await RetrievalOptionGroup.openRetriever(
                    workspace, options: RetrievalOptions(workspace.config.retrieval)) : nil
            let started = Date()
            let outcome = try await job.run(retriever: retriever) { event in
                switch event {
                case .progress(let done, let total):
                    Terminal.progressBar("eval", done: done, total: total, started: started)
                case .waiting(let id, let holder): Terminal.note(EvalJob.waitingNote(id: id, holder: holder))
                }
            }
            let (id, resumed) = (outcome.id, outcome.resumed)
            Terminal.clearProgress()
            let verdict = outcome.verdict
            var comparison: EvalComparison? = nil
            if let baseline {
                let earlier = EvalHistory(workspace: workspace).files().filter { $0.id != id }
                let chosen = EvalHistory.pick(baseline, in: earlier)
                guard let chosen else {
                    throw ValidationError(
                        baseline == "previous"
                            ? "no earlier eval in evals/results/ that checked anything to compare with"
                            : "no eval in evals/results/ has an id starting with '\(baseline)'; there are: \(earlier.map(\.id).joined(separator: ", "))"
                    )
                }
                comparison = EvalComparison(before: chosen.verdict, after: verdict)
            }
            let resultsPath = workspace.display(EvalRunner(workspace: workspace).resultsURL(id))
            if json {
                try Terminal.writeJSON(
                    EvalJSON(
                        id: id, resultsPath: resultsPath, verdict: verdict,
                        comparison: comparison.map(EvalJSON.Comparison.init), results: outcome.results))
            } else {
                Terminal.write(EvalVerdictText.report(verdict, resultsPath: resultsPath, resumed: resumed))
                if let comparison { Terminal.write("\n" + comparison.report()) }
            }
            if let junit {
                let url = URL(
                    fileURLWithPath: junit, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                try DurableFile.writeAtomically(Data(JUnitReport.render(verdict).utf8), to: url)
            }
            if let nothing = EvalGate.checkedSomething(verdict) {
                Terminal.warn("error: " + nothing)
                throw ExitCode(1)
            }
            if let failUnder, let rate = EvalGate.parseRate(failUnder),
                let failure = EvalGate.failUnder(rate, verdict: verdict, allowNotEvaluated: allowNotEvaluated)
            {
                Terminal.warn("error: " + failure)
                throw ExitCode(1)
            }
            if let rule = failOnRegression, let comparison,
                let failure = EvalGate.regression(comparison, rule: rule.rule)
            {
                Terminal.warn("error: " + failure)
                throw ExitCode(1)
            }
        }
    }
}

/// `--fail-on-regression`'s value: `significant` (the default when the flag is given bare) or `any`.
struct RegressionRuleArgument: ExpressibleByArgument {
    var rule: EvalGate.RegressionRule

    init?(argument: String) {
        guard let rule = EvalGate.RegressionRule(rawValue: argument) else { return nil }
        self.rule = rule
    }

    static var allValueStrings: [String] { EvalGate.RegressionRule.allCases.map(\.rawValue) }
}

/// What `whet eval --json` prints: the verdict every front end reads, the comparison with a baseline when one
/// was asked for, and the cells.
struct EvalJSON: Encodable {
    /// The comparison with its baseline's id.
    struct Comparison: Encodable {
        var baseline: String
        var fixed: Int
        var regressed: Int
        var difference: PairedDifference
        var scoreDifference: PairedDifference?
        var headline: String

        enum CodingKeys: String, CodingKey {
            case baseline, fixed, regressed, difference, headline
            case scoreDifference = "score_difference"
        }

        init(_ comparison: EvalComparison) {
            baseline = comparison.baseline.id
            fixed = comparison.fixed.count
            regressed = comparison.regressed.count
            difference = comparison.difference
            scoreDifference = comparison.scoreDifference
            headline = comparison.headline
        }
    }

    var id: String
    var resultsPath: String
    var verdict: EvalVerdict
    var comparison: Comparison?
    var results: [EvalResult]

    enum CodingKeys: String, CodingKey {
        case id, verdict, comparison, results
        case resultsPath = "results_path"
    }
}
