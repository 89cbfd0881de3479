import Foundation

/// Two evals case by case: each case's pass share (over its cells: variants × repeats) before and after, and
/// whether it was fixed, regressed, stayed, appeared or disappeared. The results view marks these; `whet eval
/// --baseline` prints them and can fail a CI job on a regression.
public struct EvalComparison: Sendable {
    /// One case in the comparison.
    public struct Change: Sendable, Equatable {
        /// How the case moved between the two evals.
        public enum Kind: String, Sendable {
            case fixed, regressed, same, added, removed
            /// In both evals, but nothing could check it in one of them: no verdict either way.
            case notEvaluated = "not evaluated"
        }
        /// `file:line` and description: a case's identity across evals.
        public var key: String
        public var label: String
        /// The pass share before (nil: not in the baseline, or not evaluated there).
        public var before: Double?
        /// The pass share after (nil: not in this eval, or not evaluated).
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

        /// A change between two pass shares of a case present in both evals.
        public init(
            key: String, label: String, before: Double?, after: Double?, inBefore: Bool = true, inAfter: Bool = true
        ) {
            self.key = key
            self.label = label
            self.before = before
            self.after = after
            self.inBefore = inBefore
            self.inAfter = inAfter
        }
    }

    /// Every case of either eval, in file order (cases only in the baseline last).
    public let changes: [Change]

    /// Compares `after` with the baseline `before`.
    public init(before: [EvalResult], after: [EvalResult]) {
        // A case's share is over its evaluated cells; a case nothing could check has no share (shown "–"),
        // so it can be neither fixed nor regressed.
        func shares(_ results: [EvalResult]) -> ([String], [String: (label: String, share: Double?)]) {
            var order: [String] = []
            var grouped: [String: [EvalResult]] = [:]
            for result in results.sorted(by: { ($0.caseRef.file, $0.caseRef.line) < ($1.caseRef.file, $1.caseRef.line) }
            ) {
                let key = EvalComparison.caseKey(result)
                if grouped[key] == nil { order.append(key) }
                grouped[key, default: []].append(result)
            }
            return (
                order,
                grouped.mapValues { cells in
                    let evaluated = cells.filter { $0.status != .notRun }
                    return (
                        cells[0].label,
                        evaluated.isEmpty
                            ? nil : Double(evaluated.filter { $0.status == .passed }.count) / Double(evaluated.count)
                    )
                }
            )
        }
        let (afterOrder, afterShares) = shares(after)
        let (beforeOrder, beforeShares) = shares(before)
        let keys = afterOrder + beforeOrder.filter { afterShares[$0] == nil }
        changes = keys.map { key in
            Change(
                key: key, label: afterShares[key]?.label ?? beforeShares[key]?.label ?? key,
                before: beforeShares[key]?.share ?? nil, after: afterShares[key]?.share ?? nil,
                inBefore: beforeShares[key] != nil, inAfter: afterShares[key] != nil)
        }
    }

    /// A case's identity across evals: where it is defined, and its description.
    public static func caseKey(_ result: EvalResult) -> String {
        "\(result.caseRef.file):\(result.caseRef.line)\u{1}\(result.label)"
    }

    public var fixed: [Change] { changes.filter { $0.kind == .fixed } }
    public var regressed: [Change] { changes.filter { $0.kind == .regressed } }

    /// What `whet eval --baseline` prints: the counts, then each case that changed.
    public func report(baselineID: String, baselineRate: Double) -> String {
        func share(_ value: Double?) -> String { value.map { String(format: "%.0f%%", $0 * 100) } ?? "–" }
        var out = String(
            format: "compared with eval %@ (%.1f%%): %d fixed, %d regressed\n", baselineID, baselineRate * 100,
            fixed.count, regressed.count)
        for change in changes where change.kind != .same {
            let mark =
                switch change.kind {
                case .fixed: "▲ fixed    "
                case .regressed: "▼ regressed"
                case .added: "+ new case "
                case .removed: "- gone     "
                case .notEvaluated: "? not evaluated"
                case .same: ""
                }
            out += "  \(mark)  \(change.label)  \(share(change.before)) → \(share(change.after))\n"
        }
        return out
    }
}
