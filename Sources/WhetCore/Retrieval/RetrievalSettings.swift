/// How a workspace's corpus is chunked and searched, from `[retrieval]` in `whet.toml`. Every knob that changes
/// which chunks come back lives here, so `whet retrieval compare` can vary any of them by name.
public struct RetrievalSettings: Sendable, Equatable, Codable {
    /// Whether runs retrieve context at all; off means `{{context}}` renders empty.
    public var enabled: Bool = true
    /// Who answers a search: whet's own index of the corpus, or the application's retriever (an HTTP
    /// endpoint or a program), so whet evaluates the retrieval that really runs in production.
    public var kind: RetrieverKind = .builtin
    /// The endpoint an `http` retriever POSTs queries to.
    public var url: String? = nil
    /// The shell command a `command` retriever runs (from the workspace root), query on stdin.
    public var command: String? = nil
    /// Seconds an outside retriever may take for one query.
    public var timeout: Double = 30
    /// How chunks are found: lexical, by embedding, or both fused.
    public var method: RetrievalMethod = .bm25
    /// How many chunks a search returns.
    public var topK: Int = 5
    /// The variable whose value is the search query; nil means the rendered user message.
    public var queryVariable: String? = "question"
    /// How many (estimated) tokens of retrieved text may fill `{{context}}`.
    public var contextTokenBudget: Int = 1500
    /// The corpus directory, relative to the workspace root.
    public var corpus: String = "corpus"

    /// How documents are cut into chunks.
    public var chunking: ChunkingStrategy = .heading
    /// The largest chunk, in characters (heading and paragraph chunking).
    public var chunkSize: Int = 1200
    /// How many characters of the previous chunk a continuation chunk repeats, so that a sentence cut at a
    /// boundary is still found whole.
    public var chunkOverlap: Int = 200
    /// Tokens per chunk for fixed-size chunking.
    public var chunkTokens: Int = 256
    /// Tokens repeated from the previous chunk in fixed-size chunking.
    public var chunkOverlapTokens: Int = 32
    /// Sentences per chunk for sentence-window chunking.
    public var sentencesPerChunk: Int = 5
    /// Sentences repeated from the previous window.
    public var sentenceOverlap: Int = 1
    /// A BPE vocabulary file (tiktoken format: base64 token, rank), relative to the workspace; nil counts
    /// tokens with the documented estimate instead.
    public var tokenizer: String? = nil

    /// BM25's parameters and analysis.
    public var bm25 = BM25Parameters()
    /// The corpus's language (`en`, `de` …), or `auto`: each document's language is detected from its stop
    /// words, and queries are analysed in every language the index holds.
    public var language: String = "auto"

    /// The backend whose `/embeddings` endpoint embeds chunks and queries (dense and hybrid).
    public var embeddingBackend: String? = nil
    /// The embedding model name sent to that backend.
    public var embeddingModel: String? = nil
    /// Texts per embeddings request.
    public var embeddingBatchSize: Int = 64
    /// Embeddings requests in flight at once.
    public var embeddingConcurrency: Int = 4

    /// How hybrid search combines the lexical and dense lists.
    public var fusion: FusionMethod = .rrf
    /// Reciprocal-rank fusion's constant: larger flattens the advantage of the very top ranks.
    public var rrfK: Int = 60
    /// Weighted fusion: the dense share of the combined score (the lexical share is 1 − this).
    public var denseWeight: Double = 0.5

    /// Whether a model re-scores the first-stage results.
    public var rerank: Bool = false
    /// The chat backend that reranks; nil uses the workspace's default backend.
    public var rerankBackend: String? = nil
    /// How many first-stage results are reranked.
    public var rerankTopN: Int = 20
    /// The reranking prompt, relative to the workspace; nil uses the built-in one.
    public var rerankPrompt: String? = nil

    /// Whether the query is rewritten by a model before searching.
    public var queryExpansion: QueryExpansion = .none
    /// The chat backend that expands queries; nil uses the workspace's default backend.
    public var expansionBackend: String? = nil

    /// Makes settings; the defaults suit prose documents of a few pages.
    public init() {}

