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

    @Flag(
        name: .customLong("fail-on-regression"),
        help: "With --baseline: exit with status 1 when any case passes less often than before.")
    var failOnRegression = false

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
        if failOnRegression && baseline == nil {
            throw ValidationError("--fail-on-regression needs --baseline ID|previous")
        }
        if let failUnder, EvalSummary.parseRate(failUnder) == nil {
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
            let (id, results, resumed) = (outcome.id, outcome.results, outcome.resumed)
            Terminal.clearProgress()
            let summary = EvalSummary(results)
            if json {
                try Terminal.writeJSON(results)
            } else {
                Terminal.write(
                    summary.report(
                        id: id, resultsPath: workspace.display(EvalRunner(workspace: workspace).resultsURL(id)),
                        resumed: resumed))
            }
            var regressed = false
            if let baseline {
                let earlier = EvalHistory(workspace: workspace).files().filter { $0.id != id }
                let chosen = EvalHistory.pick(baseline, in: earlier)
                guard let chosen else {
                    throw ValidationError(
                        baseline == "previous"
                            ? "no earlier eval in evals/results/ to compare with"
                            : "no eval in evals/results/ has an id starting with '\(baseline)'; there are: \(earlier.map(\.id).joined(separator: ", "))"
                    )
                }
                let comparison = EvalComparison(before: chosen.results, after: results)
                regressed = !comparison.regressed.isEmpty
                if !json {
                    Terminal.write(
                        "\n" + comparison.report(baselineID: chosen.id, baselineRate: chosen.summary.passRate))
                }
            }
            if let junit {
                let url = URL(
                    fileURLWithPath: junit, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                try DurableFile.writeAtomically(Data(summary.junitXML(id: id).utf8), to: url)
            }
            let counts = summary.counts
            if counts.evaluated == 0 || counts.errors == counts.evaluated {
                Terminal.warn(
                    counts.evaluated == 0
                        ? "error: no cell could be evaluated (\(results.first?.notRunReason ?? "no results")); the eval checked nothing"
                        : "error: every run failed (\(results.compactMap(\.error).first ?? "")); the eval checked nothing"
                )
                throw ExitCode(1)
            }
            if let failUnder, let rate = EvalSummary.parseRate(failUnder) {
                if counts.notRun > 0 && !allowNotEvaluated {
                    Terminal.warn(
                        "error: \(counts.notRun) of \(counts.total) cells could not be evaluated "
                            + "(\(results.first { $0.status == .notRun }?.notRunReason ?? "")); --fail-under needs every cell "
                            + "checked: fix that, or pass --allow-not-evaluated to gate on the \(counts.evaluated) that were"
                    )
                    throw ExitCode(1)
                }
                if summary.passRate < rate {
                    Terminal.warn(
                        String(
                            format: "error: pass rate %.1f%% (of %d evaluated) is below --fail-under %.1f%%",
                            summary.passRate * 100, counts.evaluated, rate * 100))
                    throw ExitCode(1)
                }
            }
            if failOnRegression && regressed {
                Terminal.warn("error: some cases regressed against the baseline (--fail-on-regression)")
                throw ExitCode(1)
            }
        }
    }
}
