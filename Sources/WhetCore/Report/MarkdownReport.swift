import Foundation

/// A compact eval summary in CommonMark with GitHub tables, for a pull-request comment or a CI job summary:
/// the pass rate and its change against a baseline, the regressed cases, the advisor's move, and one table
/// of variants. Link-free, so it renders the same on any code host; outside text has Markdown's
/// special characters escaped and never spans lines.
public enum MarkdownReport {
    public static func render(_ report: EvalReport) -> String {
        let counts = report.summary.counts
        var md = "## whet eval `\(code(report.id))`\(report.workspaceName.map { " · " + text($0) } ?? "")\n\n"
        md +=
            "**Pass rate \(text(counts.rateText))** (\(counts.passed) passed, \(counts.failed) failed, \(counts.errors) errors)"
        if let baseline = report.baselineID, let rate = report.baselineRate {
            let delta = (report.summary.passRate - rate) * 100
            md += String(
                format: " · %@%.1f points against `%@` (%.1f%%)", delta >= 0 ? "+" : "", delta, code(baseline),
                rate * 100)
        }
        md += "\n\n"
        if counts.notRun > 0 {
            md +=
                "> ⚠️ \(counts.notRun) cell(s) could not be evaluated (no assertion could run); they are not counted as passes.\n\n"
        }
        md += "| variant | passed | pass rate | median latency | cost |\n|---|---:|---|---:|---:|\n"
        for column in report.columns {
            let cells = report.results.filter { $0.variant == column }
            let variantCounts = EvalSummary.Counts(cells)
            let latency = EvalReport.median(cells.compactMap(\.latencyMs)).map { String(format: "%.0f ms", $0) } ?? "–"
            md +=
                "| \(text(column)) | \(variantCounts.passed)/\(variantCounts.evaluated) | \(text(variantCounts.rateText)) | \(latency) | "
                + String(format: "$%.4f", cells.compactMap(\.costUSD).reduce(0, +)) + " |\n"
        }
        if let comparison = report.comparison {
            md += "\n**\(comparison.fixed.count) fixed, \(comparison.regressed.count) regressed**\n"
            if !comparison.regressed.isEmpty {
                md += "\n| regressed case | before | after |\n|---|---:|---:|\n"
                for change in comparison.regressed {
                    md +=
                        "| \(text(change.label)) | "
                        + String(format: "%.0f%% | %.0f%%", (change.before ?? 0) * 100, (change.after ?? 0) * 100)
                        + " |\n"
                }
            }
        }
        let failures = report.results.filter { $0.status == .failed || $0.status == .error }
        if !failures.isEmpty {
            md += "\n<details><summary>\(failures.count) failing cell(s)</summary>\n\n"
            for cell in failures.prefix(50) {
                let reason =
                    cell.error ?? cell.assertions.first { $0.status == .failed }.map { "\($0.type): \($0.reason)" }
                    ?? "failed"
                md += "- **\(text(cell.label))** (\(text(cell.variant))): \(text(reason))\n"
            }
            if failures.count > 50 { md += "- … and \(failures.count - 50) more\n" }
            md += "\n</details>\n"
        }
        if let advice = report.advice {
            md += "\n**Next move: \(text(advice.recommendation.move)).** \(text(advice.recommendation.why))\n"
        }
        return md
    }

    /// Outside text on one line with Markdown's and HTML's special characters escaped (so a model's
    /// `<script>` or `|` cannot break the table or the page a code host renders).
    static func text(_ value: String) -> String {
        var out = ""
        for character in value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ") {
            switch character {
            case "\\", "`", "*", "_", "[", "]", "|", "#", "!": out += "\\" + String(character)
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            default: out.append(character)
            }
        }
        return out
    }

    /// Text inside a code span: backticks removed (an id never has one; a hostile one loses them).
    static func code(_ value: String) -> String {
        value.replacingOccurrences(of: "`", with: "'").replacingOccurrences(of: "\n", with: " ")
    }
}
