import Foundation

/// What a workspace last confirmed about a store that keeps its own vectors (pgvector): at this store state
/// every chunk up to `maxChunkID` had a vector of `model`. Chunk ids grow and are never reused, and vectors
/// are never removed for live chunks, so the next open looks only at chunks added after `maxChunkID` — none
/// when the store's generation has not moved — instead of deriving every chunk's input and hash again.
///
/// Kept in the workspace's `.whet/` (written atomically, JSON); a missing or unreadable one costs one full
/// check, nothing else.
struct StoredVectorsMark: Codable, Equatable {
    var model: String
    var storeID: String
    var generation: Int
    var maxChunkID: Int64
    /// Chunks with vectors at that state (what `DenseRetriever.count` says without asking the store).
    var count: Int

    enum CodingKeys: String, CodingKey {
        case model, generation, count
        case storeID = "store_id"
        case maxChunkID = "max_chunk_id"
    }

    /// The mark at `url`, if one is there and readable.
    static func read(_ url: URL) -> StoredVectorsMark? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return try? JSONDecoder().decode(StoredVectorsMark.self, from: data)
    }

    /// Writes the mark (a failure costs only a full check next time).
    func write(to url: URL) {
        guard let data = try? JSONEncoder().encode(self) else { return }
        try? DurableFile.writeAtomically(data, to: url)
    }
}
