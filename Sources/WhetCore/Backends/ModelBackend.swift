import Foundation

/// A chat model reached through some protocol. One method, streaming: every backend, real or offline,
/// delivers text in pieces, then usage, then why it stopped, so callers (CLI, UI, evals) need no special
/// cases. Cancelling the consuming task cancels the request.
public protocol ModelBackend: Sendable {
    /// The configured name (`[backends.NAME]`).
    var name: String { get }
    /// The model the backend will answer with.
    var model: String { get }
    /// Starts the request and returns its events; the stream finishes after `.finished`, or throws a
    /// `BackendError`.
    func stream(_ request: ModelRequest) -> AsyncThrowingStream<BackendEvent, Error>
}

/// Everything a backend needs for one chat completion.
public struct ModelRequest: Sendable, Equatable {
    /// The rendered conversation.
    public var messages: [ChatMessage]
    /// Sampling and length parameters, passed through as the prompt file gives them (temperature, max_tokens …).
    public var parameters: [String: JSONValue]
    /// The retrieved text and the query it answered, for backends that work from them directly (the offline
    /// one); model backends ignore it because the same text is already in the messages.
    public var grounding: Grounding?
    /// The shape the answer must have: each protocol asks for it its own way.
    public var outputSchema: OutputSchema?
    /// Functions the model may call.
    public var tools: [ToolDefinition] = []

    /// Makes a request.
    public init(
        messages: [ChatMessage], parameters: [String: JSONValue] = [:], grounding: Grounding? = nil,
        outputSchema: OutputSchema? = nil
    ) {
        self.messages = messages
        self.parameters = parameters
        self.grounding = grounding
        self.outputSchema = outputSchema
    }
}

/// The query and the chunks that were put in the context, numbered as the answer should cite them.
public struct Grounding: Sendable, Equatable {
    /// What was searched for.
    public var query: String
    /// The chunks in context order; chunk `i` is cited as `[i+1]`.
    public var chunks: [RetrievedChunk]

    /// Makes a grounding.
    public init(query: String, chunks: [RetrievedChunk]) {
        self.query = query
        self.chunks = chunks
    }
}

/// One thing that happened during a streamed completion.
public enum BackendEvent: Sendable, Equatable {
    /// More output text.
    case delta(String)
    /// Token counts, usually once near the end.
    case usage(TokenUsage)
    /// The completion ended, and why.
    case finished(FinishReason)
    /// The request failed before any output and will be tried again after `seconds` (the UI shows it).
    case retrying(seconds: Double, reason: String)
    /// The answer comes from the response cache, not from the server.
    case servedFromCache
    /// A piece of a tool call: the call at `index` (its id and name arrive with its first piece), and more
    /// of its arguments' JSON text.
    case toolCall(index: Int, id: String?, name: String?, arguments: String)
}

/// Token counts for one completion.
public struct TokenUsage: Sendable, Equatable, Codable {
    /// Tokens in the request.
    public var promptTokens: Int
    /// Tokens generated.
    public var completionTokens: Int
    /// True when the counts are whet's estimate rather than a server's report.
    public var estimated: Bool

    /// Makes a usage value.
    public init(promptTokens: Int, completionTokens: Int, estimated: Bool) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.estimated = estimated
    }

    /// Prompt plus completion tokens.
    public var totalTokens: Int { promptTokens + completionTokens }

    enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case estimated
    }
}

/// Why a completion stopped, in the names the chat APIs use.
public enum FinishReason: String, Sendable, Equatable, Codable {
    /// The model finished its answer.
    case stop
    /// The length limit cut the answer.
    case length
    /// The user cancelled; the output so far is kept.
    case cancelled
    /// The backend failed; see the run's error.
    case error
}

/// A rough token count (about four characters of English per token) for budgets and for backends that
/// report no usage; always labelled as an estimate where it is shown.
public func estimateTokens(_ text: String) -> Int {
    var count = 0
    var latinRun = 0
    for scalar in text.unicodeScalars {
        if TextTokenizer.isCJK(scalar) {
            count += 1
            latinRun = 0
        } else {
            latinRun += 1
            if latinRun == 4 {
                count += 1
                latinRun = 0
            }
        }
    }
    return count + (latinRun > 0 ? 1 : 0)
}
