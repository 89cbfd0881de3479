// The Statistics folder: the uncertainty of an eval's numbers. People run 20–200 cases; 12 of 13 is somewhere
// between about 67 % and 99 %, and a change of one case is usually noise. Every rate whet shows is a
// `RateEstimate` (a proportion with its 95 % interval), every comparison a `PairedDifference`. Methods and why:
// docs/evals.md#uncertainty.

import Foundation

/// A pass rate with its 95 % interval, written compactly as `92.3% [66.7–98.6] of 13`.
///
/// With one answer per case the interval is Wilson's score interval, which keeps its coverage at small n and
/// near 0 or 100 % where the textbook ±1.96·SE interval collapses. When a case answered more than once
/// (`--repeat`, or several variants pooled) the answers of one case are not independent: the standard error is
/// clustered by case, turned into an effective number of independent answers (n / design effect), and Wilson's
/// interval is taken at that n — so a case repeated five times counts for about one case when its repeats agree.
public struct RateEstimate: Sendable, Equatable, Codable {
    /// How the interval was computed.
    public enum Method: String, Sendable, Codable {
        /// Wilson's score interval over independent answers.
        case wilson
        /// Wilson's interval at the effective sample size given by a standard error clustered by case.
        case clusteredWilson = "wilson-clustered"
    }

    /// Answers that passed.
    public var passed: Int
    /// Answers judged (passed + failed): the rate's denominator.
    public var answered: Int
    /// Distinct cases among them (clusters).
    public var cases: Int
    /// passed / answered.
    public var rate: Double
    /// The 95 % interval's bounds.
    public var lower: Double
    public var upper: Double
    public var method: Method
    /// The rate's standard error (clustered by case when `method` says so).
    public var standardError: Double
    /// The number of independent answers the interval was computed at (`answered` for Wilson).
    public var effectiveN: Double

    enum CodingKeys: String, CodingKey {
        case passed, answered, cases, rate, lower, upper, method
        case standardError = "standard_error"
        case effectiveN = "effective_n"
    }

    /// The normal quantile for a two-sided 95 % interval.
    public static let z95 = 1.959963984540054

    init(
        passed: Int, answered: Int, cases: Int, lower: Double, upper: Double, method: Method, standardError: Double,
        effectiveN: Double
    ) {
        self.passed = passed
        self.answered = answered
        self.cases = cases
        rate = answered == 0 ? 0 : Double(passed) / Double(answered)
        self.lower = lower
        self.upper = upper
        self.method = method
        self.standardError = standardError
        self.effectiveN = effectiveN
    }

    /// The estimate for `passed` of `answered` independent answers (one per case).
    public init(passed: Int, answered: Int) {
        let rate = answered == 0 ? 0 : Double(passed) / Double(answered)
        let (lower, upper) = Self.wilson(rate: rate, n: Double(answered))
        self.init(
            passed: passed, answered: answered, cases: answered, lower: lower, upper: upper, method: .wilson,
            standardError: answered == 0 ? 0 : (rate * (1 - rate) / Double(answered)).squareRoot(),
            effectiveN: Double(answered))
    }

    /// The estimate over answers grouped by case: `clusters[i]` is (passed, answered) of case i. With one
    /// answer per case this is Wilson's interval; otherwise the clustered one.
    public init(clusters: [(passed: Int, answered: Int)]) {
        let used = clusters.filter { $0.answered > 0 }
        let passed = used.reduce(0) { $0 + $1.passed }
        let answered = used.reduce(0) { $0 + $1.answered }
        guard used.contains(where: { $0.answered > 1 }) else {
            self.init(passed: passed, answered: answered)
            return
        }
        let p = Double(passed) / Double(answered)
        // Cluster-robust variance of a mean: Σ_c (Σ_i∈c (y_i − p))² / N². With one answer per case it is
        // p(1−p)/N, Wilson's own, so the two methods agree where they meet; Wilson's interval supplies the
        // small-sample behaviour a G/(G−1) factor would otherwise approximate.
        let n = Double(answered)
        let groups = Double(used.count)
        let sumSquares = used.reduce(0.0) { total, cluster in
            let residual = Double(cluster.passed) - p * Double(cluster.answered)
            return total + residual * residual
        }
        let variance = sumSquares / (n * n)
        // Effective n: what an independent sample would need for this standard error. A rate of exactly 0 or 1
        // has none to learn from; it counts one answer per case, the most the data can be trusted for then.
        let effective = variance > 0 ? p * (1 - p) / variance : groups
        let effectiveN = min(n, max(1, p > 0 && p < 1 ? effective : groups))
        let (lower, upper) = Self.wilson(rate: p, n: effectiveN)
        self.init(
            passed: passed, answered: answered, cases: used.count, lower: lower, upper: upper,
            method: .clusteredWilson, standardError: variance.squareRoot(), effectiveN: effectiveN)
    }

    /// Wilson's 95 % score interval for a proportion `rate` observed over `n` (not necessarily whole) trials.
    public static func wilson(rate p: Double, n: Double) -> (Double, Double) {
        guard n > 0 else { return (0, 1) }
        let z = z95
        let z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        // The exact ends: with no successes the lower bound is 0, with all of them the upper is 1.
        let lower = p == 0 ? 0 : max(0, centre - half)
        let upper = p == 1 ? 1 : min(1, centre + half)
        return (lower, upper)
    }

    /// `92.3% [66.7–98.6] of 13`, with the cases named when there were more answers than cases
    /// (`80.0% [61.2–91.0] of 39 (13 cases)`).
    public var text: String {
        var out = String(format: "%.1f%% [%.1f–%.1f] of %d", rate * 100, lower * 100, upper * 100, answered)
        if cases != answered { out += " (\(cases) case\(cases == 1 ? "" : "s"))" }
        return out
    }

    /// `92% [67–99]`: the same without decimals, for narrow places (the sidebar, a matrix header).
    public var shortText: String {
        String(format: "%.0f%% [%.0f–%.0f]", rate * 100, lower * 100, upper * 100)
    }
}
