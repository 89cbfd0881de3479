import Foundation

/// What one eval found, computed once from its results and read by every front end: `whet eval` (text, JSON,
/// JUnit, `--fail-under`, `--baseline`), the workbench (status line, results view, sidebar), the advisor and
/// the reports. No consumer derives a verdict of its own from the results, so they cannot disagree.
///
/// Cells are counted by status. The pass rate is over answers that were checked (passed + failed): a cell
/// nothing could check is not evaluated, and a cell whose run failed (backend error, a case that cannot be
/// rendered) is no answer at all — both are reported apart, never as passes and never as the application's
/// failures. Every rate carries its 95 % interval (`RateEstimate`), and an eval with several variants compares
/// each with the first, case by case (`PairedDifference`).
public struct EvalVerdict: Sendable {
    /// Cells by status.
    public struct Counts: Sendable, Equatable, Codable {
        public var passed = 0
        public var failed = 0
        /// The run failed: no answer to judge.
        public var errors = 0
        /// The run answered but nothing could check it.
        public var notEvaluated = 0

        /// Answers that were checked: the pass rate's denominator.
        public var answered: Int { passed + failed }
        public var total: Int { answered + errors + notEvaluated }

        enum CodingKeys: String, CodingKey {
            case passed, failed, errors, answered, total
            case notEvaluated = "not_evaluated"
        }

        /// Counts over `results`.
        public init(_ results: [EvalResult]) {
            for result in results {
                switch result.status {
                case .passed: passed += 1
                case .failed: failed += 1
                case .error: errors += 1
                case .notRun: notEvaluated += 1
                }
            }
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            passed = try container.decode(Int.self, forKey: .passed)
            failed = try container.decode(Int.self, forKey: .failed)
            errors = try container.decode(Int.self, forKey: .errors)
            notEvaluated = try container.decode(Int.self, forKey: .notEvaluated)
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(passed, forKey: .passed)
            try container.encode(failed, forKey: .failed)
            try container.encode(errors, forKey: .errors)
            try container.encode(notEvaluated, forKey: .notEvaluated)
            try container.encode(answered, forKey: .answered)
            try container.encode(total, forKey: .total)
        }
    }

    /// Whether the eval can be read at all.
    public enum Standing: Sendable, Equatable {
        /// Some answers were checked: the rate means something.
        case checked
        /// Runs answered but no assertion could check any of them.
        case nothingEvaluated(reason: String)
        /// No run produced an answer that could be checked: every one failed (or the rest were unchecked).
        case everyRunFailed(error: String)
    }

    /// One case over all its cells (variants and repeats).
    public struct CaseOutcome: Sendable, Equatable {
        public var key: EvalCaseKey
        public var label: String
        public var passed: Int
        public var answered: Int
        public var errors: Int
        public var notEvaluated: Int
        /// Pass share over the checked answers, nil when none was checked.
        public var share: Double? { answered == 0 ? nil : Double(passed) / Double(answered) }
        /// Mean score over the checked answers (nil when none was checked).
        public var meanScore: Double?
    }

    /// One column of the matrix: a prompt version on a backend.
    public struct VariantOutcome: Sendable {
        public var variant: String
        public var counts: Counts
        /// Its pass rate, nil when none of its answers was checked.
        public var rate: RateEstimate?
        /// Against the eval's first variant on the cases both answered (nil for the first, or when alone).
        public var againstFirst: PairedDifference?
    }

    /// A case whose repeats disagreed under one variant.
    public struct FlakyCase: Sendable, Equatable, Codable {
        public var label: String
        public var variant: String
        public var passed: Int
        public var answered: Int
    }

    /// The eval's id (its results file's name).
    public let id: String
    public let counts: Counts
    /// The pass rate over all checked answers with its interval (clustered by case when a case answered more
    /// than once), nil when nothing was checked.
    public let rate: RateEstimate?
    public let standing: Standing
    /// Cases in file order.
    public let cases: [CaseOutcome]
    /// Variants in the order the eval ran them.
    public let variants: [VariantOutcome]
    public let flaky: [FlakyCase]
    /// The prompt versions the eval ran, in first-seen order.
    public let prompts: [RunRecord.PromptReference]
    /// The failed runs, grouped.
    public let runFailures: RunFailures
    /// How large a change this eval can show (nil when nothing was checked).
    public let power: EvalPower?
    /// The results themselves, for the views that list cells.
    public let results: [EvalResult]

