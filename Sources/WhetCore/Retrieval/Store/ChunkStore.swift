import Foundation

/// Where the chunks live: the durable half of the lexical index (files, chunks, their text and place), behind
/// which the in-memory BM25 index is built. `SQLiteChunkStore` is a workspace's own `.whet/index.sqlite`;
/// `PostgresChunkStore` is one store a team shares. Both count every change in a generation number and carry
/// an identity renewed whenever they are emptied, which is all the snapshot and the freshness checks need.
///
/// Chunk ids are assigned by the store, grow with every insert and are never reused: the in-memory index keeps
/// its documents in id order and tells removed from added chunks by id alone.
public protocol ChunkStore: AnyObject, Sendable {
    /// How messages name the store (a file path, or a PostgreSQL address without its password).
    var displayName: String { get }
    /// Every indexed file with its recorded size, mtime and hash.
    func fileStates() throws -> [String: LexicalIndex.FileState]
    /// The value stored under `key` in the store's metadata.
    func metadata(_ key: String) throws -> String?
    /// How many files and chunks the store holds.
    func counts() throws -> (files: Int, chunks: Int)
    /// The ids of one file's chunks in document order.
    func chunkIDs(inFile path: String) throws -> [Int64]
    /// The chunks with the given ids, as unranked results.
    func chunks(ids: [Int64]) throws -> [Int64: RetrievedChunk]
    /// Up to `limit` chunks with ids above `id`, in id order, as the inverted index takes them.
    func storedChunks(after id: Int64, limit: Int?) throws -> [LexicalIndex.StoredChunk]
    /// The chunks with the given ids, in id order.
    func storedChunks(ids: [Int64]) throws -> [LexicalIndex.StoredChunk]
    /// Every chunk id (at most `maxID` when given), ascending.
    func allChunkIDs(upTo maxID: Int64?) throws -> [Int64]
    /// How many chunks have ids up to `maxID`.
    func chunkCount(upTo maxID: Int64) throws -> Int
    /// A number that changes whenever anyone commits to the store: cheap to ask, asked before searches.
    func changeToken() throws -> Int
    /// The store's identity and generation now.
    func storeState() throws -> LexicalIndex.StoreState
    /// Applies `batch` in one transaction; returns the ids it removed and the chunks it added.
    func apply(_ batch: LexicalIndex.Batch) throws -> (removed: [Int64], added: [LexicalIndex.StoredChunk])
    /// Empties the store when `settings` (the chunking) differ from the recorded ones and records them; true
    /// when something recorded under other settings was emptied.
    func resetIfSettingsChanged(_ settings: String) throws -> Bool
    /// Empties the store in place and renews its identity.
    func removeAll() throws
}
