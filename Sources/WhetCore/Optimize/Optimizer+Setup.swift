import Foundation

/// The optimiser's groundwork: the cases it runs, its id, its plan, what earlier runs of it spent, and how one
/// candidate is scored within the budget and logged.
extension Optimizer {
    /// The prompt every case of the eval files names, when they all name the same one and `--prompt` was not
    /// given (a file of python-tutor cases optimises python-tutor, not the default prompt).
    func impliedPrompt() -> String? {
        let files = options.files.isEmpty ? base.evalFiles() : options.files
        let cases = files.flatMap {
            (try? EvalFile.load($0, displayPath: base.display($0), limits: base.config.limits)) ?? []
        }
        let named = Set(cases.map { $0.prompts ?? [] })
        guard named.count == 1, let only = named.first, only.count == 1 else { return nil }
        return only.first
    }

    /// The cases that run with `prompt` (a case naming other prompts is left out), and the held-out cases of
    /// `--validation FILE` (added to the cases when not among them).
    func loadCases(for prompt: PromptFile) throws -> ([EvalCase], (cases: [EvalCase], file: String)?) {
        let files = options.files.isEmpty ? base.evalFiles() : options.files
        guard !files.isEmpty else {
            throw OptimizeError.noCases(
                "no eval files in evals/; add NAME.jsonl with one {\"vars\": …, \"assert\": […]} per line")
        }
        func read(_ urls: [URL]) throws -> [EvalCase] {
            try urls.flatMap { try EvalFile.load($0, displayPath: base.display($0), limits: base.config.limits) }
                .filter { $0.prompts == nil || $0.isFor(prompt) }
        }
        var cases = try read(files)
        var validation: (cases: [EvalCase], file: String)? = nil
        if let url = options.validationFile {
            let held = try read([url])
            guard !held.isEmpty else {
                throw OptimizeError.noCases(
                    "\(base.display(url)) holds no case for prompt '\(prompt.name)': nothing to hold out")
            }
            let known = Set(cases.map(OptimizeSplit.caseID))
            cases += held.filter { !known.contains(OptimizeSplit.caseID($0)) }
            validation = (held, base.display(url))
        }
        guard !cases.isEmpty else {
            throw OptimizeError.noCases(
                "no eval case runs with prompt '\(prompt.name)': the cases name other prompts ("
                    + "--prompt NAME, or :prompt NAME in the workbench, picks one), or add cases without \"prompts\"")
        }
        return (cases, validation)
    }

    /// The optimisation's id: a hash of everything that decides what it does, so the same command resumes.
    func identity(prompt: PromptFile, backend: BackendConfig, proposer: BackendConfig?, cases: [EvalCase]) -> String {
        var parts = [
            "prompt \(prompt.path) \(prompt.contentHash)", "backend \(backend.name) \(backend.model)",
            "proposer \(proposer.map { "\($0.name) \($0.model)" } ?? "checklist")",
            "repeats \(options.repeats) share \(options.validationShare) rounds \(options.rounds) proposals \(options.proposals)",
            "validation \(options.validationFile.map { base.display($0) } ?? "split")",
            "axes \(options.axes?.map(\.rawValue).joined(separator: ",") ?? "advisor")",
            "retrieval \(base.config.retrieval.chunkingSignature) \(RetrievalOptions(base.config.retrieval).label) "
                + "k=\(base.config.retrieval.topK) budget=\(base.config.retrieval.contextTokenBudget)",
        ]
        parts += cases.map { "case \(OptimizeSplit.caseID($0)) \(EvalRunner.caseHash($0))" }
        return String(EvalRunner.hash(parts.joined(separator: "\n")).prefix(12))
    }

    /// The most the run may ask for: the baseline on every case; each context setting on a sample then half of
    /// them on the search cases, plus a merge; each prompt candidate on the search cases; the winner on the
    /// held-out cases; the proposer's calls.
    func makePlan(
        cases: Int, validation: (cases: [EvalCase], file: String)?, prompt: PromptFile, backend: BackendConfig
    ) -> OptimizePlan {
        let repeats = options.repeats
        let held = validation?.cases.count ?? Int((Double(cases) * options.validationShare).rounded(.up))
        let search = cases - held
        let context = base.config.retrieval.enabled ? ContextCandidates.make(base.config).proposals.count : 0
        let contextCalls = context == 0 ? 0 : (context * ((search + 1) / 2) + ((context + 1) / 2 + 1) * search)
        var promptCandidates = 0
        var proposerCalls = 0
        if backend.kind != .offline {
            if options.proposer != nil {
                proposerCalls = options.rounds * 2
                promptCandidates = proposerCalls * options.proposals
            } else {
                promptCandidates = PromptCandidates.moves(for: prompt).count + 1
            }
            promptCandidates += 2  // one example, then up to three

        }
        return OptimizePlan(
            cases: cases, repeats: repeats, baselineCalls: cases * repeats,
            searchCalls: (contextCalls + promptCandidates * search) * repeats, validationCalls: held * repeats,
            proposerCalls: proposerCalls, candidates: context + (context > 0 ? 1 : 0) + promptCandidates,
            costPerCall: budget.costPerCall)
    }

