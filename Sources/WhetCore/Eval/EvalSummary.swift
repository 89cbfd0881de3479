import Foundation

/// An eval's results summarised: pass rate overall and per variant, the case × variant matrix, and the
/// failures with each failing assertion's reason. Shared by `whet eval`'s report, `--junit` and the advisor.
public struct EvalSummary: Sendable {
    public let results: [EvalResult]

    /// Summarises `results`.
    public init(_ results: [EvalResult]) {
        self.results = results
    }

    /// Cells that passed over cells that ran (errors count as failures).
    public var passRate: Double {
        results.isEmpty ? 0 : Double(results.filter { $0.status == .passed }.count) / Double(results.count)
    }

    /// The variants (prompt version × backend) in first-seen order.
    public var variants: [String] {
        var seen: [String] = []
        for result in results where !seen.contains(result.variant) { seen.append(result.variant) }
        return seen
    }

    /// `0.9`, `90%` or `90` → 0.9.
    public static func parseRate(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("%"), let percent = Double(trimmed.dropLast()) { return (0...100).contains(percent) ? percent / 100 : nil }
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
            let passed = cells.filter { $0.status == .passed }.count
            let cost = cells.compactMap(\.costUSD).reduce(0, +)
            let latencies = cells.compactMap(\.latencyMs).sorted()
            let median = latencies.isEmpty ? "–" : String(format: "%.0f ms", latencies[latencies.count / 2])
            out += String(format: "  %@  %d/%d passed (%.1f%%)  cost $%.4f  median latency %@\n",
                          variant, passed, cells.count, Double(passed) / Double(max(1, cells.count)) * 100, cost, median)
        }
        let failures = results.filter { $0.status != .passed }
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
        let notRun = results.flatMap(\.assertions).filter { $0.status == .notRun }
        if let first = notRun.first {
            out += "\n\(notRun.count) assertion(s) not run (they count neither way), e.g. \(first.type): \(first.reason)\n"
        }
        out += String(format: "\npass rate %.1f%% (%d of %d)\n", passRate * 100, results.filter { $0.status == .passed }.count, results.count)
        return out
    }

    /// JUnit XML: one test suite per variant, one test case per cell, failures with their reasons.
    public func junitXML(id: String) -> String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"whet eval \(id)\" tests=\"\(results.count)\" failures=\"\(results.filter { $0.status == .failed }.count)\" errors=\"\(results.filter { $0.status == .error }.count)\">\n"
        for variant in variants {
            let cells = results.filter { $0.variant == variant }
            xml += "  <testsuite name=\"\(escape(variant))\" tests=\"\(cells.count)\" failures=\"\(cells.filter { $0.status == .failed }.count)\" errors=\"\(cells.filter { $0.status == .error }.count)\">\n"
            for cell in cells {
                let time = (cell.latencyMs ?? 0) / 1000
                xml += "    <testcase classname=\"\(escape(cell.caseRef.file))\" name=\"\(escape(cell.label)) #\(cell.repeatIndex + 1)\" time=\"\(String(format: "%.3f", time))\""
                switch cell.status {
                case .passed:
                    xml += "/>\n"
                case .failed:
                    let reasons = cell.assertions.filter { $0.status == .failed }.map { "\($0.type): \($0.reason)" }.joined(separator: "\n")
                    xml += ">\n      <failure message=\"\(escape(reasons.split(separator: "\n").first.map(String.init) ?? "failed"))\">\(escape(reasons))</failure>\n    </testcase>\n"
                case .error:
                    xml += ">\n      <error message=\"\(escape(cell.error ?? "error"))\"/>\n    </testcase>\n"
                }
            }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }
}
