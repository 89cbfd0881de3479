import ArgumentParser
import Foundation
import WhetCore

/// `whet show SESSION`: a readable transcript of a session's runs.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show a session as a transcript: each run's inputs, context, output and numbers.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A session id, a unique prefix of one, or 'latest'.")
    var session: String = "latest"

    @Option(help: "Show only run N of the session.")
    var run: Int?

    @Flag(help: "Print the run records as JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let workspace = try global.openWorkspace()
            let store = SessionStore(workspace: workspace)
            let id = try store.resolve(session)
            let (records, warnings) = store.log(id).read()
            for warning in warnings { Terminal.warn(warning.description) }
            let selected = run.map { number in records.filter { $0.run == number } } ?? records
            if let run, selected.isEmpty {
                throw ValidationError(
                    "session \(id) has no run \(run); it has runs \(records.map { String($0.run) }.joined(separator: ", "))"
                )
            }
            if json {
                try Terminal.writeJSON(selected)
                return
            }
            Terminal.write(
                TranscriptFormatter.format(
                    session: id, title: store.title(id), records: selected, ratings: store.ratings(id).byRun))
        }
    }
}

/// Formats run records as a transcript a person reads top to bottom.
enum TranscriptFormatter {
    /// `ratings` by run id (the ratings file's latest verdict per run).
    static func format(
        session: String, title: String?, records: [RunRecord], ratings: [String: RunRating] = [:]
    ) -> String {
        var out =
            "session \(session)\(title.map { " · \(TerminalText.visible($0))" } ?? "") · \(records.count) run\(records.count == 1 ? "" : "s")\n"
        for record in records {
            out +=
                "\n━━ run \(record.run) · \(record.time) · \(record.backend.name)/\(record.model) · \(record.finishReason.rawValue)\n"
            out += "prompt   \(record.prompt.path) (\(record.prompt.hash.prefix(12)))\n"
            if let continues = record.continues {
                // A follow-up's question is its last user turn, not a variable: show it, or the transcript reads
                // as an answer to nothing.
                let question = record.messages.last { $0.role == .user }?.content ?? ""
                out += "follows  run \(continues) (turn \(record.turn ?? 1))\n"
                out += "asked    \(TerminalText.visible(question).replacingOccurrences(of: "\n", with: "⏎"))\n"
            }
            for (name, value) in record.variables.sorted(by: { $0.key < $1.key }) {
                out += "var      \(name) = \(TerminalText.visible(value).replacingOccurrences(of: "\n", with: "⏎"))\n"
            }
            if let retrieval = record.retrieval {
                out +=
                    "context  \(retrieval.method), top \(retrieval.topK), query \"\(TerminalText.visible(retrieval.query))\"\n"
                for entry in retrieval.chunks {
                    let mark = entry.citation.map { "[\($0)]" } ?? " - "
                    out += "  \(mark) \(String(format: "%6.2f", entry.chunk.score)) \(entry.chunk.citedLocation)"
                    out += entry.omitted.map { " (\($0))" } ?? ""
                    out += "\n"
                }
            } else {
                out += "context  retrieval off\n"
            }
            out += "output\n"
            out +=
                TerminalText.visible(record.output).split(separator: "\n", omittingEmptySubsequences: false)
                .map { "  │ " + $0 }.joined(separator: "\n") + "\n"
            var numbers = [String(format: "total %.2f s", record.latency.totalMs / 1000)]
            if let first = record.latency.firstTokenMs {
                numbers.insert(String(format: "first token %.0f ms", first), at: 0)
            }
            if let usage = record.usage {
                numbers.append(
                    "\(usage.promptTokens) prompt + \(usage.completionTokens) completion tokens\(usage.estimated ? " (estimated)" : "")"
                )
            }
            if let rate = record.latency.tokensPerSecond { numbers.append(String(format: "%.1f tokens/s", rate)) }
            if let cost = record.costUSD { numbers.append(String(format: "$%.4f", cost)) }
            if record.cached == true { numbers.append("from cache") }
            out += "numbers  " + numbers.joined(separator: " · ") + "\n"
            if let error = record.error { out += "error    \(TerminalText.visible(error))\n" }
            let rating = ratings[record.id]
            if let verdict = rating?.verdict ?? record.rating.map({ $0 > 0 ? RunRating.Verdict.good : .bad }) {
                out += "rated    \(verdict.rawValue)"
                if let corrected = rating?.corrected {
                    out +=
                        ", corrected:\n"
                        + TerminalText.visible(corrected).split(separator: "\n", omittingEmptySubsequences: false)
                        .map { "  │ " + $0 }.joined(separator: "\n")
                }
                out += "\n"
            }
        }
        return out
    }
}