    /// What earlier (interrupted) runs of this optimisation paid for: the cells they recorded that no cache
    /// answered, and the proposer calls they logged.
    func earlierSpending(cells: URL, logURL: URL) -> (calls: Int, usd: Double) {
        var calls = 0
        var usd = 0.0
        let names = (try? FileManager.default.contentsOfDirectory(atPath: cells.path)) ?? []
        for name in names where name.hasSuffix(".jsonl") {
            let url = cells.appendingPathComponent(name)
            for result in EvalResultsFile.read(url, displayPath: base.display(url)).results where result.cached != true
            {
                calls += 1
                usd += result.costUSD ?? 0
            }
        }
        for entry in OptimizeLog.read(logURL, displayPath: base.display(logURL)) where entry.kind == "proposer" {
            calls += entry.calls ?? 0
            usd += entry.costUSD ?? 0
        }
        return (calls, usd)
    }

    /// Scores `candidate` on `cases` when the budget allows it (else notes that the budget stopped the search
    /// and returns nil), logs it, and adds it to the table.
    func score(_ candidate: OptimizeCandidate, cases: [EvalCase], set: String, extraCalls: Int = 0) async throws
        -> OptimizeScore?
    {
        guard let evaluator else { return nil }
        let pending = try await evaluator.pendingCalls(candidate, cases: cases) + (extraCalls > 0 ? extraCalls : 0)
        // Work already recorded costs nothing: a resumed run replays it whatever the budget left.
        guard pending == 0 || budget.allows(pending + (set == "validation" ? 0 : reserve)) else {
            if !outcome.budgetStopped {
                outcome.budgetStopped = true
                outcome.notes.append(
                    "the budget (\(budget.limitText)) stopped the search before \(candidate.id) (\(candidate.label)), "
                        + "which needed up to \(pending) calls with \(budget.spentText) spent")
            }
            return nil
        }
        let label = candidate.id
        let events = onEvent
        let result = try await evaluator.evaluate(
            candidate, cases: cases,
            progress: { done, total in events(.scoring(candidate: label, set: set, done: done, total: total)) },
            onWait: { _, holder in events(.waiting(holder)) })
        budget.spend(calls: result.calls, usd: result.costUSD)
        budget.observe(highestCallCost: await evaluator.highestCallCost(evalID: result.evalID))
        try log.append(OptimizeLog.entry(candidate, score: result, set: set))
        outcome.tried.append(.init(candidate: candidate, set: set, score: result))
        return result
    }

    /// The advisor's class of each failing case (its first failing cell), by case id.
    func classify(_ results: [EvalResult], cases: [EvalCase]) -> [String: FailureClass] {
        var facts: [String: [String]] = [:]
        for item in cases {
            facts[OptimizeSplit.caseID(item)] =
                item.metadata["expected_facts"]?.arrayValue?.compactMap(\.stringValue) ?? []
        }
        var classes: [String: FailureClass] = [:]
        for result in results where result.status == .failed {
            let id = OptimizeSplit.caseID(result)
            guard classes[id] == nil else { continue }
            classes[id] = FailureClassifier.classify(result, expectedFacts: facts[id] ?? []).failureClass
        }
        return classes
    }

    /// Knowledge failures lead to the context axis first; grounding, behaviour and unknown ones to the prompt.
    /// Ties go knowledge first, as the advisor's do (fix what the model cannot see before how it uses it).
    func axisOrder(_ classes: [String: FailureClass]) -> [OptimizeCandidate.Axis] {
        let counts = Dictionary(grouping: classes.values, by: { $0 }).mapValues(\.count)
        let leading = FailureClass.allCases.max { (counts[$0] ?? 0) < (counts[$1] ?? 0) } ?? .knowledge
        let first = FailureClass.allCases.first { (counts[$0] ?? 0) == (counts[leading] ?? 0) } ?? leading
        let order: [OptimizeCandidate.Axis] = first == .knowledge ? [.context, .prompt] : [.prompt, .context]
        outcome.axisReason =
            "\(order.map(\.rawValue).joined(separator: ", then ")) — the leading failure class is \(first.rawValue) "
            + "(\(counts[first] ?? 0) of \(classes.count) failing search cases)"
        return order
    }

    /// Why a held-out set with `failing` failing cases cannot show a gain, and how many cases would.
    func tooSmallMessage(failing: Int, classes: Int, answered: Int) -> String {
        let rate = Double(classes) / Double(max(1, answered))
        let share = options.validationFile == nil ? options.validationShare : 0.5
        let needed = Int((Double(Self.fewestFixesToShow) / share / max(rate, 0.01)).rounded(.up))
        return "the held-out set has \(failing) failing case\(failing == 1 ? "" : "s"): even fixing all of them could "
            + "not be told from noise (a paired test needs at least \(Self.fewestFixesToShow) fixed with none broken). "
            + "At this failure rate (\(String(format: "%.0f", rate * 100))%) that takes about \(needed) cases; add "
            + "cases (or give --validation FILE). --repeat N steadies each case's answer but does not replace cases. "
            + "Nothing beyond the baseline was run"
    }

    /// Ends the run with `ending` and `message`, logged.
    func finish(_ ending: OptimizeOutcome.Ending, _ message: String) -> OptimizeOutcome {
        outcome.ending = ending
        outcome.message = message
        outcome.budget = budget
        var entry = OptimizeLog.Entry(kind: "result")
        entry.message = message
        entry.proposed = ending == .proposed
        entry.candidate = outcome.winner?.id
        try? log.append(entry)
        return outcome
    }

    /// The next id on `axis`: r1, r2 … for context, p1, p2 … for prompts.
    func makeID(_ axis: OptimizeCandidate.Axis) -> String {
        let number = (nextID[axis] ?? 0) + 1
        nextID[axis] = number
        return (axis == .context ? "r" : "p") + "\(number)"
    }
}