    /// Every key `[retrieval]` accepts (BM25's parameters sit in the same table).
    static var tomlKeys: [String] {
        CodingKeys.allCases.map(\.stringValue).filter { $0 != "bm25" } + ["k1", "b", "heading_weight", "stemming"]
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case enabled, kind, url, command, timeout, method, corpus, chunking, tokenizer, bm25, fusion, rerank, language
        case topK = "top_k"
        case queryVariable = "query_variable"
        case contextTokenBudget = "context_token_budget"
        case chunkSize = "chunk_size"
        case chunkOverlap = "chunk_overlap"
        case chunkTokens = "chunk_tokens"
        case chunkOverlapTokens = "chunk_overlap_tokens"
        case sentencesPerChunk = "sentences_per_chunk"
        case sentenceOverlap = "sentence_overlap"
        case embeddingBackend = "embedding_backend"
        case embeddingModel = "embedding_model"
        case embeddingBatchSize = "embedding_batch_size"
        case embeddingConcurrency = "embedding_concurrency"
        case rrfK = "rrf_k"
        case denseWeight = "dense_weight"
        case rerankBackend = "rerank_backend"
        case rerankTopN = "rerank_top_n"
        case rerankPrompt = "rerank_prompt"
        case queryExpansion = "query_expansion"
        case expansionBackend = "expansion_backend"
    }

    /// The language setting as recorded with the chunks (each chunk's language is decided when it is made).
    var languageSignature: String { language == "auto" ? "" : " language=\(language)" }

    /// The fixed language, or nil for `auto`.
    public var fixedLanguage: Language? { language == "auto" ? nil : Language.named(language) }

    /// What the chunk store depends on: a change here re-chunks the corpus.
    public var chunkingSignature: String {
        switch chunking {
        case .heading, .paragraph:
            "\(chunking.rawValue) size=\(chunkSize) overlap=\(chunkOverlap) chunker=2\(languageSignature)"
        case .fixed:
            "fixed tokens=\(chunkTokens) overlap=\(chunkOverlapTokens) tokenizer=\(tokenizer ?? "estimate") chunker=2\(languageSignature)"
        case .sentence: "sentence n=\(sentencesPerChunk) overlap=\(sentenceOverlap) chunker=2\(languageSignature)"
        }
    }
}

/// Who answers a search.
public enum RetrieverKind: String, Sendable, Codable, CaseIterable {
    /// whet's own index of the workspace's corpus (BM25, dense, hybrid).
    case builtin
    /// An HTTP endpoint: the query is POSTed as JSON, chunks come back as JSON.
    case http
    /// A program: the query on its standard input, one JSON chunk per line on its standard output.
    case command
}

/// The first-stage search method.
public enum RetrievalMethod: String, Sendable, Codable, CaseIterable {
    /// Lexical: whet's BM25 index.
    case bm25
    /// Embedding cosine similarity.
    case dense
    /// Both, fused.
    case hybrid
}

/// How documents are cut into chunks (docs/retrieval.md compares them).
public enum ChunkingStrategy: String, Sendable, Codable, CaseIterable {
    /// Markdown structure: headings start chunks, paragraphs kept whole while they fit (the default).
    case heading
    /// Paragraph by paragraph, packed up to the size, ignoring headings as boundaries (heading path kept).
    case paragraph
    /// A fixed number of tokens with an overlap, wherever the boundaries fall.
    case fixed
    /// Windows of consecutive sentences.
    case sentence
}

/// How hybrid search combines its two ranked lists.
public enum FusionMethod: String, Sendable, Codable, CaseIterable {
    /// Reciprocal-rank fusion: Σ 1 / (k + rank); robust to incomparable score scales.
    case rrf
    /// Min-max normalised scores, weighted.
    case weighted
}

/// How the query is rewritten before searching.
public enum QueryExpansion: String, Sendable, Codable, CaseIterable {
    /// The query as written.
    case none
    /// A model writes alternative phrasings; each is searched and the lists are fused.
    case multiQuery = "multi-query"
    /// A model writes a hypothetical answer, which is searched alongside the query.
    case hyde
}
