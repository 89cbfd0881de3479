import Foundation

/// A compact eval summary in CommonMark with GitHub tables, for a pull-request comment or a CI job summary:
/// the pass rate and its change against a baseline, the regressed cases, the advisor's move, and one table
/// of variants. Link-free, so it renders the same on any code host; outside text has Markdown's
/// special characters escaped and never spans lines.
public enum MarkdownReport {
    /// The Markdown for `report`; every number is the eval's `EvalVerdict` (and its comparison's).
    public static func render(_ report: EvalReport) -> String {
        let verdict = report.verdict
        let counts = verdict.counts
        var md = "## whet eval `\(code(report.id))`\(report.workspaceName.map { " · " + text($0) } ?? "")\n\n"
        if verdict.checkedAnything {
            // The rate is whet's own text (digits, brackets): written as is, so it reads the same as everywhere.
            md +=
                "**Pass rate \(verdict.rate?.text ?? "")** (\(counts.passed) passed, \(counts.failed) failed"
                + "\(text(verdict.apart)); 95% interval)"
        } else {
            md += "**\(text(verdict.headline))**"
        }
        if let comparison = report.comparison {
            md +=
                " · against `\(code(comparison.baseline.id))` (\(text(comparison.baseline.rate?.text ?? "nothing checked"))): "
                + text(comparison.headline)
        }
        md += "\n\n"
        if counts.notEvaluated > 0 {
            md +=
                "> ⚠️ \(counts.notEvaluated) cell(s) could not be evaluated (no assertion could run); they are not counted as passes.\n\n"
        }
        if counts.errors > 0 {
            md +=
                "> ⚠️ \(text(verdict.runFailures.text)): no answer, not counted in the pass rate"
                + (verdict.runFailures.groups.first.map { " (\(text(String($0.example.prefix(200)))))" } ?? "")
                + ".\n\n"
        }
        if let power = verdict.power, power.detectable > Advisor.smallEvalPoints {
            md += "_\(text(power.text))._\n\n"
        }
        md +=
            "| variant | passed | pass rate (95% interval) | vs first | median latency | cost |\n|---|---:|---|---|---:|---:|\n"
        for variant in verdict.variants {
            let cells = report.results.filter { $0.variant == variant.variant }
            let latency = EvalReport.median(cells.compactMap(\.latencyMs)).map { String(format: "%.0f ms", $0) } ?? "–"
            let against = variant.againstFirst.map { $0.cases > 0 ? text($0.text) : "–" } ?? "–"
            md +=
                "| \(text(variant.variant)) | \(variant.counts.passed)/\(variant.counts.answered) | "
                + "\(variant.rate?.text ?? "nothing checked") | \(against) | \(latency) | "
                + String(format: "$%.4f", cells.compactMap(\.costUSD).reduce(0, +)) + " |\n"
        }
        if let comparison = report.comparison {
            md += "\n**\(text(comparison.headline))**\n"
            if let scores = comparison.scoreDifference, scores.cases > 0 {
                md += "\nScores: \(text(scores.scoreText))\n"
            }
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
        if !verdict.flaky.isEmpty {
            md +=
                "\n**Flaky cases** (repeats disagree): "
                + verdict.flaky.prefix(20).map { "\(text($0.label)) (\($0.passed)/\($0.answered))" }.joined(
                    separator: ", ") + "\n"
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
