import Foundation

/// An eval as JUnit XML for CI: one test suite per variant, one test case per cell, failures with their reasons,
/// failed runs as errors, unchecked cells as skipped. The pass rate, its interval and method, and the
/// comparison against the first variant travel as properties, read from the eval's `EvalVerdict`.
public enum JUnitReport {
    /// The XML for `verdict`.
    public static func render(_ verdict: EvalVerdict) -> String {
        let all = verdict.counts
        var xml =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"whet eval \(escape(verdict.id))\" "
            + "tests=\"\(all.total)\" failures=\"\(all.failed)\" errors=\"\(all.errors)\" skipped=\"\(all.notEvaluated)\">\n"
        for variant in verdict.variants {
            let cells = verdict.results.filter { $0.variant == variant.variant }
            let counts = variant.counts
            xml +=
                "  <testsuite name=\"\(escape(variant.variant))\" tests=\"\(counts.total)\" failures=\"\(counts.failed)\" "
                + "errors=\"\(counts.errors)\" skipped=\"\(counts.notEvaluated)\">\n"
            xml += properties(variant: variant, verdict: verdict)
            for cell in cells { xml += testCase(cell) }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }

    static func properties(variant: EvalVerdict.VariantOutcome, verdict: EvalVerdict) -> String {
        var pairs: [(String, String)] = []
        if let rate = variant.rate {
            pairs += [
                ("pass_rate", String(format: "%.4f", rate.rate)),
                ("pass_rate_lower", String(format: "%.4f", rate.lower)),
                ("pass_rate_upper", String(format: "%.4f", rate.upper)), ("pass_rate_method", rate.method.rawValue),
                ("pass_rate_text", rate.text),
            ]
        } else {
            pairs.append(("pass_rate_text", verdict.headline))
        }
        if let against = variant.againstFirst {
            pairs += [
                ("difference_vs_first", String(format: "%.4f", against.difference)),
                ("difference_lower", String(format: "%.4f", against.lower)),
                ("difference_upper", String(format: "%.4f", against.upper)),
                ("difference_p_value", String(format: "%.4f", against.pValue)),
                ("difference_test", against.test.rawValue),
                ("difference_verdict", against.verdict.rawValue), ("difference_text", against.text),
            ]
        }
        guard !pairs.isEmpty else { return "" }
        return "    <properties>\n"
            + pairs.map { "      <property name=\"\($0.0)\" value=\"\(escape($0.1))\"/>\n" }.joined()
            + "    </properties>\n"
    }

    static func testCase(_ cell: EvalResult) -> String {
        let time = (cell.latencyMs ?? 0) / 1000
        var xml =
            "    <testcase classname=\"\(escape(cell.caseRef.file))\" name=\"\(escape(cell.label)) #\(cell.repeatIndex + 1)\" "
            + "time=\"\(String(format: "%.3f", time))\""
        switch cell.status {
        case .passed:
            xml += "/>\n"
        case .failed:
            let reasons = cell.assertions.filter { $0.status == .failed }.map { "\($0.type): \($0.reason)" }
            xml +=
                ">\n      <failure message=\"\(escape(reasons.first ?? "failed"))\">\(escape(reasons.joined(separator: "\n")))</failure>\n    </testcase>\n"
        case .error:
            xml +=
                ">\n      <error message=\"\(escape(RunFailures.message(cell.error ?? "error")))\"/>\n    </testcase>\n"
        case .notRun:
            xml += ">\n      <skipped message=\"\(escape("not evaluated: " + cell.notRunReason))\"/>\n    </testcase>\n"
        }
        return xml
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
