// The Sessions folder: run records, the append-only session logs that hold them, and listing sessions.

import Foundation

/// Everything about one run, as one line of `sessions/<id>/runs.jsonl`: enough to see later what was asked,
/// with which context, of which model, what came back and what it cost, without re-running anything.
public struct RunRecord: Sendable, Equatable, Codable {
    /// The record format's version, for readers of old logs.
    public var version: Int = 1
    /// The run's number within its session (1, 2, …), as the UI shows it.
    public var run: Int
    /// A globally unique id for the run.
    public var id: String
    /// When the run started (ISO 8601, UTC).
    public var time: String
    /// Which prompt, and which version of it (content hash).
    public var prompt: PromptReference
    /// The variable values used (samples merged with what the user passed).
    public var variables: [String: String]
    /// The rendered messages sent to the backend.
    public var messages: [ChatMessage]
    /// What retrieval did, or nil when it was off.
    public var retrieval: RetrievalRecord?
    /// Which configured backend answered.
    public var backend: BackendReference
    /// The model that answered.
    public var model: String
    /// Sampling parameters sent.
    public var parameters: [String: JSONValue]
    /// The output text (partial when cancelled or failed).
    public var output: String
    /// Why the output ended.
    public var finishReason: FinishReason
    /// Token counts, when known.
    public var usage: TokenUsage?
    /// What the run cost in US dollars, from `[prices]` in whet.toml; nil when the model has no price.
    public var costUSD: Double? = nil
    /// True when the answer came from the response cache (and cost nothing).
    public var cached: Bool? = nil
    /// Time to first token and total time.
    public var latency: Latency
    /// The error message when the run failed.
    public var error: String?
    /// A rating the user may give later (e.g. +1/-1); nil until then.
    public var rating: Int?
    /// Whether the answer had the shape the prompt's `outputSchema` asks for (nil: the prompt has none).
    public var schemaCheck: SchemaCheck? = nil
    /// The calls the model made to the prompt's tools, in order (nil: none).
    public var toolCalls: [ToolCall]? = nil
    /// A follow-up turn: the run it continues, and how many follow-ups deep it is (its last `2 × turn`
    /// messages are the conversation after the prompt's own).
    public var continues: Int? = nil
    public var turn: Int? = nil

    /// An answer checked against the prompt's output schema.
    public struct SchemaCheck: Sendable, Equatable, Codable {
        public var conforms: Bool
        /// What is wrong, when it does not (the first few findings).
        public var problems: [String]

        public init(conforms: Bool, problems: [String]) {
            self.conforms = conforms
            self.problems = problems
        }
    }

    /// The prompt a run used.
    public struct PromptReference: Sendable, Hashable, Codable {
        public var name: String
        public var path: String
        public var hash: String

        /// A prompt version: its name, path and content hash.
        public init(name: String, path: String, hash: String) {
            self.name = name
            self.path = path
            self.hash = hash
        }
    }

    /// The backend a run used.
    public struct BackendReference: Sendable, Equatable, Codable {
        public var name: String
        public var kind: String
    }

    /// Timings in milliseconds.
    public struct Latency: Sendable, Equatable, Codable {
        public var firstTokenMs: Double?
        public var totalMs: Double
        /// Completion tokens per second after the first token (streaming speed), when usage is known.
        public var tokensPerSecond: Double? = nil

        enum CodingKeys: String, CodingKey {
            case firstTokenMs = "first_token_ms"
            case totalMs = "total_ms"
            case tokensPerSecond = "tokens_per_second"
        }
    }

    enum CodingKeys: String, CodingKey {
        case version, run, id, time, prompt, variables, messages, retrieval, backend, model, parameters, output
        case usage, latency, error, rating
        case finishReason = "finish_reason"
        case costUSD = "cost_usd"
        case cached
        case schemaCheck = "schema_check"
        case toolCalls = "tool_calls"
        case continues, turn
    }

    /// Writes every field, absent ones as `null`, so a reader of the log sees the full shape of a record
    /// (the `rating` slot is there to fill in even before anyone has rated a run).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(run, forKey: .run)
        try container.encode(id, forKey: .id)
        try container.encode(time, forKey: .time)
        try container.encode(prompt, forKey: .prompt)
        try container.encode(variables, forKey: .variables)
        try container.encode(messages, forKey: .messages)
        try container.encode(retrieval, forKey: .retrieval)
        try container.encode(backend, forKey: .backend)
        try container.encode(model, forKey: .model)
        try container.encode(parameters, forKey: .parameters)
        try container.encode(output, forKey: .output)
        try container.encode(finishReason, forKey: .finishReason)
        try container.encode(usage, forKey: .usage)
        try container.encode(costUSD, forKey: .costUSD)
        try container.encodeIfPresent(cached, forKey: .cached)
        try container.encode(latency, forKey: .latency)
        try container.encode(error, forKey: .error)
        try container.encode(rating, forKey: .rating)
        try container.encodeIfPresent(schemaCheck, forKey: .schemaCheck)
        try container.encodeIfPresent(toolCalls, forKey: .toolCalls)
        try container.encodeIfPresent(continues, forKey: .continues)
        try container.encodeIfPresent(turn, forKey: .turn)
    }
}

/// The retrieval part of a run record: the settings, the query, and every retrieved chunk with whether it
/// went into the context.
public struct RetrievalRecord: Sendable, Equatable, Codable {
    public var method: String
    public var topK: Int
    public var query: String
    public var contextTokenBudget: Int
    public var chunks: [ContextChunk]
    /// Queries a model wrote and that were searched besides `query` (multi-query, HyDE).
    public var expandedQueries: [String]? = nil

    enum CodingKeys: String, CodingKey {
        case method, query, chunks
        case topK = "top_k"
        case contextTokenBudget = "context_token_budget"
        case expandedQueries = "expanded_queries"
    }
}

/// A retrieved chunk and its fate: in the context (with its citation number) or left out, and why.
public struct ContextChunk: Sendable, Equatable, Codable {
    /// The search result.
    public var chunk: RetrievedChunk
    /// Its `[n]` number in the context, or nil when it was left out.
    public var citation: Int?
    /// Why it was left out (`excluded`, `over budget`), or nil when included.
    public var omitted: String?

    /// Makes an entry.
    public init(chunk: RetrievedChunk, citation: Int?, omitted: String?) {
        self.chunk = chunk
        self.citation = citation
        self.omitted = omitted
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        chunk = try RetrievedChunk(from: decoder)
        citation = try container.decodeIfPresent(Int.self, forKey: .citation)
        omitted = try container.decodeIfPresent(String.self, forKey: .omitted)
    }

    public func encode(to encoder: Encoder) throws {
        try chunk.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(citation, forKey: .citation)
        try container.encodeIfPresent(omitted, forKey: .omitted)
    }

    enum CodingKeys: String, CodingKey { case citation, omitted }
}
