import Foundation

/// The two axes' searches. Each starts from the best candidate so far and returns the best after it (the same
/// one when nothing beat it on the search cases): context settings by successive halving, then a merge of the
/// best settings of different kinds; prompt edits from the checklist, or from a proposer over a few rounds
/// with a Pareto front of parents.
extension Optimizer {
    typealias Scored = (candidate: OptimizeCandidate, score: OptimizeScore)

    /// Tries retrieval settings on top of `parent`.
    func searchContext(from parent: Scored, split: OptimizeSplit, classes: [String: FailureClass]) async throws
        -> Scored
    {
        guard base.config.retrieval.enabled else {
            outcome.notes.append(
                "retrieval is off ([retrieval] enabled = false): the context move is to turn it on; not tried")
            return parent
        }
        let (proposals, skipped) = ContextCandidates.make(base.config)
        outcome.notes += skipped.map { "not tried: \($0)" }
        var candidates: [(OptimizeCandidate, ContextCandidates.Proposal)] = []
        for proposal in proposals {
            let overrides = try RetrievalVariant(parsing: proposal.label).overrides
            candidates.append(
                (
                    OptimizeCandidate(
                        id: makeID(.context), axis: .context, label: proposal.label, how: "retrieval setting",
                        parent: parent.candidate.id, variant: try parent.candidate.with(overrides: overrides),
                        prompt: parent.candidate.prompt), proposal
                ))
        }
        let survivors = try await halving(
            candidates.map { ($0.0, $0.1.callsPerQuestion) }, parent: parent, split: split, classes: classes)
        var scored = survivors
        // Settings of different kinds that each helped are tried together: sentence chunks with a larger k, say.
        let groups = Dictionary(uniqueKeysWithValues: candidates.map { ($0.0.id, $0.1.group) })
        var usedGroups = Set<String>()
        var helpers: [Scored] = []
        for item in survivors.sorted(by: { better($0, than: $1) }) where gain(item, over: parent) > 1e-9 {
            guard let group = groups[item.candidate.id], usedGroups.insert(group).inserted else { continue }
            helpers.append(item)
        }
        if helpers.count >= 2, !outcome.budgetStopped {
            let pair = Array(helpers.prefix(2))
            let merged = OptimizeCandidate(
                id: makeID(.context), axis: .context,
                label: pair.map(\.candidate.label).joined(separator: " "),
                how: "merge of \(pair[0].candidate.id) and \(pair[1].candidate.id)", parent: pair[0].candidate.id,
                variant: try pair[0].candidate.with(overrides: pair[1].candidate.variant.overrides),
                prompt: parent.candidate.prompt)
            if let score = try await score(merged, cases: split.search, set: "search") {
                scored.append((merged, score))
            }
        }
        return best(of: scored, over: parent)
    }

    /// Successive halving: every candidate on a sample of the search cases (the failing ones first), the better
    /// half on all of them. Small sets skip the sample.
    func halving(
        _ candidates: [(OptimizeCandidate, Int)], parent: Scored, split: OptimizeSplit,
        classes: [String: FailureClass]
    ) async throws -> [Scored] {
        let search = split.search
        var finalists = candidates
        var sampledScores: [Scored] = []
        if candidates.count > 2, search.count >= 8 {
            let ordered = search.sorted { a, b in
                let failingA = classes[OptimizeSplit.caseID(a)] != nil
                let failingB = classes[OptimizeSplit.caseID(b)] != nil
                if failingA != failingB { return failingA }
                return OptimizeSplit.hash(a) < OptimizeSplit.hash(b)
            }
            let sample = Array(ordered.prefix((search.count + 1) / 2))
            var sampled: [(Scored, Int)] = []
            for (candidate, extra) in candidates {
                guard
                    let score = try await score(
                        candidate, cases: sample, set: "search sample", extraCalls: extra * sample.count)
                else { break }
                sampled.append(((candidate, score), extra))
            }
            sampledScores = sampled.map(\.0)
            finalists =
                sampled.sorted { better($0.0, than: $1.0) }.prefix((sampled.count + 1) / 2).map {
                    ($0.0.candidate, $0.1)
                }
        }
        var scored: [Scored] = []
        for (candidate, extra) in finalists {
            guard let score = try await score(candidate, cases: search, set: "search", extraCalls: extra * search.count)
            else {
                // The budget stopped the search: what the sample showed is the best there is.
                scored += sampledScores.filter { item in !scored.contains { $0.candidate.id == item.candidate.id } }
                break
            }
            scored.append((candidate, score))
        }
        return scored
    }

    /// Whether `a` ranks above `b`: more passed, then a better retrieval hit rate and MRR, then the earlier
    /// (cheaper) candidate.
    func better(_ a: Scored, than b: Scored) -> Bool {
        if abs(a.score.passed - b.score.passed) > 1e-9 { return a.score.passed > b.score.passed }
        if let hitA = a.score.hitRate, let hitB = b.score.hitRate, abs(hitA - hitB) > 1e-9 { return hitA > hitB }
        if let mrrA = a.score.meanReciprocalRank, let mrrB = b.score.meanReciprocalRank, abs(mrrA - mrrB) > 1e-9 {
            return mrrA > mrrB
        }
        return false
    }

