import Foundation

/// A job whet submitted, remembered in `finetune/jobs.jsonl` (appended) so `whet finetune status` can follow
/// the latest one without the user copying ids around.
public struct SubmittedJob: Sendable, Equatable, Codable {
    public var jobID: String
    public var backend: String
    public var model: String
    public var trainingFile: String
    public var validationFile: String?
    /// The local file that was uploaded as training data.
    public var uploaded: String
    public var time: String

    /// Records a job just created.
    public init(
        jobID: String, backend: String, model: String, trainingFile: String, validationFile: String?, uploaded: String,
        time: String
    ) {
        self.jobID = jobID
        self.backend = backend
        self.model = model
        self.trainingFile = trainingFile
        self.validationFile = validationFile
        self.uploaded = uploaded
        self.time = time
    }

    enum CodingKeys: String, CodingKey {
        case backend, model, uploaded, time
        case jobID = "job_id"
        case trainingFile = "training_file"
        case validationFile = "validation_file"
    }
}

/// `finetune/` in a workspace: exported datasets and the log of submitted jobs.
public struct FineTuningFolder: Sendable {
    let workspace: Workspace

    /// The folder of `workspace`.
    public init(workspace: Workspace) {
        self.workspace = workspace
    }

    /// `finetune/`.
    public var directory: URL { workspace.root.appendingPathComponent("finetune") }
    /// `finetune/train.jsonl`.
    public var trainURL: URL { directory.appendingPathComponent("train.jsonl") }
    /// `finetune/validation.jsonl`.
    public var validationURL: URL { directory.appendingPathComponent("validation.jsonl") }
    /// `finetune/jobs.jsonl`.
    public var jobsURL: URL { directory.appendingPathComponent("jobs.jsonl") }

    /// Jobs submitted from this workspace, oldest first.
    public func jobs() -> [SubmittedJob] {
        JSONLines.read(
            SubmittedJob.self, from: jobsURL, displayPath: workspace.display(jobsURL), what: "job record",
            maxLineBytes: workspace.config.limits.maxLineBytes
        ).records
    }

    /// Remembers a submitted job.
    public func record(_ job: SubmittedJob) throws {
        try DurableFile.makeDirectory(directory)
        try JSONLines.append(job, to: jobsURL)
    }
}

/// Adds a backend to `whet.toml` by appending a table to the file's text, so the user's comments and layout
/// stay exactly as written; the result is parsed before it replaces the file (atomically).
public enum BackendAppender {
    /// Appends `[backends.<name>]` copying `base`'s server settings with `model`, and returns the new text.
    public static func append(name: String, model: String, basedOn base: BackendConfig, to workspace: Workspace) throws
        -> String
    {
        guard name.range(of: "^[A-Za-z0-9_-]+$", options: .regularExpression) != nil else {
            throw WorkspaceError.invalidConfig(
                SourceLocation(file: Workspace.configFileName),
                expected: "a backend name of letters, digits, - and _", found: "\"\(name)\"")
        }
        try workspace.requireWritable(for: "adding a backend to whet.toml")
        // Read, check and replace under one lock, so two processes adding backends at once both land.
        let lockURL = workspace.derivedDirectory.appendingPathComponent("locks/whet.toml.lock")
        return try FileLock.withLock(lockURL, purpose: "whet finetune") {
            try appendLocked(name: name, model: model, basedOn: base, to: workspace)
        }
    }

    private static func appendLocked(name: String, model: String, basedOn base: BackendConfig, to workspace: Workspace)
        throws -> String
    {
        let url = workspace.root.appendingPathComponent(Workspace.configFileName)
        let original = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        var current = ConfigLoader(source: original, displayPath: Workspace.configFileName)
        if (try current.load()).backends[name] != nil {
            throw WorkspaceError.invalidConfig(
                SourceLocation(file: Workspace.configFileName),
                expected: "a backend name not yet in use", found: "an existing backend '\(name)'")
        }
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        var table = "\n# Added by `whet finetune`: the model fine-tuned from \(base.model) on \(base.name)'s server.\n"
        table +=
            "[backends.\(name)]\nkind = \"openai\"\nmodel = \(quoted(model))\nbase_url = \(quoted(base.http.baseURL))\n"
        if let variable = base.http.apiKeyEnvironment { table += "api_key_env = \(quoted(variable))\n" }
        if let file = base.http.apiKeyFile { table += "api_key_file = \(quoted(file))\n" }
        let text = original + (original.hasSuffix("\n") || original.isEmpty ? "" : "\n") + table
        var loader = ConfigLoader(source: text, displayPath: Workspace.configFileName)
        _ = try loader.load()
        try DurableFile.writeAtomically(Data(text.utf8), to: url)
        return table
    }
}
