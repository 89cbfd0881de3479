/// How a workspace's corpus is chunked and searched, from `[retrieval]` in `whet.toml`.
public struct RetrievalSettings: Sendable, Equatable, Codable {
    /// Whether runs retrieve context at all; off means `{{context}}` renders empty.
    public var enabled: Bool = true
    /// The search method; only `bm25` (the local lexical index) exists today.
    public var method: String = "bm25"
    /// How many chunks a search returns.
    public var topK: Int = 5
    /// The variable whose value is the search query; nil means the rendered user message.
    public var queryVariable: String? = "question"
    /// How many (estimated) tokens of retrieved text may fill `{{context}}`.
    public var contextTokenBudget: Int = 1500
    /// The corpus directory, relative to the workspace root.
    public var corpus: String = "corpus"
    /// The largest chunk, in characters.
    public var chunkSize: Int = 1200
    /// How many characters of the previous chunk a continuation chunk repeats, so that a sentence cut at a
    /// boundary is still found whole.
    public var chunkOverlap: Int = 200

    /// Makes settings; the defaults suit prose documents of a few pages.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case enabled, method, corpus
        case topK = "top_k"
        case queryVariable = "query_variable"
        case contextTokenBudget = "context_token_budget"
        case chunkSize = "chunk_size"
        case chunkOverlap = "chunk_overlap"
    }
}