    /// How many more of the cases `item` was scored on it passed than `parent` did on the same cases.
    func gain(_ item: Scored, over parent: Scored) -> Double {
        item.score.passed - parent.score.restricted(to: Set(item.score.perCase.keys)).passed
    }

    /// The best of `scored`, or `parent` unless one passed strictly more of the cases it was scored on than the
    /// parent did on the same cases (a candidate the budget let run only on the sample is judged there).
    func best(of scored: [Scored], over parent: Scored) -> Scored {
        func gain(_ item: Scored) -> Double { self.gain(item, over: parent) }
        guard
            let top = scored.max(by: { a, b in
                abs(gain(a) - gain(b)) > 1e-9 ? gain(a) < gain(b) : better(b, than: a)
            }), gain(top) > 1e-9
        else { return parent }
        return top
    }

    /// Tries prompt edits on top of `parent`: the checklist's moves, or a proposer's rewrites.
    func searchPrompt(
        from parent: Scored, split: OptimizeSplit, proposer: BackendConfig?, backend: BackendConfig,
        classes: [String: FailureClass]
    ) async throws -> Scored {
        guard backend.kind != .offline else {
            outcome.notes.append(
                "not tried: prompt edits — the offline backend quotes the context whatever the prompt says")
            return parent
        }
        let edited: Scored
        if let proposer {
            edited = try await proposerSearch(from: parent, split: split, proposer: proposer)
        } else {
            edited = try await checklistSearch(from: parent, split: split, classes: classes)
        }
        guard !outcome.budgetStopped else { return edited }
        return try await examplesSearch(from: edited, split: split)
    }

    /// One and then up to three demonstrations from the search cases added to the best prompt so far.
    func examplesSearch(from parent: Scored, split: OptimizeSplit) async throws -> Scored {
        let rated = ExampleCandidates.ratedRuns(
            in: base, promptPath: parent.candidate.prompt.path, heldOut: split.validation)
        let available = ExampleCandidates.examples(cases: split.search, results: parent.score.results, rated: rated)
        guard !available.isEmpty else {
            outcome.notes.append(
                "not tried: few-shot examples — no search case has an expected answer or passed, and no run of the "
                    + "prompt was rated good, to learn from")
            return parent
        }
        var scored: [Scored] = []
        for count in Set([1, available.count]).sorted() where !outcome.budgetStopped {
            let text = PromptCandidates.adding(
                ExampleCandidates.lines(Array(available.prefix(count))), to: parent.candidate.prompt.source)
            guard
                let candidate = try checked(
                    text, id: makeID(.prompt),
                    label: "\(count) example\(count == 1 ? "" : "s") from the search cases and rated runs",
                    how: "examples", parent: parent.candidate),
                let score = try await score(candidate, cases: split.search, set: "search")
            else { continue }
            scored.append((candidate, score))
        }
        return best(of: scored, over: parent)
    }

    /// Each checklist move the prompt lacks as a candidate, then the two best that helped together.
    func checklistSearch(from parent: Scored, split: OptimizeSplit, classes: [String: FailureClass]) async throws
        -> Scored
    {
        let moves = PromptCandidates.moves(for: parent.candidate.prompt)
        guard !moves.isEmpty else {
            outcome.notes.append("not tried: checklist moves — the prompt already makes every one; try --proposer")
            return parent
        }
        var candidates: [(OptimizeCandidate, Int)] = []
        var instructions: [String: String] = [:]
        for move in moves {
            let id = makeID(.prompt)
            instructions[id] = move.instruction
            let text = PromptCandidates.adding([move.instruction], to: parent.candidate.prompt.source)
            if let candidate = try checked(
                text, id: id, label: move.label, how: "checklist move", parent: parent.candidate)
            {
                candidates.append((candidate, 0))
            }
        }
        var scored = try await halving(candidates, parent: parent, split: split, classes: classes)
        let helpers = scored.sorted { better($0, than: $1) }.filter { gain($0, over: parent) > 1e-9 }
        if helpers.count >= 2, !outcome.budgetStopped {
            let pair = Array(helpers.prefix(2))
            let id = makeID(.prompt)
            let text = PromptCandidates.adding(
                pair.compactMap { instructions[$0.candidate.id] }, to: parent.candidate.prompt.source)
            if let merged = try checked(
                text, id: id, label: pair.map(\.candidate.label).joined(separator: " + "),
                how: "merge of \(pair[0].candidate.id) and \(pair[1].candidate.id)", parent: pair[0].candidate),
                let score = try await score(merged, cases: split.search, set: "search")
            {
                scored.append((merged, score))
            }
        }
        return best(of: scored, over: parent)
    }

