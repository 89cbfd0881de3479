import Foundation
import PostgresNIO

/// The shared store's embeddings, keyed by (model, content hash) so every chunk is embedded once for the whole
/// team. With pgvector on the server the column is a `vector`, each model gets an HNSW index (cosine) and dense
/// search runs in the server (`<=>`); without it the column is `real[]` and whet searches the vectors in
/// memory as it does locally, which `whet index` and `whet store status` say.
public final class PostgresEmbeddingStore: VectorStore, @unchecked Sendable {
    // @unchecked: the session serialises its queries; `indexed` is guarded by `lock`.
    let chunks: PostgresChunkStore
    /// Whether the server has pgvector (the column is then `vector`).
    public let hasPgvector: Bool
    private let lock = NSLock()
    /// Models whose HNSW index exists (checked once per process).
    private var indexed: Set<String> = []

    private var session: PostgresSession { chunks.session }
    private var schema: String { chunks.schema }

    /// Opens the embeddings table of `chunks`'s store, creating pgvector (when the server offers it and the user
    /// may) and the table when missing.
    public init(_ chunks: PostgresChunkStore) throws {
        self.chunks = chunks
        let session = chunks.session
        let schema = chunks.schema
        if try chunks.pgvectorVersion() == nil,
            try session.query("SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'").first?.decode(
                Int64.self) ?? 0 > 0
        {
            _ = try? session.query("CREATE EXTENSION IF NOT EXISTS vector")
        }
        let exists =
            try session.query("SELECT to_regclass('\(schema).embeddings') IS NOT NULL").first?.decode(Bool.self) == true
        if !exists {
            let column = try chunks.pgvectorVersion() == nil ? "real[]" : "vector"
            try session.transaction {
                try session.query("SELECT pg_advisory_xact_lock(\(PostgresChunkStore.setupLockKey))")
                try session.query(
                    """
                    CREATE TABLE IF NOT EXISTS \(schema).embeddings(model text NOT NULL, content_hash text NOT NULL,
                        dimensions integer NOT NULL, embedding \(column) NOT NULL, PRIMARY KEY (model, content_hash))
                    """)
            }
        }
        let type = try session.query(
            """
            SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
            WHERE a.attrelid = '\(schema).embeddings'::regclass AND a.attname = 'embedding'
            """
        ).first?.decode(String.self)
        hasPgvector = type == "vector"
    }

    public var searchesInStore: Bool { hasPgvector }

    public func vectors(model: String, hashes: [String]) throws -> [String: [Float]] {
        guard !hashes.isEmpty else { return [:] }
        var binds = PostgresBindings()
        binds.append(model)
        binds.append(hashes)
        var found: [String: [Float]] = [:]
        for row in try session.query(
            "SELECT content_hash, embedding::real[] FROM \(schema).embeddings WHERE model = $1 AND content_hash = ANY($2)",
            binds)
        {
            let (hash, vector) = try row.decode((String, [Float]).self)
            found[hash] = vector
        }
        return found
    }

    public func store(model: String, _ vectors: [(hash: String, vector: [Float])]) throws {
        guard let dimensions = vectors.first?.vector.count else { return }
        // One statement per call: the vectors travel as array literals and are cast on the server.
        let cast = hasPgvector ? "::vector" : ""
        var binds = PostgresBindings()
        binds.append(model)
        binds.append(vectors.map(\.hash))
        binds.append(vectors.map { Int64($0.vector.count) })
        binds.append(vectors.map { "{" + $0.vector.map { $0.description }.joined(separator: ",") + "}" })
        try session.query(
            """
            INSERT INTO \(schema).embeddings(model, content_hash, dimensions, embedding)
            SELECT $1, h, d, v::real[]\(cast) FROM unnest($2::text[], $3::int8[], $4::text[]) AS u(h, d, v)
            ON CONFLICT (model, content_hash) DO NOTHING
            """, binds)
        if hasPgvector { try ensureIndex(model: model, dimensions: dimensions) }
    }

    public func count(model: String) throws -> Int {
        var binds = PostgresBindings()
        binds.append(model)
        return Int(
            try session.query("SELECT count(*) FROM \(schema).embeddings WHERE model = $1", binds).first?.decode(
                Int64.self) ?? 0)
    }

    /// An HNSW index (cosine) over one model's vectors, as a partial expression index: models differ in
    /// dimensions, and pgvector indexes only vectors of one declared size.
    func ensureIndex(model: String, dimensions: Int) throws {
        if lock.withLock({ indexed.contains(model) }) { return }
        let name = "embeddings_hnsw_" + String(DenseRetriever.embeddingInput(heading: "", text: model).hash.prefix(12))
        try session.query(
            """
            CREATE INDEX IF NOT EXISTS \(name) ON \(schema).embeddings USING hnsw ((embedding::vector(\(dimensions)))
                vector_cosine_ops) WHERE model = \(chunks.literal(model)) AND dimensions = \(dimensions)
            """)
        lock.withLock { _ = indexed.insert(model) }
    }

    /// Dense search in the server: the nearest stored vectors of `model` through its HNSW index (over-fetched,
    /// since vectors of chunks no longer in the store are kept for when they come back), joined to the chunks
    /// whose text they embed.
    public func nearest(model: String, to vector: [Float], topK: Int) throws -> [(chunkID: Int64, score: Double)]? {
        guard hasPgvector else { return nil }
        let dimensions = vector.count
        try ensureIndex(model: model, dimensions: dimensions)
        let depth = max(40, topK * 4)
        var binds = PostgresBindings()
        binds.append(vector)
        let rows = try session.transaction {
            try session.query("SET LOCAL hnsw.ef_search = \(min(1000, depth))")
            return try session.query(
                """
                WITH nearest AS (
                    SELECT content_hash, embedding::vector(\(dimensions)) <=> $1::real[]::vector(\(dimensions)) AS distance
                    FROM \(schema).embeddings WHERE model = \(chunks.literal(model)) AND dimensions = \(dimensions)
                    ORDER BY embedding::vector(\(dimensions)) <=> $1::real[]::vector(\(dimensions)) LIMIT \(depth))
                SELECT c.id, 1 - n.distance FROM nearest n JOIN \(schema).chunks c ON c.content_hash = n.content_hash
                ORDER BY n.distance, c.id LIMIT \(topK)
                """, binds)
        }
        return try rows.map {
            let (id, score) = try $0.decode((Int64, Double).self)
            return (id, score)
        }
    }
}
