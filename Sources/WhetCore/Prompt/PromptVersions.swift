import Foundation

/// The versions of a prompt that were actually run. Runs and eval results record the prompt's content hash;
/// the text behind each hash is kept, written once, in `.whet/prompt-versions/<hash>.prompty`, so any two
/// versions can be diffed later even when the edits were never saved or committed.
public struct PromptVersions: Sendable {
    /// One version with what is known about it.
    public struct Version: Sendable, Equatable {
        public var hash: String
        public var promptPath: String
        /// When it was first run or evaluated (the records' time format).
        public var firstSeen: String
        public var runs: Int
        /// Its pass rate over the evals that ran it, each case counted once (`VersionRate`); nil when no eval
        /// checked an answer of it.
        public var rate: RateEstimate?
    }

    let workspace: Workspace

    /// The versions of `workspace`'s prompts.
    public init(workspace: Workspace) {
        self.workspace = workspace
    }

    /// `.whet/prompt-versions/`.
    public var directory: URL { workspace.derivedDirectory.appendingPathComponent("prompt-versions") }

    /// Keeps `prompt`'s text under its hash (once; atomically). Best effort: a read-only workspace keeps none,
    /// and losing a snapshot only costs the diff of that version, never a run.
    public func remember(_ prompt: PromptFile) {
        guard workspace.isWritable else { return }
        let url = directory.appendingPathComponent("\(prompt.contentHash).prompty")
        guard !FileManager.default.fileExists(atPath: url.path) else { return }
        try? DurableFile.makeDirectory(directory)
        try? DurableFile.writeAtomically(Data(prompt.source.utf8), to: url)
    }

    /// The text of version `hash`, when it was kept (or is the prompt file as it is now).
    public func text(_ hash: String, promptPath: String) -> String? {
        if let data = FileManager.default.contents(atPath: directory.appendingPathComponent("\(hash).prompty").path) {
            return String(data: data, encoding: .utf8)
        }
        let current = workspace.root.appendingPathComponent(promptPath)
        guard let prompt = try? PromptFile.load(current, displayPath: promptPath), prompt.contentHash == hash else {
            return nil
        }
        return prompt.source
    }

    /// Every version of the prompt at `promptPath` that a run or an eval used, oldest first.
    public func list(promptPath: String) -> [Version] {
        var versions: [String: Version] = [:]
        func touch(_ hash: String, _ time: String, _ change: (inout Version) -> Void) {
            var version =
                versions[hash]
                ?? Version(hash: hash, promptPath: promptPath, firstSeen: time, runs: 0, rate: nil)
            if time < version.firstSeen { version.firstSeen = time }
            change(&version)
            versions[hash] = version
        }
        let store = SessionStore(workspace: workspace)
        for id in store.ids() {
            for record in store.log(id).read().records where record.prompt.path == promptPath {
                touch(record.prompt.hash, record.time) { $0.runs += 1 }
            }
        }
        let files = EvalHistory(workspace: workspace).files()
        for version in VersionRate.compute(files: files, promptPaths: [promptPath]) {
            touch(version.prompt.hash, version.firstSeen) { $0.rate = version.estimate }
        }
        return versions.values.sorted { ($0.firstSeen, $0.hash) < ($1.firstSeen, $1.hash) }
    }
}
