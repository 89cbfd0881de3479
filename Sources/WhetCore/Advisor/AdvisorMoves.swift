import Foundation

/// The advisor's choice of the next move, from facts gathered once. In order: no results → build a baseline;
/// an eval that checked nothing, or whose runs mostly failed → fix the runs (or the assertions); no failures →
/// keep going; otherwise the leading failure class decides, with steps the prompt does not already take. A move
/// that builds on a change since the previous eval says whether that change was beyond noise.
enum AdvisorMoves {
    /// What the move is decided from.
    struct Facts {
        var verdict: EvalVerdict
        /// Failed cells (not failed runs), classified.
        var failures: [ClassifiedFailure]
        var readiness: Advice.FineTuningReadiness
        var traits: PromptTraits
        var retrievalOn: Bool
        var topK: Int
        var contextTokenBudget: Int
        var change: Advice.Change?
    }

    static func recommend(_ facts: Facts) -> Advice.Recommendation {
        let verdict = facts.verdict
        guard !verdict.results.isEmpty else {
            return .init(
                move: "build a baseline",
                why: "No eval results yet: every change needs a baseline to be measured against.",
                steps: [
                    "write cases in evals/*.jsonl (vars + assert; expected facts let the advisor classify failures)",
                    "run `whet eval`",
                ],
                basedOn: [])
        }
        let failures = verdict.runFailures
        switch verdict.standing {
        case .everyRunFailed:
            return fixTheRuns(
                facts,
                why: "\(failures.text): the eval checked nothing, so it says nothing about the "
                    + "application. Fix the runs before reading anything into it.")
        case .nothingEvaluated(let reason):
            return .init(
                move: "add evidence",
                why: "No assertion could check any of the \(verdict.counts.total) answers (\(reason)): the eval "
                    + "checked nothing.",
                steps: [
                    "give the cases assertions that can run here (contains, icontains, regex, is-json …)",
                    "or configure what they need (a grader: `whet eval --grader BACKEND`; python3 for python asserts)",
                ],
                basedOn: [])
        case .checked:
            break
        }
        if failures.dominate {
            return fixTheRuns(
                facts,
                why: "\(failures.text) — too many to read the \(verdict.counts.answered) answer(s) that came back "
                    + "(\(verdict.rate?.text ?? "")) as the application's quality. Fix the runs first.")
        }
        let progress = progressNote(facts.change)
        guard !facts.failures.isEmpty else {
            var why = "All \(verdict.counts.answered) checked answers pass (\(verdict.rate?.text ?? ""))."
            if verdict.counts.notEvaluated > 0 {
                why += " \(verdict.counts.notEvaluated) cell(s) were not evaluated: nothing checked them."
            }
            if verdict.counts.errors > 0 { why += " \(failures.text); they are not counted." }
            var steps = [
                "add harder cases, or cases from real traffic, until some fail",
                "then change one thing at a time and re-run `whet eval`",
            ]
            if verdict.counts.notEvaluated > 0 {
                steps.insert("make the unchecked cells checkable (assertions that can run, or --grader)", at: 0)
            }
            steps += sizeSteps(verdict)
            return .init(move: "keep going", why: why + progress, steps: steps, basedOn: [])
        }
        var move = classMove(facts)
        move.why += progress
        move.steps += sizeSteps(verdict)
        return move
    }

    /// "Fix the runs": the errors they share and what to change.
    static func fixTheRuns(_ facts: Facts, why: String) -> Advice.Recommendation {
        let failures = facts.verdict.runFailures
        return .init(
            move: "fix the runs", why: why,
            steps: failures.fixSteps(
                topK: facts.retrievalOn ? facts.topK : nil,
                contextTokenBudget: facts.retrievalOn ? facts.contextTokenBudget : nil),
            basedOn: Array((failures.groups.first?.cases ?? []).prefix(12)))
    }

    /// What the change since the previous eval means: progress only when the paired test says so.
    static func progressNote(_ change: Advice.Change?) -> String {
        guard let change else { return "" }
        switch change.difference.verdict {
        case .better: return " Since eval \(change.evalID): \(change.headline) — real progress."
        case .worse: return " Since eval \(change.evalID): \(change.headline) — a real step back."
        case .withinNoise:
            return " Since eval \(change.evalID): \(change.headline) — not evidence either way; "
                + "add cases or --repeat to settle it."
        }
    }

    /// When the eval cannot show the change people usually look for (10–20 points), how big it would need to be.
    static func sizeSteps(_ verdict: EvalVerdict) -> [String] {
        guard let power = verdict.power, power.detectable > Advisor.smallEvalPoints else { return [] }
        return [
            "the eval is small: \(power.text); add cases (or --repeat 3 for a model at temperature > 0) before "
                + "trusting a small change"
        ]
    }

