import ArgumentParser
import Foundation
import WhetCore

/// `whet sessions`: a table of the workspace's sessions.
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "List sessions: id, title, runs, models, last change.")

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print the list as JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let workspace = try global.openWorkspace()
            let summaries = SessionStore(workspace: workspace).summaries()
            for summary in summaries { for warning in summary.warnings { Terminal.warn(warning.description) } }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = "yyyy-MM-dd HH:mm"
            if json {
                struct Row: Encodable {
                    var id: String
                    var title: String?
                    var runs: Int
                    var models: [String]
                    var last_change: String?
                    var cost_usd: Double?
                }
                let iso = ISO8601DateFormatter()
                try Terminal.writeJSON(
                    summaries.map {
                        Row(
                            id: $0.id, title: $0.title, runs: $0.runs, models: $0.models,
                            last_change: $0.lastChange.map(iso.string), cost_usd: $0.costUSD)
                    })
                return
            }
            guard !summaries.isEmpty else {
                Terminal.write("no sessions yet; `whet run` records runs in a new one\n")
                return
            }
            let rows = summaries.map { summary in
                [
                    summary.id, TerminalText.visible(summary.title ?? "—"), String(summary.runs),
                    summary.costUSD.map { String(format: "$%.4f", $0) } ?? "—",
                    summary.models.joined(separator: ","), summary.lastChange.map(formatter.string) ?? "—",
                ]
            }
            Terminal.write(
                TextTable.render(header: ["ID", "TITLE", "RUNS", "COST", "MODELS", "LAST CHANGE"], rows: rows))
        }
    }
}

/// Plain aligned columns, the way `git branch -v` or `docker ps` print.
enum TextTable {
    static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }
}
