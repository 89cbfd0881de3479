import Foundation
import WhetCore

/// The command line's wording of an eval's verdict: every number comes from `EvalVerdict`, so what `whet eval`
/// prints is what the workbench, the advisor and the reports state.
enum EvalVerdictText {
    /// The report `whet eval` prints: per variant, failures, unchecked cells, failed runs, then the verdict.
    static func report(_ verdict: EvalVerdict, resultsPath: String, resumed: Int) -> String {
        let results = verdict.results
        var out = "eval \(verdict.id): \(results.count) cells"
        if resumed > 0 { out += " (\(resumed) from an earlier run, not repeated)" }
        out += "; results in \(resultsPath)\n\n"
        for variant in verdict.variants {
            let cells = results.filter { $0.variant == variant.variant }
            let cost = cells.compactMap(\.costUSD).reduce(0, +)
            let latencies = cells.compactMap(\.latencyMs).sorted()
            let median = latencies.isEmpty ? "–" : String(format: "%.0f ms", latencies[latencies.count / 2])
            let counts = variant.counts
            var line = "  \(variant.variant)  \(counts.passed)/\(counts.answered) passed"
            line += " (\(variant.rate?.text ?? "nothing checked"))"
            line += String(format: "  cost $%.4f  median latency %@", cost, median)
            if counts.errors > 0 { line += "  \(counts.errors) run\(counts.errors == 1 ? "" : "s") failed" }
            out += line + "\n"
            if let against = variant.againstFirst {
                out +=
                    "      vs \(verdict.variants.first?.variant ?? "the first"): "
                    + (against.cases == 0 ? "no case checked under both" : against.text) + "\n"
            }
        }
        let failures = results.filter { $0.status == .failed }
        if !failures.isEmpty {
            out += "\nfailures:\n"
            for result in failures {
                out += "  ✗ \(result.label)  [\(result.variant)]\n"
                for assertion in result.assertions where assertion.status == .failed {
                    out += "      \(assertion.type): \(assertion.reason)\n"
                }
            }
        }
        if !verdict.flaky.isEmpty {
            out += "\nflaky (repeats disagree):\n"
            for flaky in verdict.flaky {
                out += "  ~ \(flaky.label)  [\(flaky.variant)]: passed \(flaky.passed) of \(flaky.answered)\n"
            }
        }
        let unchecked = results.filter { $0.status == .notRun }
        if !unchecked.isEmpty {
            out += "\nnot evaluated (no assertion could run; these are neither passes nor failures):\n"
            for result in unchecked { out += "  ? \(result.label)  [\(result.variant)]: \(result.notRunReason)\n" }
        }
        let partly = results.filter { $0.status != .notRun }.flatMap(\.assertions).filter { $0.status == .notRun }
        if let first = partly.first {
            out +=
                "\n\(partly.count) assertion(s) not run in cells that other assertions did check, e.g. \(first.type): \(first.reason)\n"
        }
        let runFailures = verdict.runFailures
        if runFailures.errors > 0 {
            out += "\nruns that failed (no answer; not counted in the pass rate):\n"
            for group in runFailures.groups.prefix(5) {
                out += "  ! \(group.count)× \(group.example.prefix(300))\n"
                out +=
                    "      \(group.cases.prefix(6).joined(separator: "; "))"
                    + (group.cases.count > 6 ? "; … \(group.cases.count - 6) more" : "") + "\n"
            }
        }
        let counts = verdict.counts
        out += "\n\(verdict.headline)"
        if verdict.checkedAnything {
            out += " (\(counts.passed) passed"
            if counts.failed > 0 { out += ", \(counts.failed) failed" }
            out += ")"
        }
        out += "\n"
        if let power = verdict.power, verdict.checkedAnything, power.detectable > Advisor.smallEvalPoints {
            out += "note: \(power.text)\n"
        }
        return out
    }
}
