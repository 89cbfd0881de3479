import ArgumentParser
import Foundation
import WhetCore

/// `whet evals`: the eval files and their cases, validated.
struct EvalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evals",
        abstract: "List and validate the eval cases in evals/*.jsonl (promptfoo's vars + assert shape).")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Eval files or promptfoo configs to check, wherever they are (default: every file in evals/).")
    var files: [String] = []

    @Flag(help: "List every case, not just the count per file.")
    var verbose = false

    func run() async throws {
        try await reportingErrors {
            let workspace = try global.openWorkspace()
            let here = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let urls =
                files.isEmpty
                ? workspace.evalFiles() : files.map { URL(fileURLWithPath: $0, relativeTo: here).standardizedFileURL }
            guard !urls.isEmpty else {
                Terminal.write(
                    "no eval files in evals/; add NAME.jsonl with one {\"vars\": …, \"assert\": […]} per line\n")
                return
            }
            for url in urls {
                let (cases, warnings) = try EvalFile.read(
                    url, displayPath: workspace.display(url), limits: workspace.config.limits)
                for warning in warnings { Terminal.warn(warning.description) }
                if cases.isEmpty { Terminal.warn("\(workspace.display(url)): warning: the file holds no cases") }
                let unchecked = cases.filter { $0.assertions.isEmpty }
                if let first = unchecked.first {
                    Terminal.warn(
                        "\(first.location): warning: \(unchecked.count) case(s) have no assertions: their cells will be "
                            + "reported as not evaluated, never as passed")
                }
                let types = Set(cases.flatMap { $0.assertions.map(\.type) }).sorted()
                Terminal.write(
                    "\(workspace.display(url))  \(cases.count) cases  asserts: \(types.joined(separator: ", "))\n")
                if verbose {
                    for item in cases {
                        let vars = item.vars.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(
                            separator: " ")
                        Terminal.write("  \(item.location.line ?? 0): \(item.description ?? vars)\n")
                    }
                }
            }
        }
    }
}
