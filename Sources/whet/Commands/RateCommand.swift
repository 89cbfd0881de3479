import ArgumentParser
import Foundation
import WhetCore

/// `whet rate SESSION RUN good|bad [--corrected TEXT]`: the CLI side of rating runs (the UI has `+`/`-` on the
/// output pane). Ratings feed fine-tuning exports and the advisor's readiness count.
struct RateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rate",
        abstract: "Rate a run good or bad, optionally with the answer it should have given.",
        discussion: """
            Ratings are appended to sessions/ID/ratings.jsonl (the run records stay as they were); rating a run \
            again replaces its rating. `whet finetune export` turns runs rated good, and runs with a corrected \
            answer, into training examples.

            Example: whet rate latest 3 bad --corrected "Rotate the key under Settings → API keys."
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A session id, a unique prefix of one, or 'latest'.")
    var session: String

    @Argument(help: "The run's number in the session.")
    var run: Int

    @Argument(help: "good or bad (also + / -).")
    var verdict: String

    @Option(help: "The answer the run should have given (exported instead of its output).")
    var corrected: String?

    @Option(name: .customLong("corrected-file"), help: "Read the corrected answer from FILE ('-' for standard input).")
    var correctedFile: String?

    func validate() throws {
        if RunRating.verdict(parsing: verdict) == nil {
            throw ValidationError("expected good or bad, found '\(verdict)'")
        }
        if corrected != nil && correctedFile != nil {
            throw ValidationError("give --corrected or --corrected-file, not both")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let workspace = try global.openWorkspace()
            let store = SessionStore(workspace: workspace)
            let id = try store.resolve(session)
            let records = store.log(id).read().records
            guard let record = records.first(where: { $0.run == run }) else {
                throw ValidationError(
                    "session \(id) has no run \(run); it has runs \(records.map { String($0.run) }.joined(separator: ", "))"
                )
            }
            var answer = corrected
            if let correctedFile {
                let data =
                    correctedFile == "-"
                    ? FileHandle.standardInput.readDataToEndOfFile()
                    : FileManager.default.contents(atPath: correctedFile)
                guard let data, let text = String(data: data, encoding: .utf8) else {
                    throw ValidationError("cannot read --corrected-file \(correctedFile)")
                }
                answer = text.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            guard let verdict = RunRating.verdict(parsing: verdict) else { return }
            let rating = RunRating(of: record, verdict: verdict, corrected: answer, time: RunExecutor.timestamp(Date()))
            try store.rate(rating, inSession: id)
            Terminal.write(
                "session \(id) run \(run): rated \(verdict.rawValue)\(rating.corrected == nil ? "" : " with a corrected answer")\n"
            )
        }
    }
}
