import ArgumentParser
import Foundation
import WhetCore

/// `whet optimize`: the improvement loop run within a budget, on the axis the failures point to, kept only when
/// it holds on held-out cases, and proposed — the user's files are never changed.
struct OptimizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "Search retrieval settings and prompt edits for a gain that holds on held-out cases, and propose it.",
        discussion: """
            The eval's cases are split once (by case hash, stratified by the advisor's failure class) into search \
            and held-out cases. The leading failure class picks the axis first: knowledge → retrieval settings \
            (top_k, method, chunking, context budget, reranking, expansion), grounding and behaviour → the prompt \
            (the checklist's moves, or rewrites by --proposer). The best candidate on the search cases is run on the \
            held-out cases and proposed only when its paired gain's 95% interval lies above zero: the prompt is \
            written to prompts/NAME.optimized.prompty and the retrieval settings printed as a whet.toml block. The \
            plan is printed before anything runs; everything is logged to evals/optimize/ID.jsonl, and running the \
            same command again resumes without paying twice. See docs/optimize.md.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Eval files (default: every file in evals/).")
    var files: [String] = []

    @Option(help: "The prompt to optimise (default: the default prompt).")
    var prompt: String?

    @Option(help: "The backend that answers (default: the default backend).")
    var backend: String?

    @Option(help: "The backend that writes prompt candidates (default: [optimize] proposer; none: checklist moves).")
    var proposer: String?

    @Option(help: "Held-out cases from FILE instead of a split of the eval's cases.")
    var validation: String?

    @Option(name: .customLong("validation-share"), help: "The share of each stratum held out (0.1–0.9).")
    var validationShare = 0.5

    @Option(help: "The axes to move, in order: context, prompt or context,prompt (default: the advisor decides).")
    var axis: String?

    @Option(name: .customLong("budget-calls"), help: "The most model calls to make (never exceeded).")
    var budgetCalls: Int?

    @Option(name: .customLong("budget-usd"), help: "The most US dollars to spend, at [prices] (never exceeded).")
    var budgetUSD: Double?

    @Option(help: "Proposer rounds.")
    var rounds = 2

    @Option(help: "Prompts asked of the proposer per call.")
    var proposals = 3

    @Option(name: .customLong("repeat"), help: "Runs per cell, to steady a model's answers.")
    var repeats = 1

    @Option(help: "Cells in flight at once.")
    var concurrency = 4

    @Flag(name: .customLong("no-cache"), help: "Do not answer from .whet/cache.")
    var noCache = false

    @Flag(help: "Print the outcome as JSON (the plan and progress still go to standard error).")
    var json = false

    func validate() throws {
        if repeats < 1 { throw ValidationError("--repeat must be at least 1, found \(repeats)") }
        if concurrency < 1 { throw ValidationError("--concurrency must be at least 1, found \(concurrency)") }
        if rounds < 1 { throw ValidationError("--rounds must be at least 1, found \(rounds)") }
        if proposals < 1 { throw ValidationError("--proposals must be at least 1, found \(proposals)") }
        if let budgetCalls, budgetCalls < 1 {
            throw ValidationError("--budget-calls must be at least 1, found \(budgetCalls)")
        }
        if let budgetUSD, budgetUSD <= 0 { throw ValidationError("--budget-usd must be above 0, found \(budgetUSD)") }
        if !(0.1...0.9).contains(validationShare) {
            throw ValidationError("--validation-share must be from 0.1 to 0.9, found \(validationShare)")
        }
        _ = try axes()
    }

    func axes() throws -> [OptimizeCandidate.Axis]? {
        guard let axis else { return nil }
        return try axis.split(separator: ",").map {
            guard let value = OptimizeCandidate.Axis(rawValue: String($0)), value != .baseline else {
                throw ValidationError("--axis expects context, prompt or context,prompt, found '\(axis)'")
            }
            return value
        }
    }

    func run() async throws {
        try await reportingErrors {
            let workspace = try global.openWorkspace()
            let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            var options = Optimizer.Options()
            options.files = files.map { URL(fileURLWithPath: $0, relativeTo: current).standardizedFileURL }
            options.prompt = prompt
            options.backend = backend
            options.proposer = proposer ?? workspace.config.optimizeProposer
            options.validationFile = validation.map {
                URL(fileURLWithPath: $0, relativeTo: current).standardizedFileURL
            }
            options.validationShare = validationShare
            options.repeats = repeats
            options.concurrency = concurrency
            options.useCache = !noCache
            options.maxCalls = budgetCalls
            options.maxUSD = budgetUSD
            options.rounds = rounds
            options.proposals = proposals
            options.axes = try axes()
            let optimizer = Optimizer(workspace: workspace, options: options) { event in
                switch event {
                case .plan(let plan): Terminal.note(plan.text)
                case .note(let text): Terminal.note(text)
                case .scoring(let candidate, let set, let done, let total):
                    Terminal.progress("scoring \(candidate) on the \(set) cases: \(done)/\(total)")
                case .waiting(let holder):
                    Terminal.note(
                        "this optimisation is being run by \(holder.map(\.description) ?? "another whet process"); "
                            + "waiting for it, then resuming from its work")
                }
            }
            let outcome = try await optimizer.run()
            Terminal.clearProgress()
            if json { try Terminal.writeJSON(outcome) } else { Terminal.write(outcome.text) }
            // A held-out set that cannot show a gain is a problem with the input, not an answer.
            if outcome.ending == .validationTooSmall { throw ExitCode(1) }
        }
    }
}
