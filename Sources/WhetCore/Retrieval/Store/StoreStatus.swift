import Foundation
import PostgresNIO

/// What `whet store status` shows about a shared store: how big it is, what it holds, who changed it last and
/// who is indexing it now.
public struct StoreStatus: Sendable, Codable, Equatable {
    public var server: String
    public var schema: String
    public var serverVersion: String
    /// pgvector's version on the server, or nil when it is not installed there.
    public var pgvector: String?
    /// Bytes of whet's tables and their indexes.
    public var bytes: Int64
    public var documents: Int
    public var chunks: Int
    public var generation: Int
    public var chunking: String?
    /// Embedding models with how many vectors each has.
    public var embeddings: [String: Int]
    /// When a file was last indexed, and by whom.
    public var lastUpdate: String?
    public var lastUpdateBy: String?
    /// Documents per indexer.
    public var documentsBy: [String: Int]
    /// Who holds the indexing lock, or nil.
    public var lockHolder: String?

    enum CodingKeys: String, CodingKey {
        case server, schema, pgvector, bytes, documents, chunks, generation, chunking, embeddings
        case serverVersion = "server_version"
        case lastUpdate = "last_update"
        case lastUpdateBy = "last_update_by"
        case documentsBy = "documents_by"
        case lockHolder = "lock_holder"
    }
}

extension PostgresChunkStore {
    /// The store's status now.
    public func status() throws -> StoreStatus {
        let counts = try counts()
        let bytes =
            try session.query(
                """
                SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::int8 FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = \(literal(schemaName)) AND c.relkind = 'r'
                """
            ).first?.decode(Int64.self) ?? 0
        var byOwner: [String: Int] = [:]
        for row in try session.query("SELECT indexed_by, count(*) FROM \(schema).files GROUP BY indexed_by") {
            let (owner, count) = try row.decode((String, Int64).self)
            byOwner[owner] = Int(count)
        }
        var last: (String, String)? = nil
        if let row = try session.query(
            "SELECT to_char(indexed_at, 'YYYY-MM-DD HH24:MI:SS TZ'), indexed_by FROM \(schema).files ORDER BY indexed_at DESC LIMIT 1"
        ).first {
            last = try row.decode((String, String).self)
        }
        return StoreStatus(
            server: displayName, schema: schemaName,
            serverVersion: try session.query("SHOW server_version").first?.decode(String.self) ?? "?",
            pgvector: try pgvectorVersion(), bytes: bytes, documents: counts.files, chunks: counts.chunks,
            generation: try storeState().generation, chunking: try metadata("chunking"),
            embeddings: try embeddingCounts(), lastUpdate: last?.0, lastUpdateBy: last?.1, documentsBy: byOwner,
            lockHolder: try lockHolder())
    }

    /// The schema's name, unquoted.
    var schemaName: String { String(schema.dropFirst().dropLast()) }

    /// `text` as an SQL string literal.
    func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    /// The installed pgvector version, or nil.
    func pgvectorVersion() throws -> String? {
        try session.query("SELECT extversion FROM pg_extension WHERE extname = 'vector'").first?.decode(String.self)
    }

    /// Vectors per embedding model (none until dense search has used the store).
    func embeddingCounts() throws -> [String: Int] {
        guard
            try session.query("SELECT to_regclass('\(schema).embeddings') IS NOT NULL").first?.decode(Bool.self)
                == true
        else { return [:] }
        var counts: [String: Int] = [:]
        for row in try session.query("SELECT model, count(*) FROM \(schema).embeddings GROUP BY model") {
            let (model, count) = try row.decode((String, Int64).self)
            counts[model] = Int(count)
        }
        return counts
    }
}
