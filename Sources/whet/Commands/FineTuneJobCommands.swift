import ArgumentParser
import Foundation
import WhetCore

/// `whet finetune submit`: validate, upload, create the job, remember it.
struct FineTuneSubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract:
            "Upload a training file (and validation file) and start a fine-tuning job on an OpenAI-compatible API.",
        discussion:
            "The files are validated first; a file with errors is not uploaded. The job is recorded in finetune/jobs.jsonl."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The training file (default: finetune/train.jsonl).")
    var file: String?

    @Option(
        name: .customLong("validation-file"),
        help:
            "A validation file (default: finetune/validation.jsonl when the training file is the default and it exists)."
    )
    var validationFile: String?

    @Option(help: "The OpenAI-compatible backend whose server runs the job (default: the default backend).")
    var backend: String?

    @Option(help: "The base model to fine-tune (default: the backend's model).")
    var model: String?

    @Option(help: "A suffix for the new model's name.")
    var suffix: String?

    @Option(help: "Epochs (default: the server's choice).")
    var epochs: Int?

    func run() async throws {
        try await reportingErrors {
            let workspace = try global.openWorkspace()
            let folder = FineTuningFolder(workspace: workspace)
            let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            let trainURL = file.map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL } ?? folder.trainURL
            var validationURL = validationFile.map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL }
            if file == nil, validationURL == nil, FileManager.default.fileExists(atPath: folder.validationURL.path) {
                validationURL = folder.validationURL
            }
            let config = try workspace.config.backend(named: backend)
            let client = try FineTuningClient(config: config, workspaceRoot: workspace.root)
            let counter =
                (try? TokenCounter.forSettings(workspace.config.retrieval, workspaceRoot: workspace.root)) ?? .estimate
            var uploads: [(URL, Data)] = []
            for url in [trainURL] + (validationURL.map { [$0] } ?? []) {
                guard let data = FileManager.default.contents(atPath: url.path) else {
                    throw ValidationError("cannot read \(workspace.display(url)) (run `whet finetune export` first?)")
                }
                let report = FineTuningValidator(counter: counter).validate(data, displayPath: workspace.display(url))
                let blocking = url == trainURL ? report.errors : report.errors.filter { $0.check != "too_few_examples" }
                guard blocking.isEmpty else {
                    for finding in blocking { Terminal.warn(finding.description) }
                    throw ValidationError(
                        "\(workspace.display(url)) has \(blocking.count) error\(blocking.count == 1 ? "" : "s"); nothing was uploaded"
                    )
                }
                uploads.append((url, data))
            }
            Terminal.note("uploading \(workspace.display(trainURL)) to \(config.name) …")
            let trainingID = try await client.upload(uploads[0].1, filename: trainURL.lastPathComponent)
            var validationID: String? = nil
            if uploads.count > 1 {
                validationID = try await client.upload(uploads[1].1, filename: uploads[1].0.lastPathComponent)
            }
            let baseModel = model ?? config.model
            let job = try await client.createJob(
                model: baseModel, trainingFile: trainingID, validationFile: validationID, suffix: suffix, epochs: epochs
            )
            try folder.record(
                SubmittedJob(
                    jobID: job.id, backend: config.name, model: baseModel, trainingFile: trainingID,
                    validationFile: validationID, uploaded: workspace.display(trainURL),
                    time: RunExecutor.timestamp(Date())))
            Terminal.write(
                "job \(job.id): \(job.status) (training \(baseModel) on \(trainingID)\(validationID.map { ", validating on \($0)" } ?? ""))\n"
            )
            Terminal.write("follow it: whet finetune status \(job.id) --watch\n")
        }
    }
}

/// `whet finetune status [JOB]`: the job's state and events; with `--watch`, until it finishes; with
/// `--add-backend NAME`, the finished model becomes a backend in whet.toml.
struct FineTuneStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a fine-tuning job (default: the latest submitted from here); --watch follows it to the end.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The job id (default: the latest in finetune/jobs.jsonl).")
    var job: String?

    @Option(
        help: "The backend whose server runs the job (default: the one it was submitted to, else the default backend).")
    var backend: String?

    @Flag(help: "Poll until the job succeeds, fails or is cancelled, printing new events.")
    var watch = false

    @Option(help: "Seconds between polls with --watch.")
    var interval = 10.0

    @Option(
        name: .customLong("add-backend"),
        help: "When the job has succeeded, add its model to whet.toml as backend NAME.")
    var addBackend: String?

    func validate() throws {
        if interval <= 0 { throw ValidationError("--interval must be positive, found \(interval)") }
    }

    func run() async throws {
        try await reportingErrors {
            let workspace = try global.openWorkspace()
            let recorded = FineTuningFolder(workspace: workspace).jobs()
            guard let id = job ?? recorded.last?.jobID else {
                throw ValidationError(
                    "no job given and none recorded in finetune/jobs.jsonl; submit one with `whet finetune submit`")
            }
            let config = try workspace.config.backend(
                named: backend ?? recorded.last(where: { $0.jobID == id })?.backend)
            let client = try FineTuningClient(config: config, workspaceRoot: workspace.root)
            // Events are identified by time and text: the API returns only the latest ones, so a position in
            // the list does not say which were printed already.
            var printed = Set<String>()
            var current = try await client.job(id)
            while true {
                let events = try await client.events(id)
                let fresh = events.filter { !printed.contains("\($0.createdAt)|\($0.message)") }
                for event in fresh { printed.insert("\(event.createdAt)|\(event.message)") }
                if !watch || current.isFinished || !fresh.isEmpty {
                    for event in (watch ? fresh : Array(events.suffix(10))) {
                        Terminal.write(
                            "  \(Self.clock(event.createdAt))  \(event.level == "info" ? "" : "\(event.level): ")\(TerminalText.visible(event.message))\n"
                        )
                    }
                }
                if !watch || current.isFinished { break }
                try await Task.sleep(nanoseconds: UInt64(interval * 1_000_000_000))
                current = try await client.job(id)
            }
            var out = "job \(current.id): \(current.status) · base \(current.model)"
            if let model = current.fineTunedModel { out += " · model \(model)" }
            if let tokens = current.trainedTokens { out += " · \(tokens) trained tokens" }
            out += "\n"
            if let error = current.error { out += "error: \(TerminalText.visible(error))\n" }
            Terminal.write(out)
            if let addBackend {
                guard current.status == "succeeded", let model = current.fineTunedModel else {
                    throw ValidationError(
                        "job \(current.id) is \(current.status), not succeeded; no backend added (use --watch to wait for it)"
                    )
                }
                _ = try BackendAppender.append(name: addBackend, model: model, basedOn: config, to: workspace)
                Terminal.write(
                    "added backend '\(addBackend)' (model \(model)) to whet.toml; try it: whet run --backend \(addBackend)\n"
                )
            } else if current.status == "succeeded", let model = current.fineTunedModel {
                Terminal.write(
                    "use it: whet finetune status \(current.id) --add-backend NAME (adds \(model) to whet.toml)\n")
            }
            if current.status == "failed" || current.status == "cancelled" { throw ExitCode(1) }
        }
    }

    static func clock(_ epoch: Int) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(epoch)))
    }
}
