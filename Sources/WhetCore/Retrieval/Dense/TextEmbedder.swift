import Foundation

/// Anything that turns texts into vectors for dense retrieval: a backend's `/embeddings` endpoint, or the
/// offline hashing embedder. The model name is part of the embedding cache key, so two models never mix.
public protocol TextEmbedder: Sendable {
    /// The embedding model's name, as cached and shown.
    var model: String { get }
    /// One vector per text, in order.
    func embed(_ texts: [String]) async throws -> [[Float]]
}

extension EmbeddingClient: TextEmbedder {}

/// Embeddings without a model: each analysed term (and each CJK bigram) is hashed into one of `dimensions`
/// signed buckets, weighted by 1 + log(tf), and the vector normalised. This is a lexical representation, not a
/// semantic one: it exists so that dense and hybrid search, the embedding cache and the UI can be tried with
/// the offline backend and measured without a server. Use a real embedding model for real work.
public struct HashingEmbedder: TextEmbedder {
    public let dimensions: Int
    public var model: String { "whet-hashing-\(dimensions)" }

    /// An embedder with `dimensions` buckets.
    public init(dimensions: Int = 256) {
        self.dimensions = max(8, dimensions)
    }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        texts.map(vector)
    }

    /// The vector of one text (synchronous; the protocol's async form just maps this).
    public func vector(_ text: String) -> [Float] {
        var analyzer = TermAnalyzer(stemming: true)
        var counts: [String: Int] = [:]
        for term in analyzer.terms(text) { counts[term, default: 0] += 1 }
        var vector = [Float](repeating: 0, count: dimensions)
        for (term, count) in counts {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in term.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            let bucket = Int(hash % UInt64(dimensions))
            let sign: Float = (hash >> 63) == 0 ? 1 : -1
            vector[bucket] += sign * (1 + log(Float(count)))
        }
        return normalized(vector)
    }
}

/// `vector` scaled to unit length (a zero vector stays zero), so cosine similarity is a dot product.
public func normalized(_ vector: [Float]) -> [Float] {
    let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return norm > 0 ? vector.map { $0 / norm } : vector
}

extension Workspace {
    /// The embedder `[retrieval] embedding_backend` names: an `openai` backend's `/embeddings` with
    /// `embedding_model`, or the offline hashing embedder for an `offline` backend. Nil when none is named.
    public func embedder() throws -> (any TextEmbedder)? {
        let settings = config.retrieval
        guard let name = settings.embeddingBackend else { return nil }
        let backend = try config.backend(named: name)
        switch backend.kind {
        case .offline:
            return HashingEmbedder()
        case .openai:
            guard let model = settings.embeddingModel else {
                throw RetrievalError.dense(
                    "[retrieval] embedding_model is required with embedding_backend \"\(name)\" (an OpenAI-compatible backend)"
                )
            }
            return try EmbeddingClient(
                config: backend, model: model, workspaceRoot: root, batchSize: settings.embeddingBatchSize)
        case .anthropic:
            throw RetrievalError.dense(
                "backend \"\(name)\" is kind \"anthropic\", which has no embeddings endpoint; name an \"openai\"-kind backend (OpenAI, Ollama, llama.cpp, a gateway) as embedding_backend"
            )
        }
    }
}
