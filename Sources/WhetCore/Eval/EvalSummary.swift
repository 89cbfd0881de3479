import Foundation

/// An eval's results summarised: pass rate overall and per variant, the case × variant matrix, and the
/// failures with each failing assertion's reason. Shared by `whet eval`'s report, `--junit` and the advisor.
public struct EvalSummary: Sendable {
    public let results: [EvalResult]

    /// Summarises `results`.
    public init(_ results: [EvalResult]) {
        self.results = results
    }

    /// How many cells passed, failed, errored and could not be evaluated.
    public struct Counts: Sendable, Equatable {
        public var passed = 0
        public var failed = 0
        /// The run failed (a backend error); counts against the pass rate.
        public var errors = 0
        /// Nothing could check the answer; left out of the pass rate and reported apart.
        public var notRun = 0

        /// Cells whose answer was judged (passed, failed, or no answer to judge): the pass rate's denominator.
        public var evaluated: Int { passed + failed + errors }
        public var total: Int { evaluated + notRun }

        /// Counts over `results`.
        public init(_ results: [EvalResult]) {
            for result in results {
                switch result.status {
                case .passed: passed += 1
                case .failed: failed += 1
                case .error: errors += 1
                case .notRun: notRun += 1
                }
            }
        }

        /// Passed over evaluated (0 when nothing was evaluated: check `evaluated` before reading it as a rate).
        public var passRate: Double { evaluated == 0 ? 0 : Double(passed) / Double(evaluated) }

        /// "60.0% of 3 evaluated; 2 not evaluated", the way every view states a pass rate, so a rate never
        /// appears without how much it covers.
        public var rateText: String {
            guard evaluated > 0 else { return "no cell evaluated (\(notRun) not evaluated)" }
            var text = String(format: "%.1f%% of %d evaluated", passRate * 100, evaluated)
            if notRun > 0 { text += "; \(notRun) not evaluated" }
            return text
        }
    }

    /// The cells by status.
    public var counts: Counts { Counts(results) }

    /// Cells that passed over cells evaluated (errors count as failures; cells nothing could check are left
    /// out and counted in `counts.notRun`).
    public var passRate: Double { counts.passRate }

    /// The variants (prompt version × backend) in first-seen order.
    public var variants: [String] {
        var seen: [String] = []
        for result in results where !seen.contains(result.variant) { seen.append(result.variant) }
        return seen
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

    /// The human report `whet eval` prints.
    public func report(id: String, resultsPath: String, resumed: Int) -> String {
        var out = "eval \(id): \(results.count) cells"
        if resumed > 0 { out += " (\(resumed) from an earlier run, not repeated)" }
        out += "; results in \(resultsPath)\n\n"
        for variant in variants {
            let cells = results.filter { $0.variant == variant }
            let counts = Counts(cells)
            let cost = cells.compactMap(\.costUSD).reduce(0, +)
            let latencies = cells.compactMap(\.latencyMs).sorted()
            let median = latencies.isEmpty ? "–" : String(format: "%.0f ms", latencies[latencies.count / 2])
            out += String(
                format: "  %@  %d/%d passed (%@)  cost $%.4f  median latency %@\n",
                variant, counts.passed, counts.evaluated, counts.rateText, cost, median)
        }
        let failures = results.filter { $0.status == .failed || $0.status == .error }
        if !failures.isEmpty {
            out += "\nfailures:\n"
            for result in failures {
                out += "  ✗ \(result.label)  [\(result.variant)]\n"
                if let error = result.error { out += "      error: \(error)\n" }
                for assertion in result.assertions where assertion.status == .failed {
                    out += "      \(assertion.type): \(assertion.reason)\n"
                }
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
        let counts = self.counts
        out += "\npass rate \(counts.rateText) (\(counts.passed) passed"
        if counts.failed > 0 { out += ", \(counts.failed) failed" }
        if counts.errors > 0 { out += ", \(counts.errors) errors" }
        out += ")\n"
        if counts.evaluated == 0 {
            out += "nothing was evaluated: this eval says nothing about the prompt\n"
        } else if counts.errors == counts.evaluated {
            out += "every run failed: this eval says nothing about the prompt\n"
        }
        return out
    }

    /// JUnit XML: one test suite per variant, one test case per cell, failures with their reasons.
    public func junitXML(id: String) -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let all = counts
        var xml =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"whet eval \(id)\" tests=\"\(results.count)\" failures=\"\(all.failed)\" errors=\"\(all.errors)\" skipped=\"\(all.notRun)\">\n"
        for variant in variants {
            let cells = results.filter { $0.variant == variant }
            let counts = Counts(cells)
            xml +=
                "  <testsuite name=\"\(escape(variant))\" tests=\"\(cells.count)\" failures=\"\(counts.failed)\" errors=\"\(counts.errors)\" skipped=\"\(counts.notRun)\">\n"
            for cell in cells {
                let time = (cell.latencyMs ?? 0) / 1000
                xml +=
                    "    <testcase classname=\"\(escape(cell.caseRef.file))\" name=\"\(escape(cell.label)) #\(cell.repeatIndex + 1)\" time=\"\(String(format: "%.3f", time))\""
                switch cell.status {
                case .passed:
                    xml += "/>\n"
                case .failed:
                    let reasons = cell.assertions.filter { $0.status == .failed }.map { "\($0.type): \($0.reason)" }
                        .joined(separator: "\n")
                    xml +=
                        ">\n      <failure message=\"\(escape(reasons.split(separator: "\n").first.map(String.init) ?? "failed"))\">\(escape(reasons))</failure>\n    </testcase>\n"
                case .error:
                    xml += ">\n      <error message=\"\(escape(cell.error ?? "error"))\"/>\n    </testcase>\n"
                case .notRun:
                    xml +=
                        ">\n      <skipped message=\"\(escape("not evaluated: " + cell.notRunReason))\"/>\n    </testcase>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }
}
