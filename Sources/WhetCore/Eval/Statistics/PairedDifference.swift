import Foundation

/// The difference between two variants that answered the same cases, case by case, with its 95 % interval and
/// a paired test: the verdict behind "3 fixed, 1 regressed".
///
/// Pairing matters: two prompts answering the same 13 cases differ by far less noise than two independent
/// samples, because most cases pass (or fail) under both. With one pass/fail answer per case per side the test
/// is the exact McNemar test on the discordant cases (fixed vs regressed) and the interval Newcombe's hybrid
/// score interval for paired proportions (his method 10), which behaves at small n. With repeats (a case's
/// pass share is between 0 and 1) the test is a paired sign-flip permutation test on the per-case differences
/// (exact up to 2^16 arrangements, else 20,000 seeded draws) and the interval a t interval on their mean.
public struct PairedDifference: Sendable, Equatable, Codable {
    /// What the difference says, at α = 0.05.
    public enum Verdict: String, Sendable, Codable {
        case better
        case worse
        /// Not distinguishable from noise at this number of cases: add cases or repeats to settle it.
        case withinNoise = "within noise"
    }

    /// Which test gave the p-value.
    public enum Test: String, Sendable, Codable {
        case exactMcNemar = "exact McNemar"
        case pairedPermutation = "paired permutation"
    }

    /// Cases answered (and checked) on both sides: the comparison's n.
    public var cases: Int
    /// Cases whose pass share rose / fell.
    public var fixed: Int
    public var regressed: Int
    /// Mean pass share over the paired cases, before and after.
    public var before: Double
    public var after: Double
    /// after − before, and its 95 % interval (shares, −1…1).
    public var difference: Double
    public var lower: Double
    public var upper: Double
    public var pValue: Double
    public var test: Test

    enum CodingKeys: String, CodingKey {
        case cases, fixed, regressed, before, after, difference, lower, upper, test, verdict
        case pValue = "p_value"
    }

    /// The significance level a verdict is read at.
    public static let alpha = 0.05

    /// better / worse only when the test rejects "no difference" at `alpha`.
    public var verdict: Verdict {
        guard pValue < Self.alpha, difference != 0 else { return .withinNoise }
        return difference > 0 ? .better : .worse
    }

    /// The change in whole cases (fixed − regressed; a sum of share changes with repeats).
    public var netCases: Double { difference * Double(cases) }

    /// `+2 cases, +15.4 points [−8.0, +38.5], p = 0.63: within noise`.
    public var text: String {
        let net = netCases
        let casesText =
            abs(net - net.rounded()) < 1e-9
            ? String(
                format: "%@%d case%@", net >= 0 ? "+" : "−", Int(abs(net.rounded())), abs(net.rounded()) == 1 ? "" : "s"
            )
            : String(format: "%@%.1f cases", net >= 0 ? "+" : "−", abs(net))
        return "\(casesText), \(Self.points(difference)) points [\(Self.points(lower)), \(Self.points(upper))], "
            + "\(pText): \(verdict.rawValue)"
    }

    /// `p = 0.63`, `p = 0.004`, `p < 0.001`.
    public var pText: String {
        if pValue < 0.001 { return "p < 0.001" }
        if pValue < 0.01 { return String(format: "p = %.3f", pValue) }
        return String(format: "p = %.2f", pValue)
    }

    /// What would settle a difference within noise, or nil when it is settled.
    public var settleHint: String? {
        verdict == .withinNoise ? "add cases or --repeat to tell it from noise" : nil
    }

    /// `+15.4`, `−8.0`, `0.0`: a share as signed points.
    public static func points(_ share: Double) -> String {
        let value = share * 100
        if abs(value) < 0.05 { return "0.0" }
        return String(format: "%@%.1f", value > 0 ? "+" : "−", abs(value))
    }

