import XCTest

@testable import WhetCore

/// The statistics behind every rate and comparison, tested against their definition: simulated evals with a
/// known true pass rate (seeded, so every run sees the same draws), and the figures a person can check by hand.
final class EvalStatisticsTests: XCTestCase {
    func testTheIntervalsOfTheIssuesExamples() {
        XCTAssertEqual(RateEstimate(passed: 12, answered: 13).text, "92.3% [66.7–98.6] of 13")
        XCTAssertEqual(RateEstimate(passed: 3, answered: 13).text, "23.1% [8.2–50.3] of 13")
        XCTAssertEqual(RateEstimate(passed: 4, answered: 13).text, "30.8% [12.7–57.6] of 13")
        XCTAssertEqual(RateEstimate(passed: 0, answered: 5).lower, 0)
        XCTAssertEqual(RateEstimate(passed: 5, answered: 5).upper, 1)
        XCTAssertEqual(RateEstimate(passed: 0, answered: 0).text, "0.0% [0.0–100.0] of 0")
    }

    func testOneCaseFixedOfThirteenIsWithinNoise() {
        // 3/13 → 4/13, one case fixed, none broken: exact McNemar p = 1.
        let pairs = (0..<13).map { index in
            (before: (passed: index < 3 ? 1 : 0, answered: 1), after: (passed: index < 4 ? 1 : 0, answered: 1))
        }
        let difference = PairedDifference(pairs: pairs)
        XCTAssertEqual(difference.fixed, 1)
        XCTAssertEqual(difference.regressed, 0)
        XCTAssertEqual(difference.pValue, 1, accuracy: 1e-12)
        XCTAssertEqual(difference.verdict, .withinNoise)
        XCTAssertTrue(difference.text.hasPrefix("+1 case, +7.7 points ["), difference.text)
        XCTAssertTrue(difference.text.hasSuffix("p = 1.00: within noise"), difference.text)
        XCTAssertLessThan(difference.lower, 0)
    }

    func testThreeFixedOneRegressedAndAClearWin() {
        let pairs: [(before: (passed: Int, answered: Int), after: (passed: Int, answered: Int))] =
            Array(repeating: ((0, 1), (1, 1)), count: 3) + [((1, 1), (0, 1))]
            + Array(repeating: ((1, 1), (1, 1)), count: 9)
        let mixed = PairedDifference(pairs: pairs)
        XCTAssertEqual(mixed.pValue, 0.625, accuracy: 1e-12)
        XCTAssertTrue(mixed.text.hasPrefix("+2 cases, +15.4 points ["), mixed.text)
        XCTAssertEqual(mixed.verdict, .withinNoise)

        let win = PairedDifference(
            pairs: Array(repeating: ((0, 1), (1, 1)), count: 8) + Array(repeating: ((1, 1), (1, 1)), count: 5))
        XCTAssertEqual(win.pValue, 2.0 / 256.0, accuracy: 1e-12)
        XCTAssertEqual(win.verdict, .better)
        XCTAssertTrue(win.text.hasSuffix("p = 0.008: better"), win.text)
        XCTAssertGreaterThan(win.lower, 0, "a significant win's interval lies above zero")
    }

    func testRepeatsUseThePermutationTestAndClusteredIntervals() {
        let pairs = (0..<10).map { index in
            (before: (passed: index % 3 == 0 ? 1 : 2, answered: 3), after: (passed: 3, answered: 3))
        }
        let difference = PairedDifference(pairs: pairs)
        XCTAssertEqual(difference.test, .pairedPermutation)
        XCTAssertEqual(difference.pValue, 2.0 / 1024.0, accuracy: 1e-12, "all ten cases moved the same way")
        XCTAssertEqual(difference.verdict, .better)

        // Five cases, three repeats each, repeats agree: the clustered interval is Wilson's at five, not fifteen.
        let agreeing = RateEstimate(clusters: [(3, 3), (3, 3), (3, 3), (0, 3), (3, 3)])
        XCTAssertEqual(agreeing.method, .clusteredWilson)
        XCTAssertEqual(agreeing.effectiveN, 5, accuracy: 1e-9)
        XCTAssertEqual(agreeing.lower, RateEstimate(passed: 4, answered: 5).lower, accuracy: 1e-9)
        XCTAssertEqual(agreeing.text, "80.0% [37.6–96.4] of 15 (5 cases)")
    }

    /// Wilson's interval holds its coverage at the sizes people run: 2,000 simulated evals at each n and rate.
    func testWilsonIntervalsCoverTheTrueRate() {
        var generator = SplitMix64(seed: 42)
        for n in [20, 50, 200] {
            for truth in [0.5, 0.7, 0.95] {
                var covered = 0
                for _ in 0..<2_000 {
                    let passed = (0..<n).filter { _ in Double.random(in: 0..<1, using: &generator) < truth }.count
                    let estimate = RateEstimate(passed: passed, answered: n)
                    if estimate.lower <= truth && truth <= estimate.upper { covered += 1 }
                }
                let coverage = Double(covered) / 2_000
                XCTAssert((0.91...0.98).contains(coverage), "n=\(n) rate=\(truth): coverage \(coverage)")
            }
        }
    }

