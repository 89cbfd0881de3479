import ArgumentParser
import Foundation
import WhetCore

/// `whet report`: an eval's results as a self-contained HTML page or a Markdown summary. No model is called
/// and nothing is re-run or written except the output file, so it works on a read-only workspace and on a
/// results file copied anywhere.
struct ReportCommand: AsyncParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case html, md }

    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an eval's report: one self-contained HTML file, or Markdown for a pull request or CI summary.",
        discussion: """
            EVAL is an eval id (a prefix is enough), 'latest' (the default), or the path of a results file \
            (evals/results/ID.jsonl, also copied elsewhere), or of an optimize run's log (evals/optimize/ID.jsonl: \
            Markdown only). The HTML opens offline anywhere: inline styles, \
            charts as SVG, no fetch; every text from models and files is escaped.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The eval: an id or prefix, 'latest', or a results .jsonl file.")
    var eval = "latest"

    @Option(help: "Compare with an earlier eval: its id (a prefix is enough) or 'previous'.")
    var baseline: String?

    @Option(
        name: [.short, .customLong("output")],
        help: "Write to FILE (default: standard output; an HTML report on a terminal goes to evals/reports/ID.html).")
    var output: String?

    @Option(help: "html or md (default: md when FILE ends in .md, else html).")
    var format: Format?

    func run() async throws {
        try await reportingErrors {
            let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            // A results file may be reported outside any workspace; an eval id needs one.
            let workspace: Workspace? =
                eval.hasSuffix(".jsonl")
                ? try? Workspace.open(from: global.startDirectory)
                : try global.openWorkspace()
            let url: URL
            let shown: String
            if eval.hasSuffix(".jsonl") {
                url = URL(fileURLWithPath: eval, relativeTo: here).standardizedFileURL
                shown = workspace?.display(url) ?? eval
                guard FileManager.default.fileExists(atPath: url.path) else {
                    throw ValidationError("no results file at \(eval)")
                }
            } else {
                guard let workspace else { throw ValidationError("an eval id needs a workspace") }
                let files = EvalHistory(workspace: workspace).files()
                guard let chosen = EvalHistory.pick(eval, in: files) else {
                    throw ValidationError(
                        files.isEmpty
                            ? "no evals in evals/results/ yet; run `whet eval` first"
                            : "no eval in evals/results/ has an id starting with '\(eval)'; there are: \(files.map(\.id).joined(separator: ", "))"
                    )
                }
                url = workspace.evalsDirectory.appendingPathComponent("results/\(chosen.id).jsonl")
                shown = chosen.path
            }
            if OptimizeReport.isLog(url) {
                // An optimisation's log: its report is Markdown (what was tried, the winner, its held-out changes).
                guard format != .html, output.map({ !$0.lowercased().hasSuffix(".html") }) ?? true else {
                    throw ValidationError("an optimize run's report is Markdown: use --format md or -o FILE.md")
                }
                let text = OptimizeReport(logURL: url, displayPath: shown, root: workspace?.root).markdown()
                guard let output else { return Terminal.writeExact(text) }
                try DurableFile.writeAtomically(
                    Data(text.utf8), to: URL(fileURLWithPath: output, relativeTo: here).standardizedFileURL)
                return Terminal.note(
                    "report of optimize run \(url.deletingPathExtension().lastPathComponent) written to \(output)")
            }
            let started = Date()
            let report = try EvalReport.make(
                resultsURL: url, displayPath: shown, workspace: workspace, baseline: baseline)
            let chosenFormat = format ?? (output?.lowercased().hasSuffix(".md") == true ? .md : .html)
            let text =
                chosenFormat == .md ? MarkdownReport.render(report) : HTMLReport.render(report, workspace: workspace)
            var output = output
            if output == nil, chosenFormat == .html, Terminal.stdoutIsTTY {
                // A page of HTML is no use on a terminal: it goes where `:report` puts it, and whet says where.
                guard let workspace, workspace.isWritable else {
                    throw ValidationError(
                        "an HTML report is a page, not text for a terminal: pass -o FILE, redirect it, or --format md")
                }
                output = workspace.evalsDirectory.appendingPathComponent("reports/\(report.id).html").path
            }
            guard let output else {
                Terminal.writeExact(text)
                return
            }
            let target = URL(fileURLWithPath: output, relativeTo: here).standardizedFileURL
            try DurableFile.makeDirectory(target.deletingLastPathComponent())
            try DurableFile.writeAtomically(Data(text.utf8), to: target)
            Terminal.note(
                String(
                    format: "report of eval %@ (%d cells, %@) written to %@ in %.2f s", report.id, report.results.count,
                    ByteCount.describe(text.utf8.count), output, Date().timeIntervalSince(started)))
        }
    }
}
