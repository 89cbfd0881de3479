import Foundation
import TOMLKit

/// The contents of `whet.toml`, turned into plain values once at load time so the rest of whet never touches
/// TOML. Every field has a default, so a one-line `name = "x"` file is a valid workspace.
public struct WorkspaceConfig: Sendable, Equatable {
    /// The workspace's display name (status bar, session listings).
    public var name: String
    /// The prompt used when `--prompt` is not given: `prompts/NAME.prompty`.
    public var defaultPrompt: String?
    /// The backend used when `--backend` is not given.
    public var defaultBackend: String
    /// Every configured backend, by name.
    public var backends: [String: BackendConfig]
    /// How the corpus is chunked, indexed and searched.
    public var retrieval: RetrievalSettings
    /// Settings for the full-screen UI.
    public var ui: UISettings

    /// The configuration a workspace has when `whet.toml` says nothing: an offline backend and BM25 retrieval.
    public static let defaults = WorkspaceConfig(
        name: "workspace", defaultPrompt: nil, defaultBackend: "offline",
        backends: ["offline": BackendConfig(name: "offline", kind: .offline, model: OfflineBackend.modelName)],
        retrieval: RetrievalSettings(), ui: UISettings())

    /// The names of the configured backends, sorted, for listings and error messages.
    public var backendNames: [String] { backends.keys.sorted() }

    /// Looks a backend up by name, or explains which names exist.
    public func backend(named name: String?) throws -> BackendConfig {
        let chosen = name ?? defaultBackend
        guard let backend = backends[chosen] else {
            throw WorkspaceError.unknownBackend(chosen, known: backendNames)
        }
        return backend
    }
}

/// Settings for the full-screen UI that belong to the workspace rather than the user.
public struct UISettings: Sendable, Equatable {
    /// The theme file's name under `themes/` (without `.toml`).
    public var theme: String = "default"

    /// Makes UI settings; the defaults suit a dark or light terminal alike.
    public init(theme: String = "default") { self.theme = theme }
}

/// The kinds of model backend whet knows how to talk to.
public enum BackendKind: String, Sendable, Equatable, CaseIterable {
    /// The built-in extractive answerer: no network, no key, not a language model.
    case offline
}

/// One `[backends.NAME]` table: what kind of backend it is and its kind-specific settings.
public struct BackendConfig: Sendable, Equatable {
    /// The table's name, used with `--backend NAME`.
    public var name: String
    /// Which protocol the backend speaks.
    public var kind: BackendKind
    /// The model identifier sent to (or reported by) the backend.
    public var model: String
    /// For the offline backend: how many sentences the extractive answer may use.
    public var maxSentences: Int = 4
    /// For the offline backend: characters per streamed piece, so the stream looks like a model's.
    public var streamPieceSize: Int = 24

    /// Makes a backend configuration.
    public init(name: String, kind: BackendKind, model: String, maxSentences: Int = 4, streamPieceSize: Int = 24) {
        self.name = name
        self.kind = kind
        self.model = model
        self.maxSentences = maxSentences
        self.streamPieceSize = streamPieceSize
    }
}
