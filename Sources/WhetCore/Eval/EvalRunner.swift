import Crypto
import Foundation

/// Runs the matrix prompt variants × backends × cases × repeats with bounded concurrency, through the
/// response cache, appending each finished cell to `evals/results/<id>.jsonl`. The id is a hash of what the
/// matrix is made of (prompt contents, backends and models, case files, repeats, retrieval settings), so
/// running the same eval again resumes: cells already recorded are not run, and nothing is paid for twice.
public struct EvalRunner: Sendable {
    /// What to run.
    public struct Plan: Sendable {
        public var cases: [EvalCase]
        public var caseFiles: [String]
        public var prompts: [String?]
        public var backends: [String?]
        public var repeats: Int = 1
        public var concurrency: Int = 4
        public var useCache: Bool = true
        /// The backend that grades model-graded assertions; nil leaves them "not run".
        public var grader: String?
        /// Prompts and backends given whole (a promptfoo config's own matrix, `--from-config`), used instead
        /// of `prompts` and `backends` when set.
        public var promptFiles: [PromptFile]? = nil
        public var backendConfigs: [BackendConfig]? = nil
        /// Whatever else makes this eval differ from another of the same prompts, cases and backends (a
        /// retrieval setting `whet optimize` tries that the usual identity does not name, such as top_k), so
        /// two such evals never resume each other's cells.
        public var identityNotes: [String] = []

        /// A plan over `cases` with the default prompt and backend.
        public init(cases: [EvalCase], caseFiles: [String], prompts: [String?] = [nil], backends: [String?] = [nil]) {
            self.cases = cases
            self.caseFiles = caseFiles
            self.prompts = prompts.isEmpty ? [nil] : prompts
            self.backends = backends.isEmpty ? [nil] : backends
        }
    }

    /// Progress after each cell: done, total, and whether it came from an earlier (interrupted) run.
    public typealias Progress = @Sendable (_ done: Int, _ total: Int) -> Void

    let workspace: Workspace
    /// Where results files go: `evals/results/` for evals people run; `whet optimize` keeps its candidates'
    /// cells apart, so they never become "the latest eval" that advise, report and --baseline read.
    public let resultsDirectory: URL

    /// A runner for `workspace`, writing to `resultsDirectory` (default `evals/results/`).
    public init(workspace: Workspace, resultsDirectory: URL? = nil) {
        self.workspace = workspace
        self.resultsDirectory = resultsDirectory ?? workspace.evalsDirectory.appendingPathComponent("results")
    }

    /// One cell to run.
    struct Cell: Sendable {
        var key: String
        var evalCase: EvalCase
        var promptName: String?
        var prompt: PromptFile
        var backend: BackendConfig
        var repeatIndex: Int
    }

    /// The results file for an eval id.
    public func resultsURL(_ id: String) -> URL {
        resultsDirectory.appendingPathComponent("\(id).jsonl")
    }

