import ArgumentParser
import Foundation
import WhetCore

/// `whet run`: render a prompt, retrieve context, stream the backend's answer and record the run.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a prompt: retrieve context, stream the answer, and record the run in the session log.",
        discussion: """
            The answer streams to standard output; what was retrieved and the run's numbers go to standard error.
            Every run is appended to sessions/<id>/runs.jsonl before whet exits. Ctrl-C cancels the run and keeps
            the partial answer, recorded as cancelled.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The prompt to run: prompts/NAME.prompty (default: whet.toml's default_prompt).")
    var prompt: String?

    @Option(name: .customLong("var"), help: ArgumentHelp("Set a variable (repeatable).", valueName: "NAME=VALUE"))
    var variables: [String] = []

    @Option(help: "The backend to use: a [backends.NAME] in whet.toml (default: default_backend).")
    var backend: String?

    @Option(
        help: ArgumentHelp(
            "Session to record into: an id, a unique prefix, 'latest', or 'new' (default: the current session).",
            valueName: "ID"))
    var session: String?

    @Flag(name: .customLong("no-retrieval"), help: "Run without retrieving context.")
    var noRetrieval = false

    @Option(name: .customLong("top-k"), help: "How many chunks to retrieve (default: [retrieval] top_k).")
    var topK: Int?

    @Option(help: ArgumentHelp("Leave a chunk out of the context (repeatable).", valueName: "PATH:START-END"))
    var exclude: [String] = []

    @Flag(
        help:
            "Answer from the response cache in .whet/cache when this exact request was answered before (and store the answer)."
    )
    var cache = false

    @OptionGroup var retrieval: RetrievalOptionGroup

    @Flag(name: .customLong("dry-run"), help: "Show the rendered messages and context without running or recording.")
    var dryRun = false

    @Flag(help: "Print the run record as JSON instead of streaming the answer.")
    var json = false

    func validate() throws {
        if let topK, topK < 1 { throw ValidationError("--top-k must be at least 1, found \(topK)") }
        for text in exclude where ChunkLocation(parsing: text) == nil {
            throw ValidationError(
                "--exclude \(text): expected PATH:START-END as `whet search` or `--dry-run` shows it, "
                    + "e.g. corpus/support/faq.md:1-5")
        }
    }

    /// The `--exclude` locations (each checked by `validate`).
    var excludedLocations: Set<ChunkLocation> { Set(exclude.compactMap(ChunkLocation.init(parsing:))) }

    func run() async throws {
        try await reportingErrors {
            let workspace = try global.openWorkspace()
            let input = RunInput(
                promptName: prompt, variables: try parseAssignments(variables), backendName: backend,
                retrievalEnabled: noRetrieval ? false : nil, topK: topK, excludedChunks: excludedLocations)
            let wantsRetrieval = input.retrievalEnabled ?? workspace.config.retrieval.enabled
            if wantsRetrieval {
                // Retrieval fills these; a value given for one would be silently replaced.
                for name in input.variables.keys.sorted() where RunPlan.retrievalVariables.contains(name) {
                    Terminal.warn(
                        "warning: --var \(name)=… is not used: retrieval fills '\(name)' (pass --no-retrieval to give "
                            + "your own)")
                }
            }
            let plan: RunPlan
            if wantsRetrieval {
                let context = try await retrieval.openContext(workspace, topK: topK)
                _ = try await context.search(try RunPlan.query(for: input, in: workspace))
                plan = try RunPlan.make(input, in: workspace, context: context)
            } else {
                plan = try RunPlan.make(input, in: workspace, retrieved: nil)
            }
            try checkInputs(input, against: plan)
            for warning in plan.warnings { Terminal.warn(warning.description) }
            if dryRun {
                printDryRun(plan)
                return
            }
            let run = try RunSession(plan: plan, workspace: workspace, session: session, useCache: cache)
            if !json { printContextSummary(plan) }
            let streamToStdout = !json
            let runTask = Task {
                try await run.execute { event in
                    switch event {
                    case .delta(let text) where streamToStdout: Terminal.write(TerminalText.visible(text))
                    case .retrying(let note): Terminal.note(note)
                    default: break
                    }
                }
            }
            let interrupt = InterruptHandler { runTask.cancel() }
            let record = try await runTask.value
            interrupt.stop()
            if json {
                try Terminal.writeJSON(record)
            } else {
                if !record.output.isEmpty, !record.output.hasSuffix("\n") { Terminal.write("\n") }
                for call in record.toolCalls ?? [] {
                    Terminal.write("── tool call \(call.name)\n\(TerminalText.visible(call.prettyArguments))\n")
                }
                Terminal.note("── " + RunSession.summary(record) + " · saved to \(run.logPath)")
            }
            if let error = record.error {
                Terminal.warn(error.hasPrefix("error: ") ? error : "error: " + error)
                throw ExitCode(1)
            }
            if record.finishReason == .cancelled { throw ExitCode(130) }
        }
    }

    /// A `--var` the prompt does not use, or an `--exclude` that matches no retrieved chunk, would run
    /// something other than what was asked, silently: each is an error, before anything is spent.
    func checkInputs(_ input: RunInput, against plan: RunPlan) throws {
        let known = plan.prompt.variables
        for name in input.variables.keys.sorted() where !known.contains(name) {
            throw ValidationError(
                "--var \(name): prompt '\(plan.prompt.name)' has no variable '\(name)'"
                    + Suggestion.hint(for: name, in: known)
                    + "; its variables: \(known.isEmpty ? "none" : known.joined(separator: ", "))")
        }
        let retrieved = (plan.retrieval?.chunks ?? []).map(\.chunk.location)
        let names = retrieved.map(\.description)
        for location in input.excludedChunks.sorted() where !retrieved.contains(location) {
            throw ValidationError(
                "--exclude \(location): no retrieved chunk is at \(location)"
                    + Suggestion.hint(for: location.description, in: names)
                    + "; retrieved: \(names.isEmpty ? "none" : names.joined(separator: ", "))")
        }
    }

    func printContextSummary(_ plan: RunPlan) {
        guard let retrieval = plan.retrieval else { return }
        let used = retrieval.chunks.filter { $0.citation != nil }
        Terminal.note(
            "context: \(used.count) of \(retrieval.chunks.count) chunks via \(retrieval.method) for \"\(retrieval.query)\""
        )
        for entry in retrieval.chunks {
            let mark = entry.citation.map { "[\($0)]" } ?? " -  "
            let reason = entry.omitted.map { "  (\($0))" } ?? ""
            Terminal.note(
                "  \(mark) \(String(format: "%6.2f", entry.chunk.score))  \(entry.chunk.citedLocation)\(reason)")
        }
        Terminal.note("")
    }

    func printDryRun(_ plan: RunPlan) {
        printContextSummary(plan)
        Terminal.write(
            "prompt \(plan.prompt.path) (\(plan.prompt.contentHash.prefix(12))) → backend \(plan.backend.name)\n")
        for message in plan.messages {
            Terminal.write("── \(message.role.rawValue) ──\n\(TerminalText.visible(message.content))\n")
        }
    }
}

/// Turns Ctrl-C into a cancellation of the running request instead of killing whet, so the partial output
/// can still be recorded.
final class InterruptHandler: @unchecked Sendable {
    // @unchecked: the signal source is created and cancelled on the same caller and only read by Dispatch.
    private let source: DispatchSourceSignal

    init(_ onInterrupt: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler(handler: onInterrupt)
        source.resume()
    }

    func stop() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