    /// The comparison of paired cases: `pairs[i]` is case i's (before, after) as (passed, answered) on each
    /// side. Cases answered on only one side are not paired and must be left out by the caller.
    public init(pairs: [(before: (passed: Int, answered: Int), after: (passed: Int, answered: Int))]) {
        let used = pairs.filter { $0.before.answered > 0 && $0.after.answered > 0 }
        cases = used.count
        let beforeShares = used.map { Double($0.before.passed) / Double($0.before.answered) }
        let afterShares = used.map { Double($0.after.passed) / Double($0.after.answered) }
        let differences = zip(afterShares, beforeShares).map { $0 - $1 }
        fixed = differences.filter { $0 > 0 }.count
        regressed = differences.filter { $0 < 0 }.count
        let n = Double(max(1, cases))
        before = beforeShares.reduce(0, +) / n
        after = afterShares.reduce(0, +) / n
        difference = after - before
        guard cases > 0 else {
            (lower, upper, pValue, test) = (-1, 1, 1, .exactMcNemar)
            return
        }
        if used.allSatisfy({ $0.before.answered == 1 && $0.after.answered == 1 }) {
            test = .exactMcNemar
            pValue = Self.exactMcNemar(fixed: fixed, regressed: regressed)
            let bothPassed = zip(afterShares, beforeShares).filter { $0 == 1 && $1 == 1 }.count
            (lower, upper) = Self.newcombe(
                bothPassed: bothPassed, fixed: fixed, regressed: regressed,
                bothFailed: cases - bothPassed - fixed - regressed)
        } else {
            test = .pairedPermutation
            pValue = Self.signFlipPValue(differences)
            (lower, upper) = Self.tInterval(differences)
        }
    }

    /// The comparison of paired cases' mean scores (0…1: an assertion's graded score, a rubric's, a similarity):
    /// `scores[i]` is case i's (before, after). Always the paired sign-flip permutation test with a t interval —
    /// scores are not pass/fail, so McNemar does not apply.
    public init(scores: [(before: Double, after: Double)]) {
        cases = scores.count
        let differences = scores.map { $0.after - $0.before }
        fixed = differences.filter { $0 > 1e-12 }.count
        regressed = differences.filter { $0 < -1e-12 }.count
        let n = Double(max(1, cases))
        before = scores.reduce(0) { $0 + $1.before } / n
        after = scores.reduce(0) { $0 + $1.after } / n
        difference = after - before
        test = .pairedPermutation
        guard cases > 0 else {
            (lower, upper, pValue) = (-1, 1, 1)
            return
        }
        pValue = Self.signFlipPValue(differences)
        (lower, upper) = Self.tInterval(differences)
    }

    /// `mean score +0.120 [−0.050, +0.290], p = 0.21: within noise`: a score comparison's line.
    public var scoreText: String {
        func signed(_ value: Double) -> String {
            abs(value) < 0.0005 ? "0.000" : String(format: "%@%.3f", value > 0 ? "+" : "−", abs(value))
        }
        return "mean score \(signed(difference)) [\(signed(lower)), \(signed(upper))], \(pText): \(verdict.rawValue)"
    }

    /// Two-sided exact McNemar: twice the smaller binomial tail of the discordant cases at ½, at most 1.
    public static func exactMcNemar(fixed: Int, regressed: Int) -> Double {
        let m = fixed + regressed
        guard m > 0 else { return 1 }
        let k = min(fixed, regressed)
        var tail = 0.0
        for i in 0...k { tail += exp(logChoose(m, i) - Double(m) * log(2.0)) }
        return min(1, 2 * tail)
    }

    static func logChoose(_ n: Int, _ k: Int) -> Double {
        lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
    }