    /// Runs what the results file does not hold yet and returns every result of the eval (earlier and new).
    ///
    /// One process at a time runs a given eval id (`.whet/locks/eval-ID.lock`): a second `whet eval` of the
    /// same matrix is told who holds it (`onWait`), waits, and then resumes from the results file, so it
    /// shares the first one's work instead of paying for every cell again.
    public func run(
        _ plan: Plan, retriever: (any ChunkRetriever)?, progress: Progress? = nil,
        onWait: ((_ id: String, _ holder: FileLock.Holder?) -> Void)? = nil
    ) async throws -> (id: String, results: [EvalResult], resumed: Int) {
        try workspace.requireWritable(for: "recording eval results in evals/results/")
        let (id, cells) = try layout(plan, retriever: retriever)
        let url = resultsURL(id)
        try DurableFile.makeDirectory(url.deletingLastPathComponent())
        let lockURL = workspace.derivedDirectory.appendingPathComponent("locks/eval-\(id).lock")
        let held = try await FileLock.acquireAsync(lockURL, purpose: "whet eval", onWait: { onWait?(id, $0) })
        defer { held.release() }
        // A cell whose run failed is run again: the error may have been fixed (a server, a setting that is not
        // part of the eval's identity), and a failed run cost nothing worth keeping. Its new line supersedes it.
        let earlier = EvalResultsFile.read(
            url, displayPath: workspace.display(url), maxLineBytes: workspace.config.limits.maxLineBytes
        ).results.filter { $0.status != .error }
        let done = Set(earlier.map(\.cell))
        let pending = cells.filter { !done.contains($0.key) }
        let total = cells.count
        let resumed = total - pending.count
        progress?(resumed, total)

        let grader = try plan.grader.map {
            makeBackend(
                try workspace.config.backend(named: $0), workspaceRoot: workspace.root,
                cacheDirectory: workspace.cacheDirectory)
        }
        let embedder = try? workspace.embedder()
        let collector = ResultCollector(url: url)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = 0
            var finished = resumed
            func launch() {
                let cell = pending[next]
                next += 1
                group.addTask {
                    let result = await self.runCell(
                        cell, id: id, retriever: retriever, useCache: plan.useCache, grader: grader, embedder: embedder)
                    try collector.append(result)
                }
            }
            while next < min(max(1, plan.concurrency), pending.count) { launch() }
            while try await group.next() != nil {
                finished += 1
                progress?(finished, total)
                if next < pending.count { launch() }
            }
        }
        let order = Dictionary(uniqueKeysWithValues: cells.enumerated().map { ($0.element.key, $0.offset) })
        let all = (earlier.filter { order[$0.cell] != nil } + collector.results).sorted {
            (order[$0.cell] ?? 0) < (order[$1.cell] ?? 0)
        }
        return (id, all, resumed)
    }

    /// The eval's id and its cells, in the order they are reported; nothing is run or written. The id names
    /// what the retriever searches (`contentFingerprint`) when it can say.
    func layout(_ plan: Plan, retriever: (any ChunkRetriever)? = nil) throws -> (id: String, cells: [Cell]) {
        var cells: [Cell] = []
        var identity = [
            "repeats=\(plan.repeats)", workspace.config.retrieval.chunkingSignature,
            RetrievalOptions(workspace.config.retrieval).label,
            // What the context is made of: changing top_k or the budget is another eval, not a resume that would
            // show the old settings' answers.
            "top_k=\(workspace.config.retrieval.topK) budget=\(workspace.config.retrieval.contextTokenBudget)",
        ]
        identity += plan.caseFiles.sorted()
        identity += plan.identityNotes
        if let corpus = try retriever?.contentFingerprint() { identity.append("corpus \(corpus)") }
        let prompts = try variants(plan)
        let backends = try plan.backendConfigs ?? plan.backends.map { try workspace.config.backend(named: $0) }
        for (_, prompt) in prompts {
            identity.append("prompt \(prompt.path) \(prompt.contentHash)")
            PromptVersions(workspace: workspace).remember(prompt)
        }
        for backend in backends { identity.append("backend \(backend.name) \(backend.model)") }
        for item in plan.cases { identity.append("case \(item.location) \(EvalRunner.caseHash(item))") }
        let id = String(EvalRunner.hash(identity.joined(separator: "\n")).prefix(12))

        let explicit = plan.prompts != [nil] || plan.promptFiles != nil
        for (promptName, prompt) in prompts {
            for backend in backends {
                for item in plan.cases where EvalRunner.pairs(item, with: prompt, named: promptName, explicit: explicit)
                {
                    for repeatIndex in 0..<max(1, plan.repeats) {
                        let key = EvalRunner.hash(
                            "\(prompt.contentHash) \(backend.name) \(backend.model) \(item.location) \(EvalRunner.caseHash(item)) \(repeatIndex)"
                        )
                        cells.append(
                            Cell(
                                key: String(key.prefix(16)), evalCase: item, promptName: promptName, prompt: prompt,
                                backend: backend, repeatIndex: repeatIndex))
                    }
                }
            }
        }
        return (id, cells)
    }

    /// How many of the plan's cells the results file does not hold yet (or holds as failed runs): what running
    /// it now would ask a model for, at most (the response cache may answer some). `whet optimize` checks its
    /// budget with it before starting an evaluation.
    public func pendingCells(_ plan: Plan, retriever: (any ChunkRetriever)?) throws -> (
        id: String, pending: Int, total: Int
    ) {
        let (id, cells) = try layout(plan, retriever: retriever)
        let url = resultsURL(id)
        let done = Set(
            EvalResultsFile.read(
                url, displayPath: workspace.display(url), maxLineBytes: workspace.config.limits.maxLineBytes
            ).results.filter { $0.status != .error }.map(\.cell))
        return (id, cells.filter { !done.contains($0.key) }.count, cells.count)
    }

    /// The prompt variants the plan runs: the `--prompt`s given, or (none given) the default prompt plus
    /// every prompt a case declares in `prompts`, each file once.
    func variants(_ plan: Plan) throws -> [(String?, PromptFile)] {
        if let files = plan.promptFiles { return files.map { ($0.name, $0) } }
        var names = plan.prompts
        if plan.prompts == [nil] {
            for item in plan.cases { for name in item.prompts ?? [] where !names.contains(name) { names.append(name) } }
        }
        var loaded: [(String?, PromptFile)] = []
        var seen = Set<String>()
        for name in names {
            let url = try workspace.promptURL(named: name)
            guard seen.insert(url.standardizedFileURL.path).inserted else { continue }
            loaded.append(
                (name, try PromptFile.load(url, displayPath: workspace.display(url), limits: workspace.config.limits)))
        }
        return loaded
    }

    /// Whether `item` runs with `prompt`: a case that names its prompts runs with those only; one that does
    /// not runs with every `--prompt` given, or with the default prompt when none was.
    static func pairs(_ item: EvalCase, with prompt: PromptFile, named name: String?, explicit: Bool) -> Bool {
        if item.prompts != nil { return item.isFor(prompt) }
        return explicit || name == nil
    }

    /// The cases the plan will not run because they name only prompts it does not include (so `whet eval`
    /// can say so instead of dropping them silently).
    public func unpairedCases(_ plan: Plan) throws -> [EvalCase] {
        let prompts = try variants(plan)
        let explicit = plan.prompts != [nil] || plan.promptFiles != nil
        return plan.cases.filter { item in
            !prompts.contains { EvalRunner.pairs(item, with: $0.1, named: $0.0, explicit: explicit) }
        }
    }

    /// The prompt's variables `item` leaves unset (the context variable is retrieval's). Evals never fall
    /// back to a prompt's sample values: a sample is for trying the prompt by hand, and an eval that ran on
    /// it would measure a question nobody asked.
    static func missingVariables(_ item: EvalCase, for prompt: PromptFile) -> [String] {
        prompt.variables.filter { !RunPlan.retrievalVariables.contains($0) && item.vars[$0] == nil }
    }

    /// Runs one cell: plan (retrieval included), stream through the backend, evaluate the assertions.
    func runCell(
        _ cell: Cell, id: String, retriever: (any ChunkRetriever)?, useCache: Bool,
        grader: (any ModelBackend)?, embedder: (any TextEmbedder)?
    ) async -> EvalResult {
        let variables = cell.evalCase.vars.mapValues { $0.stringValue ?? $0.description }
        var result = EvalResult(
            evalID: id, cell: cell.key, time: RunExecutor.timestamp(Date()),
            caseRef: .init(
                file: cell.evalCase.location.file, line: cell.evalCase.location.line ?? 0,
                description: cell.evalCase.description),
            prompt: .init(name: cell.prompt.name, path: cell.prompt.path, hash: cell.prompt.contentHash),
            backend: cell.backend.name, model: cell.backend.model, repeatIndex: cell.repeatIndex, variables: variables,
            retrieval: nil, output: "", latencyMs: nil, costUSD: nil, cached: nil, error: nil, assertions: [],
            status: .error, score: 0)
        let missing = EvalRunner.missingVariables(cell.evalCase, for: cell.prompt)
        if !missing.isEmpty {
            result.error =
                "the case does not set \(missing.map { "'\($0)'" }.joined(separator: ", ")), which prompt '\(cell.prompt.name)' uses "
                + "(it sets \(cell.evalCase.vars.isEmpty ? "none" : cell.evalCase.vars.keys.sorted().map { "'\($0)'" }.joined(separator: ", "))"
                + "; evals never use sample values). "
                + "Set the variable, or name the case's prompt with \"prompts\""
            return result
        }
        do {
            var input = RunInput(promptName: cell.promptName, variables: variables, backendName: cell.backend.name)
            input.loadedPrompt = .init(cell.prompt)
            input.backendOverride = cell.backend
            var plan = try await RunPlan.make(input, in: workspace, retriever: retriever)
            plan.surround(prefix: cell.evalCase.prefix, suffix: cell.evalCase.suffix)
            result.retrieval = plan.retrieval
            let backend = makeBackend(
                cell.backend, workspaceRoot: workspace.root, cacheDirectory: useCache ? workspace.cacheDirectory : nil,
                sample: cell.repeatIndex)
            let record = await converse(
                plan, on: backend, price: workspace.config.prices[backend.model],
                toolResults: cell.evalCase.toolResults)
            result.output = record.output
            result.toolCalls = record.toolCalls
            result.latencyMs = record.cached == true ? nil : record.latency.totalMs
            result.costUSD = record.costUSD
            result.cached = record.cached
            if let error = record.error {
                result.error = error
                return result
            }
            let used = plan.retrieval?.chunks.filter { $0.citation != nil }.map(\.chunk) ?? []
            let context = AssertionContext(
                output: record.output, query: plan.retrieval?.query ?? variables.values.first ?? "",
                variables: variables, latencyMs: result.latencyMs, costUSD: record.costUSD,
                chunks: used, grader: grader, embedder: embedder, workspaceRoot: workspace.root.path)
            var checked = context
            checked.retrievalRan = plan.retrieval != nil
            checked.outputSchema = plan.request.outputSchema?.schema
            checked.tools = plan.request.tools
            checked.toolCalls = record.toolCalls ?? []
            var transformFailure: String? = nil
            if let transform = cell.evalCase.transform {
                do { checked.output = try await ScriptAssertions.transform(transform, context: context) } catch {
                    transformFailure = "\(error)"
                }
            }
            for assertion in cell.evalCase.assertions {
                if let transformFailure {
                    result.assertions.append(
                        AssertionResult(type: assertion.type, status: .notRun, score: 0, reason: transformFailure))
                } else {
                    result.assertions.append(await AssertionEvaluator.evaluate(assertion, in: checked))
                }
            }
            let ran = result.assertions.filter { $0.status != .notRun }
            let weight = ran.reduce(0) { $0 + $1.weight }
            if ran.isEmpty {
                // Nothing checked this answer: never a pass.
                result.status = .notRun
                result.score = 0
            } else {
                result.score = weight > 0 ? ran.reduce(0) { $0 + $1.weight * $1.score } / weight : 0
                if let threshold = cell.evalCase.threshold {
                    result.status = result.score >= threshold ? .passed : .failed
                } else {
                    result.status = ran.allSatisfy { $0.status == .passed } ? .passed : .failed
                }
            }
        } catch {
            result.error = "\(error)"
        }
        return result
    }

    static func hash(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func caseHash(_ item: EvalCase) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let vars = (try? encoder.encode(item.vars)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let asserts =
            (try? encoder.encode(item.assertions.map(\.raw))).map { String(decoding: $0, as: UTF8.self) } ?? ""
        // Canned tool results change what the case checks; cases without them keep the hash they always had.
        let results =
            item.toolResults.isEmpty
            ? ""
            : "\n"
                + item.toolResults.keys.sorted().map { "\($0)=\(item.toolResults[$0] ?? "")" }.joined(separator: "\n")
        // So do a prefix and suffix around the prompt; cases without them keep their hash too.
        let around =
            item.prefix == nil && item.suffix == nil ? "" : "\nprefix=\(item.prefix ?? "")\nsuffix=\(item.suffix ?? "")"
        return String(hash(vars + "\n" + asserts + results + around).prefix(16))
    }
}

/// Appends finished cells to the results file as they arrive (so an interruption keeps them) and collects
/// them for the summary.
final class ResultCollector: @unchecked Sendable {
    // @unchecked: `collected` is guarded by `lock`; appends to the file are serialised by it too.
    private let lock = NSLock()
    private var collected: [EvalResult] = []
    let url: URL

    init(url: URL) { self.url = url }

    func append(_ result: EvalResult) throws {
        try lock.withLock {
            try JSONLines.append(result, to: url)
            collected.append(result)
        }
    }

    var results: [EvalResult] { lock.withLock { collected } }
}
