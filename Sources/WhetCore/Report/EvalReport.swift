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
    /// What the eval found: every number the report states comes from here.
    public let verdict: EvalVerdict
    /// Against a baseline, when one was asked for (its id and verdict are `comparison.baseline`).
    public var comparison: EvalComparison?
    /// The advisor's reading of this eval, inside a workspace.
    public var advice: Advice?
    /// Each prompt of the eval with the pass rate of its versions, oldest first: one history chart per prompt
    /// (different prompts are never joined into one line).
    public var history: [(prompt: String, versions: [VersionRate])] = []
    /// When the report was made (UTC, the records' format).
    public var generated: String

    /// A report of the results file `url`, with `workspace` (when there is one) for the baseline, the prompt
    /// history and the advisor. `baseline` is an eval id prefix or "previous".
    public static func make(resultsURL url: URL, displayPath: String, workspace: Workspace?, baseline: String? = nil)
        throws -> EvalReport
    {
        let limit = workspace?.config.limits.maxLineBytes ?? InputLimits.standard.maxLineBytes
        let results = EvalResultsFile.read(url, displayPath: displayPath, maxLineBytes: limit).results
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
            report.comparison = EvalComparison(before: chosen.verdict, after: report.verdict)
        }
        // History: every version of each prompt this eval used, by the evals beside it, each case once.
        let versions = VersionRate.compute(files: siblings, promptPaths: Set(results.map(\.prompt.path)))
        var paths: [String] = []
        for result in results where !paths.contains(result.prompt.path) { paths.append(result.prompt.path) }
        report.history = paths.compactMap { path in
            let own = versions.filter { $0.prompt.path == path }
            return own.isEmpty ? nil : (prompt: own.last?.prompt.name ?? path, versions: own)
        }
        if let workspace { report.advice = try? Advisor.advise(workspace: workspace, resultsURL: url) }
        return report
    }

    /// The results files in `url`'s folder, oldest last-run first.
    static func evals(besides url: URL, limit: Int) -> [EvalHistory.File] {
        EvalHistory.files(in: url.deletingLastPathComponent(), maxLineBytes: limit)
    }

    /// The cases in file order (key, label), the variants (columns) in the order the eval ran them, and each
    /// case × variant's cells (its repeats): computed once, since a report of 4,000 cells reads them often.
    public private(set) var rows: [(key: EvalCaseKey, label: String)] = []
    public private(set) var columns: [String] = []
    private var grouped: [EvalCellKey: [EvalResult]] = [:]

    init(id: String, resultsPath: String, workspaceName: String?, results: [EvalResult], generated: String) {
        self.id = id
        self.resultsPath = resultsPath
        self.workspaceName = workspaceName
        self.results = results
        self.generated = generated
        verdict = EvalVerdict(id: id, results: results)
        var seenRows = Set<EvalCaseKey>()
        var seenColumns = Set<String>()
        for result in results.sorted(by: { ($0.caseRef.file, $0.caseRef.line) < ($1.caseRef.file, $1.caseRef.line) }) {
            let key = EvalCaseKey(result)
            if seenRows.insert(key).inserted { rows.append((key, result.label)) }
            grouped[EvalCellKey(case: key, variant: result.variant), default: []].append(result)
        }
        for result in results where seenColumns.insert(result.variant).inserted { columns.append(result.variant) }
    }

    /// The cells of one case × variant (its repeats), in the order they ran.
    public func cells(_ key: EvalCaseKey, _ variant: String) -> [EvalResult] {
        grouped[EvalCellKey(case: key, variant: variant)] ?? []
    }

    /// Median of `values`, nil when empty.
    static func median(_ values: [Double]) -> Double? {
        let sorted = values.sorted()
        return sorted.isEmpty ? nil : sorted[sorted.count / 2]
    }
}
