import ArgumentParser
import Foundation
import WhetCore

/// `whet finetune`: datasets for the behaviour axis, from export to a running job and a usable backend.
struct FineTuneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finetune",
        abstract: "Export, validate and submit OpenAI chat fine-tuning data; follow the job.",
        discussion: """
            A typical path: rate runs (`whet rate`, or + / - on the output pane), give eval cases an \
            expected_answer in their metadata, then `whet finetune export`, `whet finetune validate \
            finetune/train.jsonl`, `whet finetune submit --backend openai --model gpt-4o-mini-2024-07-18` and \
            `whet finetune status --watch --add-backend tuned`.
            """,
        subcommands: [
            FineTuneExportCommand.self, FineTuneValidateCommand.self, FineTuneSubmitCommand.self,
            FineTuneStatusCommand.self,
        ])
}

/// `whet finetune export`: approved runs and eval cases with expected answers → train/validation JSONL.
struct FineTuneExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write finetune/train.jsonl and validation.jsonl from rated runs and eval cases' expected answers.",
        discussion: """
            Runs rated good give their output (or the corrected answer, when one was given); runs rated bad give \
            an example only with a corrected answer. Eval cases give one when metadata.expected_answer is set, \
            rendered with the prompt (and retrieved context) a run would use. Exact duplicates are dropped; \
            prompts answered two different ways are reported. The validation set is chosen by content digest, \
            so it stays stable as examples are added.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The prompt eval cases are rendered with (default: the workspace's default prompt).")
    var prompt: String?

    @Option(help: "Where to write train.jsonl and validation.jsonl (default: finetune/ in the workspace).")
    var output: String?

    @Option(name: .customLong("validation"), help: "Share of examples held out for validation, 0–0.5.")
    var validationFraction = 0.2

    @Flag(name: .customLong("no-runs"), help: "Leave rated runs out.")
    var noRuns = false

    @Flag(name: .customLong("no-evals"), help: "Leave eval cases out.")
    var noEvals = false

    @Flag(help: "Replace existing train.jsonl / validation.jsonl.")
    var force = false

    func validate() throws {
        if !(0...0.5).contains(validationFraction) {
            throw ValidationError("--validation expects a share from 0 to 0.5, found \(validationFraction)")
        }
    }

    func run() async throws {
        try await reportingErrors {
            let workspace = try global.openWorkspace()
            let folder = FineTuningFolder(workspace: workspace)
            let directory =
                output.map {
                    URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
                        .standardizedFileURL
                }
                ?? folder.directory
            let trainURL = directory.appendingPathComponent("train.jsonl")
            let validationURL = directory.appendingPathComponent("validation.jsonl")
            if !force {
                for url in [trainURL, validationURL] where FileManager.default.fileExists(atPath: url.path) {
                    throw ValidationError(
                        "\(workspace.display(url)) exists; pass --force to replace it, or --output DIR")
                }
            }
            let retriever =
                workspace.config.retrieval.enabled && !noEvals
                ? try await RetrievalOptionGroup.openRetriever(
                    workspace, options: RetrievalOptions(workspace.config.retrieval)) : nil
            let counter =
                (try? TokenCounter.forSettings(workspace.config.retrieval, workspaceRoot: workspace.root)) ?? .estimate
            let prepared = try await FineTuningExporter(workspace: workspace).prepare(
                promptName: prompt, retriever: retriever, runs: !noRuns, evals: !noEvals,
                validationFraction: validationFraction,
                counter: counter, trainPath: workspace.display(trainURL))
            let gathered = prepared.gathered
            for line in gathered.skipped { Terminal.note("skipped: \(line)") }
            for line in gathered.duplicates { Terminal.note("duplicate dropped: \(line)") }
            for line in gathered.conflicts { Terminal.warn("warning: \(line)") }
            try prepared.write(to: directory)
            let split = prepared.split
            let report = prepared.report
            var out = prepared.summary
            out += "\n  train       \(split.train.count)  \(workspace.display(trainURL))\n"
            if !split.validation.isEmpty {
                out += "  validation  \(split.validation.count)  \(workspace.display(validationURL))\n"
            }
            out +=
                "check: \(report.errors.count) error\(report.errors.count == 1 ? "" : "s"), \(report.warnings.count) warning\(report.warnings.count == 1 ? "" : "s")"
            out += report.findings.isEmpty ? "\n" : " (whet finetune validate \(workspace.display(trainURL)))\n"
            for finding in report.findings where finding.location.line == nil { out += "  \(finding)\n" }
            Terminal.write(out)
        }
    }
}

/// `whet finetune validate FILE`: OpenAI's data checks, with line numbers, token counts and billing.
struct FineTuneValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a chat fine-tuning JSONL file as OpenAI's data-preparation guide does; exit 1 on errors.",
        discussion: """
            Works inside a workspace or not. Tokens are counted with --tokenizer (a tiktoken-format vocabulary, \
            e.g. o200k_base.tiktoken), else the workspace's [retrieval] tokenizer, else estimated and said so.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The JSONL file to check.")
    var file: String

    @Option(help: "A tiktoken-format BPE vocabulary for exact token counts.")
    var tokenizer: String?

    @Option(name: .customLong("max-tokens"), help: "Tokens per example beyond which it is truncated.")
    var maxTokens = FineTuningValidator.defaultTokenLimit

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let url = URL(
                fileURLWithPath: file,
                relativeTo: global.directory.map { URL(fileURLWithPath: $0, relativeTo: cwd) } ?? cwd
            ).standardizedFileURL
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw ValidationError("cannot read \(file) (does it exist?)")
            }
            var counter = TokenCounter.estimate
            if let tokenizer {
                counter = .bpe(
                    try BPETokenizer(
                        contentsOf: URL(fileURLWithPath: tokenizer, relativeTo: cwd), displayPath: tokenizer))
            } else if let workspace = try? Workspace.open(from: global.startDirectory) {
                counter = try TokenCounter.forSettings(workspace.config.retrieval, workspaceRoot: workspace.root)
            }
            let report = FineTuningValidator(tokenLimit: maxTokens, counter: counter).validate(data, displayPath: file)
            if json {
                try Terminal.writeJSON(FineTuningReportJSON(report))
            } else {
                Terminal.write(FineTuningReportFormatter.format(report))
            }
            if !report.errors.isEmpty { throw ExitCode(1) }
        }
    }
}
