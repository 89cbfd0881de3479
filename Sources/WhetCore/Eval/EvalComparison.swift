import Foundation

/// Two evals case by case: each case's pass share (over its checked answers: variants × repeats) before and
/// after, whether it was fixed, regressed, stayed, appeared or disappeared, and the paired verdict on the cases
/// both evals checked (`difference`). The results view, `whet eval --baseline`, the reports and the advisor
/// read it; none of them counts fixes on its own.
public struct EvalComparison: Sendable {
    /// One case in the comparison.
    public struct Change: Sendable, Equatable {
        /// How the case moved between the two evals.
        public enum Kind: String, Sendable {
            case fixed, regressed, same, added, removed
            /// In both evals, but not checked in one of them (nothing could check it, or its run failed): no
            /// verdict either way.
            case notEvaluated = "not evaluated"
        }
        public var key: EvalCaseKey
        public var label: String
        /// The pass share before (nil: not in the baseline, or not checked there).
        public var before: Double?
        /// The pass share after (nil: not in this eval, or not checked).
        public var after: Double?
        /// Whether the case is in the baseline / in this eval at all.
        public var inBefore = true
        public var inAfter = true
        public var kind: Kind {
            if !inBefore { return .added }
            if !inAfter { return .removed }
            guard let before, let after else { return .notEvaluated }
            return after > before ? .fixed : after < before ? .regressed : .same
        }
    }

    /// Every case of either eval, in file order (cases only in the baseline last).
    public let changes: [Change]
    /// The baseline's id and verdict.
    public let baseline: EvalVerdict
    /// The paired difference over the cases both evals checked.
    public let difference: PairedDifference
    /// The paired difference of the cases' mean scores, when either eval has graded scores (nil otherwise).
    public let scoreDifference: PairedDifference?

    /// Compares `after` with the baseline `before`.
    public init(before: EvalVerdict, after: EvalVerdict) {
        baseline = before
        let afterCases = Dictionary(after.cases.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let beforeCases = Dictionary(before.cases.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let keys = after.cases.map(\.key) + before.cases.map(\.key).filter { afterCases[$0] == nil }
        changes = keys.map { key in
            Change(
                key: key, label: afterCases[key]?.label ?? beforeCases[key]?.label ?? key.label,
                before: beforeCases[key]?.share, after: afterCases[key]?.share, inBefore: beforeCases[key] != nil,
                inAfter: afterCases[key] != nil)
        }
        difference = PairedDifference(
            pairs: after.cases.compactMap { now in
                guard let then = beforeCases[now.key], then.answered > 0, now.answered > 0 else { return nil }
                return ((then.passed, then.answered), (now.passed, now.answered))
            })
        scoreDifference =
            before.hasGradedScores || after.hasGradedScores
            ? PairedDifference(
                scores: after.cases.compactMap { now in
                    guard let then = beforeCases[now.key]?.meanScore, let score = now.meanScore else { return nil }
                    return (then, score)
                }) : nil
    }

    /// Compares two evals' results.
    public init(before: [EvalResult], after: [EvalResult]) {
        self.init(before: EvalVerdict(results: before), after: EvalVerdict(results: after))
    }

    public var fixed: [Change] { changes.filter { $0.kind == .fixed } }
    public var regressed: [Change] { changes.filter { $0.kind == .regressed } }

    /// `3 fixed, 1 regressed · +2 cases, +15.4 points [−8.0, +38.5], p = 0.63: within noise`: the line every
    /// front end states a comparison with.
    public var headline: String {
        "\(fixed.count) fixed, \(regressed.count) regressed · "
            + (difference.cases == 0 ? "no case was checked in both evals" : difference.text)
    }

    /// What `whet eval --baseline` prints: the baseline, the verdict, then each case that changed.
    public func report() -> String {
        func share(_ value: Double?) -> String { value.map { String(format: "%.0f%%", $0 * 100) } ?? "–" }
        var out = "compared with eval \(baseline.id) (\(baseline.rate?.text ?? "nothing checked")): \(headline)\n"
        if let hint = difference.settleHint, difference.cases > 0 { out += "  (\(hint))\n" }
        if let scores = scoreDifference, scores.cases > 0 { out += "  scores: \(scores.scoreText)\n" }
        for change in changes where change.kind != .same {
            let mark =
                switch change.kind {
                case .fixed: "▲ fixed    "
                case .regressed: "▼ regressed"
                case .added: "+ new case "
                case .removed: "- gone     "
                case .notEvaluated: "? not checked in both"
                case .same: ""
                }
            out += "  \(mark)  \(change.label)  \(share(change.before)) → \(share(change.after))\n"
        }
        return out
    }
}
