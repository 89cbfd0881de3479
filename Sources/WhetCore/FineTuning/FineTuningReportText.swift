import Foundation

/// The text of a validation report, as `whet finetune validate` prints it and the workbench's dataset view
/// shows it: findings first (each with its line), then the numbers.
public enum FineTuningReportFormatter {
    /// The whole report as lines of text.
    public static func format(_ report: FineTuningValidator.Report) -> String {
        func grouped(_ number: Int) -> String {
            let formatter = NumberFormatter()
            formatter.numberStyle = .decimal
            formatter.groupingSeparator = ","
            return formatter.string(from: NSNumber(value: number)) ?? String(number)
        }
        func line(_ label: String, _ d: FineTuningValidator.Distribution) -> String {
            "  " + label.padding(toLength: 22, withPad: " ", startingAt: 0)
                + String(
                    format: " min %@ · max %@ · mean %.1f · median %.1f · p5 %.1f · p95 %.1f\n", grouped(d.min),
                    grouped(d.max), d.mean, d.median, d.p5, d.p95)
        }
        var out = ""
        for finding in report.findings { out += "\(finding)\n" }
        if !report.findings.isEmpty { out += "\n" }
        out += "\(report.file): \(report.examples) example\(report.examples == 1 ? "" : "s"), "
        out +=
            "\(report.errors.count) error\(report.errors.count == 1 ? "" : "s"), \(report.warnings.count) warning\(report.warnings.count == 1 ? "" : "s")\n"
        guard report.examples > 0 else { return out }
        out += line("messages per example", report.messagesPerExample)
        out += line("tokens per example", report.tokensPerExample)
        out += line("assistant tokens", report.assistantTokensPerExample)
        out +=
            "  without a system message: \(report.missingSystem); without a user message: \(report.missingUser); over the token limit: \(report.overLimit)\n"
        out +=
            "  billed: \(grouped(report.billedTokensPerEpoch)) tokens per epoch × \(report.epochs) epochs (OpenAI's default for \(report.examples) examples) ≈ \(grouped(report.billedTokensPerEpoch * report.epochs)) tokens\n"
        out += "  token counts: \(report.tokenCounting)\n"
        return out
    }
}

/// `whet finetune validate --json`: the report with snake_case keys.
public struct FineTuningReportJSON: Encodable {
    struct Finding: Encodable {
        var severity: String, check: String, line: Int?, message: String
    }
    var file: String
    var examples: Int
    var errors: [Finding]
    var warnings: [Finding]
    var messagesPerExample: FineTuningValidator.Distribution
    var tokensPerExample: FineTuningValidator.Distribution
    var assistantTokensPerExample: FineTuningValidator.Distribution
    var missingSystem: Int
    var missingUser: Int
    var overLimit: Int
    var epochs: Int
    var billedTokensPerEpoch: Int
    var tokenCounting: String

    enum CodingKeys: String, CodingKey {
        case file, examples, errors, warnings, epochs
        case messagesPerExample = "messages_per_example"
        case tokensPerExample = "tokens_per_example"
        case assistantTokensPerExample = "assistant_tokens_per_example"
        case missingSystem = "missing_system"
        case missingUser = "missing_user"
        case overLimit = "over_limit"
        case billedTokensPerEpoch = "billed_tokens_per_epoch"
        case tokenCounting = "token_counting"
    }

    /// The JSON form of `report`.
    public init(_ report: FineTuningValidator.Report) {
        func convert(_ finding: FineTuningValidator.Finding) -> Finding {
            Finding(
                severity: finding.severity.rawValue, check: finding.check, line: finding.location.line,
                message: finding.message)
        }
        file = report.file
        examples = report.examples
        errors = report.errors.map(convert)
        warnings = report.warnings.map(convert)
        messagesPerExample = report.messagesPerExample
        tokensPerExample = report.tokensPerExample
        assistantTokensPerExample = report.assistantTokensPerExample
        missingSystem = report.missingSystem
        missingUser = report.missingUser
        overLimit = report.overLimit
        epochs = report.epochs
        billedTokensPerEpoch = report.billedTokensPerEpoch
        tokenCounting = report.tokenCounting
    }
}
