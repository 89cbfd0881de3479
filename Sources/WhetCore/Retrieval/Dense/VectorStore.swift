/// Where embeddings are kept by (model, content hash): the workspace's `.whet/embeddings.sqlite`, or a shared
/// store's table, so a chunk is embedded once for everyone who uses it.
public protocol VectorStore: AnyObject, Sendable {
    /// The stored vectors for `hashes` under `model` (missing ones absent from the result).
    func vectors(model: String, hashes: [String]) throws -> [String: [Float]]
    /// Stores vectors under `model`, one transaction per call.
    func store(model: String, _ vectors: [(hash: String, vector: [Float])]) throws
    /// How many vectors are stored for `model`.
    func count(model: String) throws -> Int
    /// The `topK` chunks nearest `vector` by cosine similarity, searched by the store itself (pgvector), or nil
    /// when the store cannot search and whet's own in-memory index must.
    func nearest(model: String, to vector: [Float], topK: Int) throws -> [(chunkID: Int64, score: Double)]?
    /// Whether `nearest` answers (the in-memory matrix is then not built at all).
    var searchesInStore: Bool { get }
}

extension VectorStore {
    public func nearest(model: String, to vector: [Float], topK: Int) throws -> [(chunkID: Int64, score: Double)]? {
        nil
    }
    public var searchesInStore: Bool { false }
}

extension EmbeddingStore: VectorStore {}