    /// The verdict of the eval `id` whose results are `results` (one line per cell, the newest per cell).
    public init(id: String? = nil, results: [EvalResult]) {
        self.id = id ?? results.first?.evalID ?? ""
        self.results = results
        counts = Counts(results)
        var order: [EvalCaseKey] = []
        var byCase: [EvalCaseKey: [EvalResult]] = [:]
        for result in results.sorted(by: { EvalCaseKey($0) < EvalCaseKey($1) }) {
            let key = EvalCaseKey(result)
            if byCase[key] == nil { order.append(key) }
            byCase[key, default: []].append(result)
        }
        cases = order.map { key in
            let cells = byCase[key] ?? []
            let counts = Counts(cells)
            let scored = cells.filter { $0.status == .passed || $0.status == .failed }.map(\.score)
            return CaseOutcome(
                key: key, label: cells.first?.label ?? key.label, passed: counts.passed, answered: counts.answered,
                errors: counts.errors, notEvaluated: counts.notEvaluated,
                meanScore: scored.isEmpty ? nil : scored.reduce(0, +) / Double(scored.count))
        }
        let clusters = cases.map { (passed: $0.passed, answered: $0.answered) }
        rate = counts.answered > 0 ? RateEstimate(clusters: clusters) : nil
        power = rate.map(EvalPower.init)
        runFailures = RunFailures(results)
        if counts.answered > 0 {
            standing = .checked
        } else if counts.errors > 0 {
            standing = .everyRunFailed(error: runFailures.groups.first?.example ?? "the runs failed")
        } else {
            standing = .nothingEvaluated(reason: results.first { $0.status == .notRun }?.notRunReason ?? "no results")
        }
        var seenVariants: [String] = []
        var seenPrompts = Set<RunRecord.PromptReference>()
        var prompts: [RunRecord.PromptReference] = []
        for result in results {
            if !seenVariants.contains(result.variant) { seenVariants.append(result.variant) }
            if seenPrompts.insert(result.prompt).inserted { prompts.append(result.prompt) }
        }
        self.prompts = prompts
        let perVariant = Dictionary(grouping: results, by: \.variant)
        func caseCounts(_ cells: [EvalResult]) -> [EvalCaseKey: (passed: Int, answered: Int)] {
            var out: [EvalCaseKey: (passed: Int, answered: Int)] = [:]
            for cell in cells where cell.status == .passed || cell.status == .failed {
                out[EvalCaseKey(cell), default: (0, 0)].answered += 1
                if cell.status == .passed { out[EvalCaseKey(cell), default: (0, 0)].passed += 1 }
            }
            return out
        }
        let first = seenVariants.first.map { caseCounts(perVariant[$0] ?? []) } ?? [:]
        var flaky: [FlakyCase] = []
        variants = seenVariants.enumerated().map { index, variant in
            let cells = perVariant[variant] ?? []
            let counts = Counts(cells)
            let byCase = caseCounts(cells)
            let clusters = order.compactMap { byCase[$0] }
            for key in order {
                guard let value = byCase[key], value.answered >= 2, value.passed > 0, value.passed < value.answered
                else { continue }
                flaky.append(
                    FlakyCase(label: key.label, variant: variant, passed: value.passed, answered: value.answered))
            }
            var against: PairedDifference? = nil
            if index > 0 {
                let pairs = order.compactMap {
                    key -> (before: (passed: Int, answered: Int), after: (passed: Int, answered: Int))? in
                    guard let before = first[key], let after = byCase[key] else { return nil }
                    return (before, after)
                }
                // Variants that share no checked case (different prompts for different cases) are not compared.
                against = pairs.isEmpty ? nil : PairedDifference(pairs: pairs)
            }
            return VariantOutcome(
                variant: variant, counts: counts, rate: counts.answered > 0 ? RateEstimate(clusters: clusters) : nil,
                againstFirst: against)
        }
        self.flaky = flaky
    }

    /// Whether any checked answer has a graded score (strictly between 0 and 1): then comparisons also compare
    /// mean scores, which move before pass/fail does.
    public var hasGradedScores: Bool {
        results.contains { ($0.status == .passed || $0.status == .failed) && $0.score > 1e-9 && $0.score < 1 - 1e-9 }
    }

    /// Whether the eval checked any answer: only then is it evidence, a baseline, or "evaluated".
    public var checkedAnything: Bool { standing == .checked }

    /// The pass rate as a plain share (0 when nothing was checked: read `checkedAnything` first).
    public var passRate: Double { rate?.rate ?? 0 }

    /// The line every front end states the eval with: `pass rate 92.3% [66.7–98.6] of 13; 1 not evaluated;
    /// 2 runs failed`, or what made the eval check nothing.
    public var headline: String {
        switch standing {
        case .checked:
            var text = "pass rate \(rate?.text ?? "")"
            text += apart
            return text
        case .nothingEvaluated(let reason):
            return "the eval checked nothing: no answer could be evaluated (\(reason))"
        case .everyRunFailed(let error):
            return "the eval checked nothing: \(runFailures.text) (\(error.prefix(160)))"
                + (counts.notEvaluated > 0 ? "; \(counts.notEvaluated) not evaluated" : "")
        }
    }

    /// `; 1 not evaluated; 2 runs failed (not counted)`: what the rate leaves out.
    public var apart: String {
        var text = ""
        if counts.notEvaluated > 0 { text += "; \(counts.notEvaluated) not evaluated" }
        if counts.errors > 0 { text += "; \(counts.errors) run\(counts.errors == 1 ? "" : "s") failed (not counted)" }
        return text
    }

    /// The verdict of `file`'s results.
    public init(_ file: EvalHistory.File) {
        self.init(id: file.id, results: file.results)
    }
}

/// A case's identity across evals: where it is defined, and its description (a case moved to another line is
/// another case; that is what the file says).
public struct EvalCaseKey: Sendable, Hashable, Comparable, Codable {
    public var file: String
    public var line: Int
    public var label: String

    /// The key of `result`'s case.
    public init(_ result: EvalResult) {
        file = result.caseRef.file
        line = result.caseRef.line
        label = result.label
    }

    public static func < (a: EvalCaseKey, b: EvalCaseKey) -> Bool {
        (a.file, a.line, a.label) < (b.file, b.line, b.label)
    }
}

/// One cell of the case × variant matrix (a case under one prompt version on one backend), as a key.
public struct EvalCellKey: Sendable, Hashable {
    public var `case`: EvalCaseKey
    public var variant: String

    /// The cell of `case` under `variant`.
    public init(case: EvalCaseKey, variant: String) {
        self.case = `case`
        self.variant = variant
    }
}
