import Foundation

/// The CI gates of `whet eval` (`--fail-under`, `--fail-on-regression`), decided from the eval's verdict so a
/// gate and the report that explains it never disagree. Each returns nil when the gate passes, else the one
/// line that says why it failed.
public enum EvalGate {
    /// When a regression against the baseline fails the gate.
    public enum RegressionRule: String, Sendable, CaseIterable {
        /// Only a regression the paired test tells from noise (p < 0.05) — the default: at temperature > 0 a
        /// case or two flip between runs, and a gate that fails on noise gets switched off.
        case significant
        /// Any case that passes less often than before: for deterministic suites where every flip is real.
        case any
    }

    /// `0.9`, `90%` or `90` → 0.9.
    public static func parseRate(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("%"), let percent = Double(trimmed.dropLast()) {
            return (0...100).contains(percent) ? percent / 100 : nil
        }
        guard let value = Double(trimmed) else { return nil }
        if (0...1).contains(value) { return value }
        return (0...100).contains(value) ? value / 100 : nil
    }

    /// Whether the eval checked anything at all; an eval that checked nothing fails every gate.
    public static func checkedSomething(_ verdict: EvalVerdict) -> String? {
        verdict.checkedAnything ? nil : verdict.headline
    }

    /// `--fail-under RATE`: the pass rate (its point estimate) must reach `minimum`, every run must have
    /// answered (a failed run is no evidence that the application passes), and every answer must have been
    /// checked unless `allowNotEvaluated`.
    public static func failUnder(_ minimum: Double, verdict: EvalVerdict, allowNotEvaluated: Bool) -> String? {
        if let nothing = checkedSomething(verdict) { return nothing }
        let counts = verdict.counts
        if counts.errors > 0 {
            return "\(verdict.runFailures.text) (\(verdict.runFailures.groups.first?.example.prefix(160) ?? "")); "
                + "--fail-under needs every run to answer: fix the runs, then run the eval again (it re-runs only those)"
        }
        if counts.notEvaluated > 0 && !allowNotEvaluated {
            return "\(counts.notEvaluated) of \(counts.total) cells could not be evaluated "
                + "(\(verdict.results.first { $0.status == .notRun }?.notRunReason ?? "")); --fail-under needs every cell "
                + "checked: fix that, or pass --allow-not-evaluated to gate on the \(counts.answered) that were"
        }
        guard let rate = verdict.rate, rate.rate < minimum else { return nil }
        return String(format: "pass rate %@ is below --fail-under %.1f%%", rate.text, minimum * 100)
    }

    /// `--fail-on-regression RULE` against a baseline.
    public static func regression(_ comparison: EvalComparison, rule: RegressionRule) -> String? {
        switch rule {
        case .any:
            guard !comparison.regressed.isEmpty else { return nil }
            return "\(comparison.regressed.count) case(s) regressed against eval \(comparison.baseline.id) "
                + "(--fail-on-regression any): \(comparison.headline)"
        case .significant:
            guard comparison.difference.verdict == .worse else { return nil }
            return "the eval is significantly worse than eval \(comparison.baseline.id) "
                + "(--fail-on-regression significant): \(comparison.headline)"
        }
    }
}