    /// The move for the leading failure class.
    static func classMove(_ facts: Facts) -> Advice.Recommendation {
        let failures = facts.failures
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
        let mixed = share < Advisor.leadingShare ? " (failures are mixed; this class leads)" : ""
        // The same case failing with the same class under several prompt versions.
        var versionsPerCase: [String: Set<String>] = [:]
        for failure in leading.1 { versionsPerCase[failure.label, default: []].insert(failure.promptHash) }
        let persistent = versionsPerCase.filter { $0.value.count >= Advisor.variantsBeforeFineTuning }.keys.sorted()
        switch leading.0 {
        case .knowledge:
            return .init(
                move: "context optimisation",
                why: "\(count) are knowledge failures: the expected facts were in neither the answer nor the "
                    + "retrieved context\(mixed).",
                steps: facts.retrievalOn
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
            return groundingMove(facts, count: count, mixed: mixed, persistent: persistent, basedOn: basedOn)
        case .behaviour:
            return behaviourMove(facts, count: count, mixed: mixed, persistent: persistent, basedOn: basedOn)
        case .unknown:
            return .init(
                move: "add evidence",
                why: "\(count) could not be classified: their cases name no expected facts\(mixed).",
                steps: [
                    "add expected facts to these cases (contains / context-recall assertions, or metadata.expected_facts)",
                    "add an llm-rubric with a grader (`whet eval --grader BACKEND`) for qualities facts cannot capture",
                    "add more cases of the kind that fails",
                ],
                basedOn: basedOn)
        }
    }

    static func groundingMove(
        _ facts: Facts, count: String, mixed: String, persistent: [String], basedOn: [String]
    ) -> Advice.Recommendation {
        let readiness = facts.readiness
        let why = "\(count) are grounding failures: the facts were in the context but the answer missed them\(mixed)."
        if !persistent.isEmpty {
            return .init(
                move: "fine-tuning",
                why: why
                    + " \(persistent.count) case(s) fail this way under \(Advisor.variantsBeforeFineTuning)+ prompt versions.",
                steps: [
                    "collect corrected answers for these cases (rate runs, or expected answers in the eval cases)",
                    "fine-tune when \(readiness.minimum)+ examples exist (\(readiness.examples) now; \(readiness.recommended) recommended)",
                ],
                basedOn: basedOn)
        }
        let traits = facts.traits
        var steps: [String] = []
        if !traits.answersFromContext {
            steps.append("instruct the model to answer only from the context and to say when it is missing")
        }
        if !traits.quotesFirst { steps.append("ask it to quote the passage it relies on before answering") }
        if !traits.roomToThink { steps.append("give it room to think step by step") }
        if !steps.isEmpty { return .init(move: "prompt engineering", why: why, steps: steps, basedOn: basedOn) }
        // The prompt already asks for all of it: wording is exhausted; the next levers.
        var next: [String] = []
        if !traits.examples {
            next.append("add one or two examples of a grounded answer to the prompt (few-shot): the next prompt lever")
        }
        next.append(
            "make the context easier to use: fewer, more precise chunks (top_k \(facts.topK) → \(max(2, facts.topK - 2)), "
                + "chunking=sentence, rerank = true); measure with `whet retrieval compare`")
        next.append(
            "if the failures persist, fine-tune on corrected answers (\(readiness.examples) example(s) now; "
                + "minimum \(readiness.minimum), \(readiness.recommended) recommended)")
        return .init(
            move: traits.examples ? "context optimisation" : "prompt engineering",
            why: why
                + " The prompt already asks it to answer only from the context, to quote and to think (checklist ✓): "
                + "rewording is exhausted for grounding.",
            steps: next, basedOn: basedOn)
    }

    static func behaviourMove(
        _ facts: Facts, count: String, mixed: String, persistent: [String], basedOn: [String]
    ) -> Advice.Recommendation {
        let readiness = facts.readiness
        let why = "\(count) are behaviour or format failures with the knowledge present\(mixed)."
        if !persistent.isEmpty && readiness.examples >= Advisor.plentifulExamples {
            return .init(
                move: "fine-tuning", why: why,
                steps: [
                    "fine-tune on the \(readiness.examples) examples: the format failures persist across prompt versions"
                ],
                basedOn: basedOn)
        }
        var steps: [String] = []
        if !facts.traits.statesFormat {
            steps.append("state the format explicitly (a schema or a template of the answer)")
        }
        if !facts.traits.examples { steps.append("add one or two examples of a correct answer (few-shot)") }
        var whyText = why
        if steps.isEmpty {
            whyText += " The prompt already states a format and shows examples: rewording is exhausted for behaviour."
            steps.append(
                "gather \(Advisor.plentifulExamples)+ examples of the right behaviour to fine-tune (\(readiness.examples) now)"
            )
        } else if !persistent.isEmpty {
            steps.append(
                "they persist across prompt versions: gather \(Advisor.plentifulExamples)+ examples to fine-tune (\(readiness.examples) now)"
            )
        }
        return .init(
            move: steps.count == 1 && facts.traits.statesFormat && facts.traits.examples
                ? "fine-tuning" : "prompt engineering",
            why: whyText, steps: steps, basedOn: basedOn)
    }
}
