import ArgumentParser
import Foundation
import WhetCore

/// `whet search QUERY`: what retrieval returns for a query, with scores, sources and matched terms.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the corpus the way a run would, and show why each chunk came back.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The query text.")
    var query: [String]

    @Option(name: .customLong("top-k"), help: "How many chunks to return (default: [retrieval] top_k).")
    var topK: Int?

    @OptionGroup var retrieval: RetrievalOptionGroup

    @Flag(help: "Print the results as JSON.")
    var json = false

    func validate() throws {
        if query.joined().trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("give a query to search for")
        }
        if let topK, topK < 1 { throw ValidationError("--top-k must be at least 1, found \(topK)") }
    }

    func run() async throws {
        try await reportingErrors {
            let workspace = try global.openWorkspace()
            let context = try await retrieval.openContext(workspace, topK: topK)
            let outcome = try await context.search(query.joined(separator: " "))
            for warning in outcome.warnings { Terminal.warn(warning) }
            let results = outcome.chunks
            if json {
                try Terminal.writeJSON(results)
                return
            }
            if results.isEmpty {
                Terminal.write("no chunk matches \"\(query.joined(separator: " "))\"\n")
                return
            }
            if outcome.queries.count > 1 {
                Terminal.write(
                    "searched (\(outcome.method)):\n"
                        + outcome.queries.enumerated().map {
                            "  q\($0.offset + 1): \(TerminalText.visible($0.element).prefix(200))"
                        }.joined(separator: "\n") + "\n\n")
            }
            for result in results {
                let heading = result.headingPath.isEmpty ? "" : "  § " + result.headingPath.joined(separator: " › ")
                Terminal.write(
                    "\(result.rank). \(String(format: abs(result.score) < 1 ? "%6.4f" : "%6.2f", result.score))  \(result.citedLocation)\(heading)\n"
                )
                Terminal.write("   matched: \(result.matchedTerms.joined(separator: ", "))\n")
                if let methods = result.methods {
                    Terminal.write(
                        "   why: "
                            + methods.map { "\($0.method) #\($0.rank) (\(String(format: "%.3f", $0.score)))" }.joined(
                                separator: " · ") + "\n")
                }
                let snippet = TerminalText.visible(result.text).split(separator: "\n").prefix(2)
                    .map { "   │ " + $0.prefix(100) }.joined(separator: "\n")
                Terminal.write(snippet + "\n\n")
            }
        }
    }
}

/// JSON for `--json` outputs: stable key order, readable.
enum JSONOutput {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
