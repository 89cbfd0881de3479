// The Report folder: an eval's results as a file people open outside the terminal (HTML) or paste into a
// pull request (Markdown). Nothing here calls a model or re-runs an eval; it reads results files only.

import Foundation

/// Everything a report shows, gathered once from a results file (and, inside a workspace, the earlier evals,
/// the prompt's versions and the advisor): the renderers only format it.
public struct EvalReport: Sendable {
    /// The eval shown.
    public var id: String
    public var resultsPath: String
    public var workspaceName: String?
    public var results: [EvalResult]
    /// Against a baseline, when one was asked for.
    public var comparison: EvalComparison?
    public var baselineID: String?
    public var baselineRate: Double?
    /// The advisor's reading of this eval, inside a workspace.
    public var advice: Advice?
    /// Pass rate of each version of the eval's prompt(s), oldest first: the history chart.
    public var history: [(label: String, rate: Double)] = []
    /// When the report was made (UTC, the records' format).
    public var generated: String

    /// The summary the header states.
    public var summary: EvalSummary { EvalSummary(results) }

    /// A report of the results file `url`, with `workspace` (when there is one) for the baseline, the prompt
    /// history and the advisor. `baseline` is an eval id prefix or "previous".
    public static func make(resultsURL url: URL, displayPath: String, workspace: Workspace?, baseline: String? = nil)
        throws -> EvalReport
    {
        let limit = workspace?.config.limits.maxLineBytes ?? InputLimits.standard.maxLineBytes
        let results = JSONLines.read(
            EvalResult.self, from: url, displayPath: displayPath, what: "eval result", maxLineBytes: limit
        ).records
        guard !results.isEmpty else { throw EvalError.noCases("\(displayPath) holds no eval results") }
        let id = url.deletingPathExtension().lastPathComponent
        var report = EvalReport(
            id: id, resultsPath: displayPath, workspaceName: workspace?.config.name, results: results,
            generated: RunExecutor.timestamp(Date()))
        let siblings = EvalReport.evals(besides: url, limit: limit)
        if let baseline {
            let earlier = siblings.filter { $0.id != id }
            let chosen = EvalHistory.pick(baseline, in: earlier)
            guard let chosen else {
                throw EvalError.noCases(
                    baseline == "previous"
                        ? "no earlier eval beside \(displayPath) to compare with"
                        : "no eval beside \(displayPath) has an id starting with '\(baseline)'; there are: \(earlier.map(\.id).joined(separator: ", "))"
                )
            }
            report.comparison = EvalComparison(before: chosen.results, after: results)
            report.baselineID = chosen.id
            report.baselineRate = EvalSummary(chosen.results).passRate
        }
        // History: every version of the prompt(s) this eval used, by the evals beside it.
        let paths = Set(results.map(\.prompt.path))
        var byVersion: [String: (first: String, passed: Int, evaluated: Int)] = [:]
        for file in siblings {
            for result in file.results where paths.contains(result.prompt.path) && result.status != .notRun {
                let key = "\(result.prompt.name)@\(result.prompt.hash.prefix(8))"
                var entry = byVersion[key] ?? (result.time, 0, 0)
                entry.first = min(entry.first, result.time)
                entry.evaluated += 1
                if result.status == .passed { entry.passed += 1 }
                byVersion[key] = entry
            }
        }
        report.history = byVersion.sorted { $0.value.first < $1.value.first }
            .map { (label: $0.key, rate: Double($0.value.passed) / Double(max(1, $0.value.evaluated))) }
        if let workspace { report.advice = try? Advisor.advise(workspace: workspace, resultsURL: url) }
        return report
    }

    /// The results files in `url`'s folder, oldest last-run first.
    static func evals(besides url: URL, limit: Int) -> [EvalHistory.File] {
        EvalHistory.files(in: url.deletingLastPathComponent(), maxLineBytes: limit)
    }

    /// The cases in file order (key, label), the variants (columns) in the order the eval ran them, and each
    /// case × variant's cells (its repeats): computed once, since a report of 4,000 cells reads them often.
    public private(set) var rows: [(key: String, label: String)] = []
    public private(set) var columns: [String] = []
    private var grouped: [String: [EvalResult]] = [:]

    init(id: String, resultsPath: String, workspaceName: String?, results: [EvalResult], generated: String) {
        self.id = id
        self.resultsPath = resultsPath
        self.workspaceName = workspaceName
        self.results = results
        self.generated = generated
        var seenRows = Set<String>()
        var seenColumns = Set<String>()
        for result in results.sorted(by: { ($0.caseRef.file, $0.caseRef.line) < ($1.caseRef.file, $1.caseRef.line) }) {
            let key = EvalComparison.caseKey(result)
            if seenRows.insert(key).inserted { rows.append((key, result.label)) }
            grouped[key + "\u{1}" + result.variant, default: []].append(result)
        }
        for result in results where seenColumns.insert(result.variant).inserted { columns.append(result.variant) }
    }

    /// The cells of one case × variant (its repeats), in the order they ran.
    public func cells(_ key: String, _ variant: String) -> [EvalResult] {
        grouped[key + "\u{1}" + variant] ?? []
    }

    /// Median of `values`, nil when empty.
    static func median(_ values: [Double]) -> Double? {
        let sorted = values.sorted()
        return sorted.isEmpty ? nil : sorted[sorted.count / 2]
    }
}
