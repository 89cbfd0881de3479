import ArgumentParser
import Foundation
import WhetCore

/// `whet advise`: what the latest eval results say to do next, with the evidence.
struct AdviseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "advise",
        abstract: "Classify the latest eval's failures (knowledge, grounding, behaviour) and recommend the next move.",
        discussion: "The rules and thresholds are in docs/advisor.md; every recommendation names the cases it rests on."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "A results file (default: the newest in evals/results/).")
    var results: String?

    @Flag(help: "Print the advice as JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let workspace = try global.openWorkspace()
            let url = results.map {
                URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                    .standardizedFileURL
            }
            if let url, !FileManager.default.fileExists(atPath: url.path) {
                throw EvalError.noCases("no results file at \(results ?? "")")
            }
            let advice = try Advisor.advise(workspace: workspace, resultsURL: url)
            if json {
                try Terminal.writeJSON(advice)
                return
            }
            var out = ""
            if let id = advice.evalID, let path = advice.resultsPath, let headline = advice.headline {
                out += "eval \(id) (\(path)): \(advice.cells) cells, \(headline)\n"
            } else {
                out += "no eval results yet\n"
            }
            if let change = advice.change { out += "since eval \(change.evalID): \(change.headline)\n" }
            out += "position: \(advice.region)\n"
            if !advice.failures.isEmpty {
                out += "\nfailures by class:\n"
                for type in FailureClass.allCases {
                    let members = advice.failures.filter { $0.failureClass == type }
                    guard !members.isEmpty else { continue }
                    out += "  \(type.rawValue) \(members.count)\n"
                    for failure in members.prefix(8) { out += "    - \(failure.label): \(failure.evidence)\n" }
                    if members.count > 8 { out += "    … \(members.count - 8) more\n" }
                }
            }
            if !advice.flaky.isEmpty {
                out += "\nflaky (repeats disagree):\n"
                for flaky in advice.flaky.prefix(8) {
                    out += "  ~ \(flaky.label) [\(flaky.variant)]: passed \(flaky.passed) of \(flaky.answered)\n"
                }
            }
            if let failures = advice.runFailures {
                out += "\nruns that failed: \(failures.text) (not counted in the pass rate)\n"
                for group in failures.groups.prefix(3) { out += "  ! \(group.count)× \(group.example.prefix(240))\n" }
            }
            let recommendation = advice.recommendation
            out += "\nnext: \(recommendation.move)\n  \(recommendation.why)\n"
            for step in recommendation.steps { out += "  • \(step)\n" }
            if !recommendation.basedOn.isEmpty {
                out += "  based on: \(recommendation.basedOn.joined(separator: "; "))\n"
            }
            out +=
                "\nchecklist: "
                + advice.checklist.sorted { $0.key < $1.key }.map { "\($0.value ? "✓" : "✗") \($0.key)" }.joined(
                    separator: "  ") + "\n"
            let tuning = advice.fineTuning
            out +=
                "fine-tuning data: \(tuning.examples) example(s) (minimum \(tuning.minimum), \(tuning.recommended) recommended)\n"
            Terminal.write(out)
        }
    }
}
