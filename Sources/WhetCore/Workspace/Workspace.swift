import Foundation

/// An opened workspace directory: its root, its parsed `whet.toml` and the paths of everything in it.
/// Workspaces are plain files a person can read, diff, grep and commit; `.whet/` holds only what can be
/// rebuilt from the rest.
public struct Workspace: Sendable {
    /// The directory holding `whet.toml`.
    public let root: URL
    /// The parsed configuration.
    public let config: WorkspaceConfig
    /// Problems in `whet.toml` that did not stop loading (unknown keys).
    public let warnings: [Warning]

    /// The name of the file that marks a workspace.
    public static let configFileName = "whet.toml"

    /// Finds the workspace the way git finds a repository: `start` itself or the nearest parent that holds
    /// `whet.toml`.
    public static func locate(from start: URL) throws -> URL {
        var directory = start.standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent(configFileName).path) {
                return directory
            }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { throw WorkspaceError.notFound(searchedFrom: start.path) }
            directory = parent
        }
    }

    /// Opens the workspace found from `start` (see `locate`), reading and validating `whet.toml`.
    public static func open(from start: URL) throws -> Workspace {
        try open(root: locate(from: start))
    }

    /// Opens the workspace whose root is `root`.
    public static func open(root: URL) throws -> Workspace {
        let configURL = root.appendingPathComponent(configFileName)
        let text: String
        do {
            text = try String(contentsOf: configURL, encoding: .utf8)
        } catch {
            throw WorkspaceError.io(path: configURL.path, reason: "cannot read it as UTF-8 text")
        }
        var loader = ConfigLoader(source: text, displayPath: relativeDisplay(configURL, from: root))
        let config = try loader.load()
        let workspace = Workspace(root: root, config: config, warnings: loader.warnings)
        // A process killed while replacing whet.toml leaves its temporary file beside it: gone at the next start.
        if workspace.isWritable { DurableFile.removeAbandonedTemporaries(of: configURL) }
        return workspace
    }

    /// Makes a workspace value from parts already loaded (tests, `whet init`).
    public init(root: URL, config: WorkspaceConfig, warnings: [Warning] = []) {
        self.root = root.standardizedFileURL
        self.config = config
        self.warnings = warnings
    }

    /// `prompts/`: the prompt files.
    public var promptsDirectory: URL { root.appendingPathComponent("prompts") }
    /// The corpus directory named by `[retrieval] corpus`.
    public var corpusDirectory: URL { root.appendingPathComponent(config.retrieval.corpus) }
    /// `evals/`: the eval case files.
    public var evalsDirectory: URL { root.appendingPathComponent("evals") }
    /// `sessions/`: one directory per session, each with an append-only `runs.jsonl`.
    public var sessionsDirectory: URL { root.appendingPathComponent("sessions") }
    /// `.whet/`: derived data (index, caches) that can always be rebuilt.
    public var derivedDirectory: URL { root.appendingPathComponent(".whet") }
    /// `.whet/cache/`: answers of earlier identical requests.
    public var cacheDirectory: URL { derivedDirectory.appendingPathComponent("cache") }
    /// `.whet/index.sqlite`: chunks and the BM25 index.
    public var indexURL: URL { derivedDirectory.appendingPathComponent("index.sqlite") }

    /// The prompt file for `name` (`prompts/NAME.prompty`), or the default prompt when `name` is nil.
    public func promptURL(named name: String?) throws -> URL {
        let available = promptNames()
        guard let chosen = name ?? config.defaultPrompt ?? (available.count == 1 ? available.first : nil) else {
            throw WorkspaceError.unknownPrompt("(none given)", known: available)
        }
        let url = promptsDirectory.appendingPathComponent("\(chosen).prompty")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw WorkspaceError.unknownPrompt(chosen, known: available)
        }
        return url
    }

    /// The names of every `prompts/*.prompty`, sorted.
    public func promptNames() -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: promptsDirectory.path)) ?? []
        return files.filter { $0.hasSuffix(".prompty") }.map { String($0.dropLast(".prompty".count)) }.sorted()
    }

    /// A path as the user should see it: relative to the workspace root when inside it.
    public func display(_ url: URL) -> String { Workspace.relativeDisplay(url, from: root) }

    static func relativeDisplay(_ url: URL, from root: URL) -> String {
        let path = url.standardizedFileURL.path
        let base = root.standardizedFileURL.path
        if path.hasPrefix(base + "/") { return String(path.dropFirst(base.count + 1)) }
        return path
    }

    /// Whether runs and the index can be written here.
    public var isWritable: Bool { isWritableDirectory(root) }

    /// Fails with a read-only error, naming what could not be done, when the workspace cannot be written.
    public func requireWritable(for purpose: String) throws {
        guard isWritable else {
            throw WorkspaceError.readOnly(path: root.path, reason: "\(purpose) needs to write here")
        }
    }
}
