import Foundation
import GRDB

/// Embeddings cached on disk by (model, text hash), in `.whet/embeddings.sqlite`: re-indexing embeds only the
/// chunks whose text changed, switching models back and forth costs nothing the second time, and eval
/// queries asked again are not paid for again. Vectors are stored as little-endian float32 blobs.
public final class EmbeddingStore: @unchecked Sendable {
    // @unchecked: the DatabaseQueue serialises all access.
    private let database: SQLiteFile

    /// Opens (creating) the store at `url`, or an in-memory one.
    public init(url: URL?) throws {
        database = try SQLiteFile(url: url)
        try database.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE IF NOT EXISTS vectors(model TEXT NOT NULL, hash TEXT NOT NULL, vector BLOB NOT NULL,
                        PRIMARY KEY(model, hash)) WITHOUT ROWID
                    """)
        }
    }

    /// The cached vectors for `hashes` under `model` (missing ones absent from the result).
    public func vectors(model: String, hashes: [String]) throws -> [String: [Float]] {
        var found: [String: [Float]] = [:]
        try database.read { db in
            let statement = try db.cachedStatement(sql: "SELECT vector FROM vectors WHERE model = ? AND hash = ?")
            for hash in hashes where found[hash] == nil {
                if let data = try Data.fetchOne(statement, arguments: [model, hash]) {
                    found[hash] = EmbeddingStore.decode(data)
                }
            }
        }
        return found
    }

    /// Stores vectors under `model`, one transaction per call.
    public func store(model: String, _ vectors: [(hash: String, vector: [Float])]) throws {
        try database.write { db in
            let statement = try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO vectors(model, hash, vector) VALUES (?, ?, ?)")
            for (hash, vector) in vectors {
                try statement.execute(arguments: [model, hash, EmbeddingStore.encode(vector)])
            }
        }
    }

    /// How many vectors are cached for `model`.
    public func count(model: String) throws -> Int {
        try database.read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM vectors WHERE model = ?", arguments: [model]) ?? 0
        }
    }

    static func encode(_ vector: [Float]) -> Data {
        var data = Data(capacity: vector.count * 4)
        for value in vector { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    static func decode(_ data: Data) -> [Float] {
        let bytes = [UInt8](data)
        var vector: [Float] = []
        vector.reserveCapacity(bytes.count / 4)
        var offset = 0
        while offset + 4 <= bytes.count {
            var bits = UInt32(bytes[offset])
            bits |= UInt32(bytes[offset + 1]) << 8
            bits |= UInt32(bytes[offset + 2]) << 16
            bits |= UInt32(bytes[offset + 3]) << 24
            vector.append(Float(bitPattern: bits))
            offset += 4
        }
        return vector
    }
}
