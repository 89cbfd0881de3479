import Foundation

/// The advisor's reading of the latest eval: failures by class with the cases behind each, the recommended
/// next move and why, the prompt-engineering checklist, and fine-tuning readiness. `whet advise` prints it;
/// the sidebar shows it. Rules and thresholds: docs/advisor.md.
public struct Advice: Sendable, Codable {
    /// The next move with its reasons, steps and the cases it rests on.
    public struct Recommendation: Sendable, Equatable, Codable {
        /// The move: "fix the runs", "context optimisation", "prompt engineering", "fine-tuning", "add evidence",
        /// "build a baseline", "keep going".
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

    /// The eval's change against the one before it on the same prompt, with the paired verdict.
    public struct Change: Sendable, Codable {
        /// The earlier eval.
        public var evalID: String
        public var difference: PairedDifference
        /// `3 fixed, 1 regressed · +2 cases, +15.4 points [−8.0, +38.5], p = 0.63: within noise`.
        public var headline: String

        enum CodingKeys: String, CodingKey {
            case difference, headline
            case evalID = "eval_id"
        }
    }

    public var evalID: String?
    public var resultsPath: String?
    public var cells: Int
    /// Passed over checked answers (the verdict's rate; 0 when nothing was checked).
    public var passRate: Double
    /// Answers the pass rate covers, and cells nothing could check (never counted as passes).
    public var evaluated = 0
    public var notEvaluated = 0
    /// The eval's verdict as every front end states it, its rate with the interval, and the cells by status.
    public var headline: String?
    public var rate: RateEstimate?
    public var cellCounts: EvalVerdict.Counts?
    /// Whether the eval checked any answer (else it is no baseline and no evidence).
    public var checkedAnything = false
    /// Runs that failed, set apart from the rate (nil when none did).
    public var runFailures: RunFailures?
    /// Cases whose repeats disagreed.
    public var flaky: [EvalVerdict.FlakyCase] = []
    /// How large a change this eval can show.
    public var power: EvalPower?
    /// Against the previous eval of the same prompt.
    public var change: Change?
    /// Failures per class (the class's name → count).
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
        case evaluated, headline, rate, flaky, power, change
        case notEvaluated = "not_evaluated"
        case cellCounts = "cell_counts"
        case checkedAnything = "checked_anything"
        case runFailures = "run_failures"
    }
}