    /// With repeats, the clustered interval covers the mean of the cases' true rates though repeats of one
    /// case are correlated (cases differ in difficulty).
    func testClusteredIntervalsCoverTheTrueRate() {
        var generator = SplitMix64(seed: 7)
        for (cases, centre) in [(30, 0.6), (100, 0.8)] {
            var covered = 0
            for _ in 0..<1_000 {
                let rates = (0..<cases).map { _ in
                    min(1, max(0, centre + Double.random(in: -0.3...0.3, using: &generator)))
                }
                let truth = rates.reduce(0, +) / Double(cases)
                let clusters = rates.map { rate in
                    (
                        passed: (0..<3).filter { _ in Double.random(in: 0..<1, using: &generator) < rate }.count,
                        answered: 3
                    )
                }
                let estimate = RateEstimate(clusters: clusters)
                if estimate.lower <= truth && truth <= estimate.upper { covered += 1 }
            }
            let coverage = Double(covered) / 1_000
            XCTAssert((0.90...0.99).contains(coverage), "\(cases) cases × 3 at \(centre): coverage \(coverage)")
        }
    }

    /// Under the null (both variants at the same true rate) the paired test rejects at α = 0.05 in at most ~5 %
    /// of evals; with a real 20-point difference at 200 cases, in most.
    func testThePairedTestHoldsItsLevelAndHasPower() {
        var generator = SplitMix64(seed: 2026)
        func rejections(n: Int, before: Double, after: Double, runs: Int = 2_000) -> Double {
            var rejected = 0
            for _ in 0..<runs {
                let pairs = (0..<n).map { _ in
                    (
                        before: (passed: Double.random(in: 0..<1, using: &generator) < before ? 1 : 0, answered: 1),
                        after: (passed: Double.random(in: 0..<1, using: &generator) < after ? 1 : 0, answered: 1)
                    )
                }
                if PairedDifference(pairs: pairs).pValue < 0.05 { rejected += 1 }
            }
            return Double(rejected) / Double(runs)
        }
        for n in [20, 50, 200] {
            for rate in [0.5, 0.7, 0.95] {
                let level = rejections(n: n, before: rate, after: rate, runs: 1_000)
                XCTAssertLessThanOrEqual(level, 0.06, "null rejected in \(level) at n=\(n), rate \(rate)")
            }
        }
        let power = rejections(n: 200, before: 0.5, after: 0.7)
        XCTAssertGreaterThan(power, 0.8, "a 20-point difference at n = 200 is found: power \(power)")
    }

    func testTheNewcombeIntervalCoversTheTrueDifference() {
        var generator = SplitMix64(seed: 99)
        var covered = 0
        let runs = 1_000
        for _ in 0..<runs {
            let pairs = (0..<50).map { _ in
                (
                    before: (passed: Double.random(in: 0..<1, using: &generator) < 0.6 ? 1 : 0, answered: 1),
                    after: (passed: Double.random(in: 0..<1, using: &generator) < 0.75 ? 1 : 0, answered: 1)
                )
            }
            let difference = PairedDifference(pairs: pairs)
            if difference.lower <= 0.15 && 0.15 <= difference.upper { covered += 1 }
        }
        XCTAssert((0.91...0.99).contains(Double(covered) / Double(runs)), "coverage \(covered) of \(runs)")
    }

    func testPowerSaysHowManyCasesATenPointChangeNeeds() {
        let power = EvalPower(RateEstimate(passed: 12, answered: 13))
        XCTAssertEqual(power.rate, 0.9, accuracy: 1e-9, "a rate near 100 % is taken at 90 %")
        XCTAssertEqual(power.detectable, 0.3297, accuracy: 0.001)
        XCTAssertEqual(power.casesFor10Points, 142)
        XCTAssertTrue(power.text.contains("with 13 cases this eval can show a change of about 33 points"), power.text)
        XCTAssertEqual(EvalPower(RateEstimate(passed: 100, answered: 200)).casesFor10Points, 393)
    }
}

/// Graded scores are compared too: the paired permutation test on per-case mean scores.
final class ScoreComparisonTests: XCTestCase {
    func testGradedScoresAreComparedCaseByCase() {
        let better = PairedDifference(scores: (0..<12).map { (before: 0.4 + Double($0 % 3) * 0.1, after: 0.8) })
        XCTAssertEqual(better.test, .pairedPermutation)
        XCTAssertEqual(better.verdict, .better)
        XCTAssertTrue(better.scoreText.hasPrefix("mean score +0.300 ["), better.scoreText)
        let noise = PairedDifference(scores: [(0.5, 0.6), (0.6, 0.5), (0.7, 0.7), (0.4, 0.45)])
        XCTAssertEqual(noise.verdict, .withinNoise)

        func cell(_ line: Int, score: Double, eval: String) -> EvalResult {
            EvalResult(
                evalID: eval, cell: "\(eval)-\(line)", time: "t",
                caseRef: .init(file: "e.jsonl", line: line, description: nil),
                prompt: .init(name: "p", path: "prompts/p.prompty", hash: "h"), backend: "b", model: "m",
                repeatIndex: 0, variables: [:], retrieval: nil, output: "o", latencyMs: nil, costUSD: nil, cached: nil,
                error: nil,
                assertions: [
                    AssertionResult(type: "similar", status: score >= 0.5 ? .passed : .failed, score: score, reason: "")
                ],
                status: score >= 0.5 ? .passed : .failed, score: score)
        }
        let comparison = EvalComparison(
            before: (1...10).map { cell($0, score: 0.55, eval: "a") },
            after: (1...10).map { cell($0, score: 0.9, eval: "b") })
        XCTAssertEqual(comparison.difference.fixed, 0, "every case passed before and after")
        XCTAssertEqual(comparison.scoreDifference?.verdict, .better, "the scores moved though pass/fail did not")
        XCTAssertTrue(comparison.report().contains("scores: mean score +0.350"), comparison.report())
    }
}