    /// Newcombe's interval (method 10) for after − before from the paired 2×2 table, with after = both + fixed
    /// and before = both + regressed.
    static func newcombe(bothPassed a: Int, fixed: Int, regressed: Int, bothFailed d: Int) -> (Double, Double) {
        let n = Double(a + fixed + regressed + d)
        let p1 = Double(a + fixed) / n  // after
        let p2 = Double(a + regressed) / n  // before
        let (l1, u1) = RateEstimate.wilson(rate: p1, n: n)
        let (l2, u2) = RateEstimate.wilson(rate: p2, n: n)
        // φ between the two sides' outcomes; 0 when a margin is empty.
        let rowAfterPass = Double(a + fixed)
        let rowAfterFail = Double(regressed + d)
        let colBeforePass = Double(a + regressed)
        let colBeforeFail = Double(fixed + d)
        let denominator = (rowAfterPass * rowAfterFail * colBeforePass * colBeforeFail).squareRoot()
        let phi = denominator == 0 ? 0 : (Double(a) * Double(d) - Double(fixed) * Double(regressed)) / denominator
        let theta = p1 - p2
        let delta = max(0, (p1 - l1) * (p1 - l1) - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) * (u2 - p2)).squareRoot()
        let epsilon = max(0, (u1 - p1) * (u1 - p1) - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) * (p2 - l2))
            .squareRoot()
        return (max(-1, theta - delta), min(1, theta + epsilon))
    }

    /// Two-sided p-value of the sign-flip permutation test on the sum of per-case differences.
    static func signFlipPValue(_ differences: [Double]) -> Double {
        let nonzero = differences.filter { abs($0) > 1e-12 }
        guard !nonzero.isEmpty else { return 1 }
        let observed = abs(nonzero.reduce(0, +)) - 1e-9
        if nonzero.count <= 16 {
            var extreme = 0
            let arrangements = 1 << nonzero.count
            for mask in 0..<arrangements {
                var sum = 0.0
                for (index, value) in nonzero.enumerated() { sum += mask & (1 << index) != 0 ? -value : value }
                if abs(sum) >= observed { extreme += 1 }
            }
            return Double(extreme) / Double(arrangements)
        }
        var generator = SplitMix64(seed: 0x5EED_CAFE)
        let draws = 20_000
        var extreme = 0
        for _ in 0..<draws {
            var sum = 0.0
            for value in nonzero { sum += generator.next() & 1 == 0 ? value : -value }
            if abs(sum) >= observed { extreme += 1 }
        }
        return Double(extreme + 1) / Double(draws + 1)
    }

    /// mean ± t(0.975, n−1) · sd / √n, within −1…1.
    static func tInterval(_ values: [Double]) -> (Double, Double) {
        let n = values.count
        guard n >= 2 else { return (-1, 1) }
        let mean = values.reduce(0, +) / Double(n)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        let half = StudentT.quantile975(degreesOfFreedom: n - 1) * (variance / Double(n)).squareRoot()
        return (max(-1, mean - half), min(1, mean + half))
    }
}

/// A small seeded generator (SplitMix64): permutation tests and simulations give the same answer every run.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Student's t quantiles for 95 % intervals.
enum StudentT {
    static let table: [Double] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ]

    /// t(0.975) for `degreesOfFreedom` (a table to 30, then the Cornish–Fisher expansion around z).
    static func quantile975(degreesOfFreedom df: Int) -> Double {
        if df >= 1 && df <= table.count { return table[df - 1] }
        let z = RateEstimate.z95
        let v = Double(max(df, 1))
        return z + (z * z * z + z) / (4 * v) + (5 * pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * v * v)
    }
}

extension PairedDifference {
    /// Writes the verdict and a readable line beside the numbers.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(cases, forKey: .cases)
        try container.encode(fixed, forKey: .fixed)
        try container.encode(regressed, forKey: .regressed)
        try container.encode(before, forKey: .before)
        try container.encode(after, forKey: .after)
        try container.encode(difference, forKey: .difference)
        try container.encode(lower, forKey: .lower)
        try container.encode(upper, forKey: .upper)
        try container.encode(pValue, forKey: .pValue)
        try container.encode(test, forKey: .test)
        try container.encode(verdict, forKey: .verdict)
    }
}

extension PairedDifference {
    /// Reads what `encode(to:)` wrote (the verdict is recomputed from the p-value, not trusted).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cases = try container.decode(Int.self, forKey: .cases)
        fixed = try container.decode(Int.self, forKey: .fixed)
        regressed = try container.decode(Int.self, forKey: .regressed)
        before = try container.decode(Double.self, forKey: .before)
        after = try container.decode(Double.self, forKey: .after)
        difference = try container.decode(Double.self, forKey: .difference)
        lower = try container.decode(Double.self, forKey: .lower)
        upper = try container.decode(Double.self, forKey: .upper)
        pValue = try container.decode(Double.self, forKey: .pValue)
        test = try container.decode(Test.self, forKey: .test)
    }
}
