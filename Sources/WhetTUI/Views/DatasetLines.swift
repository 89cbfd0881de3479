import WhetCore

/// What `:finetune` shows: the counts, the split, the check (findings in their severity's style), and
/// where each example comes from.
enum DatasetLines {
    static func make(_ dataset: FineTuningExporter.Prepared, exists: Bool) -> [StyledLine] {
        func plain(_ text: String, _ role: ThemeRole = .overlay) -> StyledLine {
            StyledLine(VisibleText.escape(text), role)
        }
        var lines = [
            plain(dataset.summary),
            plain(
                "train \(dataset.split.train.count) · validation \(dataset.split.validation.count) "
                    + "(about 20 %, by content digest)"),
            plain(
                exists
                    ? "w replaces the files exported before in finetune/"
                    : "w writes finetune/train.jsonl and validation.jsonl"),
            plain(""),
            StyledLine("── check of the training set", .titleFocused),
        ]
        let report = dataset.report
        for finding in report.findings {
            lines.append(plain(finding.description, finding.severity == .error ? .error : .warning))
        }
        var numbers = report
        numbers.findings = []
        let text = FineTuningReportFormatter.format(numbers)
        // The formatter's summary line counts findings; say them as the report does.
        lines += text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map { index, line in
            index == 0
                ? plain(
                    "\(report.file): \(report.examples) example\(report.examples == 1 ? "" : "s"), "
                        + "\(report.errors.count) error\(report.errors.count == 1 ? "" : "s"), "
                        + "\(report.warnings.count) warning\(report.warnings.count == 1 ? "" : "s")")
                : plain(String(line))
        }
        if !dataset.gathered.conflicts.isEmpty {
            lines.append(StyledLine("── same prompt, different answers", .titleFocused))
            lines += dataset.gathered.conflicts.map { plain($0) }
        }
        if !dataset.gathered.skipped.isEmpty {
            lines.append(StyledLine("── skipped", .titleFocused))
            lines += dataset.gathered.skipped.map { plain($0) }
        }
        lines.append(StyledLine("── examples", .titleFocused))
        lines +=
            dataset.split.train.map { plain("train       \($0.source)") }
            + dataset.split.validation.map { plain("validation  \($0.source)") }
        return lines
    }
}