    /// Rounds of proposals: each round asks the proposer to improve the best candidates of the Pareto front over
    /// the search cases (a candidate that is best on some case survives), showing it their failing cells.
    func proposerSearch(from parent: Scored, split: OptimizeSplit, proposer config: BackendConfig) async throws
        -> Scored
    {
        let proposer = PromptProposer(config: config, workspace: base)
        var pool: [Scored] = [parent]
        var asked = Set<String>()
        var usable = 0
        for round in 1...max(1, options.rounds) where !outcome.budgetStopped {
            let parents = Self.paretoFront(pool).sorted { better($0, than: $1) }.filter {
                !asked.contains($0.candidate.id)
            }
            .prefix(2)
            guard !parents.isEmpty else { break }
            for item in parents where !outcome.budgetStopped {
                asked.insert(item.candidate.id)
                let failing = item.score.results.filter { $0.status == .failed && $0.repeatIndex == 0 }.prefix(4)
                guard !failing.isEmpty else { continue }
                guard budget.allows(1) else {
                    outcome.budgetStopped = true
                    outcome.notes.append("the budget (\(budget.limitText)) stopped the search before a proposer call")
                    break
                }
                let cells = failing.map {
                    PromptProposer.FailingCell($0, failureClass: FailureClassifier.classify($0).failureClass)
                }
                let answer: PromptProposer.Answer
                do {
                    answer = try await proposer.propose(
                        item.candidate.prompt, failures: cells, count: options.proposals)
                } catch {
                    outcome.notes.append("\(error); the prompt search stopped there")
                    return best(of: Array(pool.dropFirst()), over: parent)
                }
                budget.spend(calls: answer.cached ? 0 : 1, usd: answer.costUSD)
                var entry = OptimizeLog.Entry(kind: "proposer")
                entry.parent = item.candidate.id
                entry.label = "round \(round)"
                entry.calls = answer.cached ? 0 : 1
                entry.cached = answer.cached ? 1 : 0
                entry.costUSD = answer.costUSD
                entry.message = "\(answer.proposals.count) proposal(s)"
                try log.append(entry)
                if answer.proposals.isEmpty {
                    discard(
                        "round \(round) from \(item.candidate.id)",
                        "the proposer's answer held no prompt in a fenced block")
                }
                for (index, text) in answer.proposals.enumerated() {
                    let id = makeID(.prompt)
                    guard
                        let candidate = try checked(
                            text, id: id, label: "proposal \(index + 1) of round \(round)",
                            how: "proposer round \(round)", parent: item.candidate)
                    else { continue }
                    usable += 1
                    guard let score = try await score(candidate, cases: split.search, set: "search") else { break }
                    pool.append((candidate, score))
                }
            }
        }
        if usable == 0 {
            outcome.notes.append("the proposer wrote no usable prompt (see the discarded proposals)")
        }
        return best(of: Array(pool.dropFirst()), over: parent)
    }

    /// The candidates no other beats or equals on every search case while beating it on one.
    static func paretoFront(_ pool: [Scored]) -> [Scored] {
        func share(_ item: Scored, _ id: String) -> Double {
            guard let value = item.score.perCase[id], value.answered > 0 else { return 0 }
            return Double(value.passed) / Double(value.answered)
        }
        let ids = Set(pool.flatMap { $0.score.perCase.keys })
        return pool.filter { item in
            !pool.contains { other in
                other.candidate.id != item.candidate.id && ids.allSatisfy { share(other, $0) >= share(item, $0) }
                    && ids.contains { share(other, $0) > share(item, $0) }
            }
        }
    }

    /// `text` as a prompt candidate written to `evals/optimize/ID/prompts/ID.prompty`, or nil when it fails the
    /// check (the reason logged and shown).
    func checked(_ text: String, id: String, label: String, how: String, parent: OptimizeCandidate) throws
        -> OptimizeCandidate?
    {
        let url = directory.appendingPathComponent("prompts/\(id).prompty")
        let original = parent.prompt
        let baseDirectory = base.promptsDirectory
        switch PromptCandidates.check(text, against: original, path: base.display(url), baseDirectory: baseDirectory) {
        case .failure(let failure):
            discard("\(id) (\(label))", failure.reason)
            return nil
        case .success(let prompt):
            try DurableFile.makeDirectory(url.deletingLastPathComponent())
            try DurableFile.writeAtomically(Data(prompt.source.utf8), to: url)
            return OptimizeCandidate(
                id: id, axis: .prompt, label: label, how: how, parent: parent.id, variant: parent.variant,
                prompt: prompt)
        }
    }

    /// Records a proposal discarded before it ran.
    func discard(_ label: String, _ reason: String) {
        outcome.discarded.append((label, reason))
        var entry = OptimizeLog.Entry(kind: "discarded")
        entry.label = label
        entry.message = reason
        try? log.append(entry)
    }
}
