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
    /// Prices per model, for the cost of runs.
    public var prices: [String: ModelPrice] = [:]
    /// `[evals] grader`: the backend that grades model-graded assertions when `--grader` is not given.
    public var evalGrader: String? = nil
    /// `[optimize] proposer`: the backend that writes prompt candidates when `--proposer` is not given.
    public var optimizeProposer: String? = nil
    /// `[limits]`: how much whet reads from one file or line.
    public var limits = InputLimits()
    /// How non-text corpus files are converted (`[loaders]`, on top of the defaults).
    public var loaders = DocumentLoaders.defaults
    /// `[store]`: a shared PostgreSQL chunk store instead of `.whet/index.sqlite`; nil for the local one.
    public var store: StoreSettings? = nil

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
    /// OpenAI's Chat Completions protocol, also spoken by vLLM, llama.cpp, Ollama, LM Studio, OpenRouter, Groq …
    case openai
    /// Anthropic's Messages API.
    case anthropic
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
    /// For HTTP backends: how to reach the server and how patiently.
    public var http = HTTPSettings()

    /// Makes a backend configuration.
    public init(name: String, kind: BackendKind, model: String, maxSentences: Int = 4, streamPieceSize: Int = 24) {
        self.name = name
        self.kind = kind
        self.model = model
        self.maxSentences = maxSentences
        self.streamPieceSize = streamPieceSize
    }
}

/// The settings an HTTP backend (`openai`, `anthropic`) needs. Keys are never stored here, only where to
/// find them: an environment variable or a file outside the workspace.
public struct HTTPSettings: Sendable, Equatable {
    /// The API root, e.g. `https://api.openai.com/v1` or `http://localhost:11434/v1`.
    public var baseURL: String = ""
    /// The environment variable holding the key.
    public var apiKeyEnvironment: String? = nil
    /// A file holding the key (must be outside the workspace, so the key is never committed with it).
    public var apiKeyFile: String? = nil
    /// Extra request headers (gateways, OpenRouter's `HTTP-Referer` …).
    public var headers: [String: String] = [:]
    /// Seconds to establish the connection.
    public var connectTimeout: Double = 10
    /// Seconds to wait for the first byte of the answer.
    public var firstByteTimeout: Double = 60
    /// Seconds of silence allowed between streamed chunks.
    public var idleTimeout: Double = 60
    /// Seconds one request may take in all, however steadily bytes arrive (a server that drips one byte
    /// every few seconds would otherwise never be given up on). Generous, because streams can be long.
    public var requestTimeout: Double = 600
    /// Most bytes accepted in one piece from the server: one streamed event, or a whole non-streamed body.
    public var maxResponseBytes: Int = ServerSentEventParser.defaultLimit
    /// Retries on 429, 5xx and dropped connections before any output arrived.
    public var maxRetries: Int = 3
    /// Requests in flight at once to this backend (batch work).
    public var maxConcurrency: Int = 4
    /// Stream the answer (server-sent events) or wait for the whole response.
    public var stream: Bool = true
    /// `anthropic-version` header for the Messages API.
    public var anthropicVersion: String = "2023-06-01"
    /// `max_tokens` when the prompt gives none (the Messages API requires one).
    public var defaultMaxTokens: Int = 1024

    public init() {}
}

/// Prices in US dollars per million tokens, per model, from `[prices."MODEL"]` in whet.toml.
public struct ModelPrice: Sendable, Equatable {
    public var inputPerMillion: Double
    public var outputPerMillion: Double

    public init(inputPerMillion: Double, outputPerMillion: Double) {
        self.inputPerMillion = inputPerMillion
        self.outputPerMillion = outputPerMillion
    }

    /// The cost of `usage` at this price.
    public func cost(of usage: TokenUsage) -> Double {
        (Double(usage.promptTokens) * inputPerMillion + Double(usage.completionTokens) * outputPerMillion) / 1_000_000
    }
}
