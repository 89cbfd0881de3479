import Foundation

/// One embedding model's vectors for every chunk of a store, on disk (`.whet/dense-….idx`), so a dense or
/// hybrid search in a new process reads one file instead of hashing every chunk's text and looking each
/// vector up in the embedding cache. A chunk's text never changes under its id (a changed file gets new
/// chunks with new ids), so the file stays right for every chunk it lists; what changed since is found by id,
/// as for the BM25 snapshot: chunks above `maxChunkID` are new, ids gone from the store were removed.
///
/// Derived data, never trusted blindly: another model, dimension count, store (one emptied since) or format
/// version, a damaged or truncated file, is ignored and rebuilt from the embedding cache.
struct DenseSnapshot {
    /// What the vectors belong to.
    struct Header: Codable, Equatable {
        var format = DenseSnapshot.format
        var model: String
        var dimensions: Int
        /// The chunk store's identity (renewed whenever it is emptied).
        var storeID: String
        /// The store's generation the vectors reflect.
        var generation: Int
        /// The highest chunk id the store held then: every live chunk up to it has a row.
        var maxChunkID: Int64
    }

    static let format = 1
    static let magic = Array("WHETDENS".utf8)

    var header: Header
    /// The chunk id of each row, ascending.
    var chunkIDs: [Int64]
    /// The unit vectors, row after row.
    var matrix: [Float]

    /// Writes the snapshot to `url` atomically.
    func write(to url: URL) throws {
        let writer = try SectionFile.Writer(url: url, magic: DenseSnapshot.magic)
        try writer.array(Array(try JSONEncoder().encode(header)))
        try writer.array(chunkIDs)
        try writer.array(matrix)
        try writer.commit()
    }

    /// The snapshot at `url` when it was written for `model` over the store `storeID`.
    static func read(_ url: URL, model: String, storeID: String) throws -> DenseSnapshot {
        let reader = try SectionFile.Reader(url: url, magic: magic)
        let header = try JSONDecoder().decode(Header.self, from: Data(try reader.array(UInt8.self)))
        guard header.format == format, header.model == model, header.storeID == storeID else {
            throw SectionFile.Unusable(description: "written for another model, store or version")
        }
        let chunkIDs = try reader.array(Int64.self)
        let matrix = try reader.array(Float.self)
        try reader.finish()
        guard header.dimensions > 0 || chunkIDs.isEmpty, matrix.count == chunkIDs.count * header.dimensions,
            zip(chunkIDs, chunkIDs.dropFirst()).allSatisfy({ $0 < $1 }),
            (chunkIDs.last ?? 0) <= header.maxChunkID
        else { throw SectionFile.Unusable(description: "its arrays do not fit together (a damaged file)") }
        return DenseSnapshot(header: header, chunkIDs: chunkIDs, matrix: matrix)
    }
}
