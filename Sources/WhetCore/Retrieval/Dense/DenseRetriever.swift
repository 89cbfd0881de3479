import Foundation

/// The dense half of retrieval for a workspace: keeps an embedding for every chunk in the lexical index's
/// chunk store (embedding only what the cache lacks, in batches, several requests at once), holds them in a
/// `DenseIndex`, and answers a query by embedding it (cached too) and taking the nearest chunks.
///
/// Opening it costs one file read when nothing changed: the vectors of every chunk are kept in a snapshot
/// (`DenseSnapshot`), and only chunks added since (ids above the snapshot's) are hashed and looked up or
/// embedded. A store that searches its own vectors (pgvector) is asked which chunks lack one instead.
public final class DenseRetriever: @unchecked Sendable {
    // @unchecked: `built` is guarded by `lock`; everything else is immutable or Sendable.
    let lexical: LexicalIndex
    let embedder: any TextEmbedder
    public let store: any VectorStore
    /// Where query vectors are cached: the store itself locally; the workspace's own file when the store is
    /// shared (a team's store holds chunks' vectors, not everyone's questions).
    let queryCache: any VectorStore
    /// Where this model's vectors are kept between processes, or nil for none (read-only workspaces, tests).
    let snapshotURL: URL?
    let batchSize: Int
    let concurrency: Int
    private let lock = NSLock()
    private var built: (index: DenseIndex, chunkIDs: [Int64])?
    /// How many chunks have vectors, when the store searches them itself.
    private var storedCount = 0

    /// What an update did.
    public struct Report: Sendable, Equatable {
        /// Chunks sent to the embedder.
        public var embedded = 0
        /// Chunks whose vector was already there (the snapshot or the cache).
        public var reused = 0
        /// Chunks whose embedding input was derived and looked up (a store that searches its own vectors;
        /// zero when nothing changed since the last open).
        public var examined = 0
    }

    /// Progress while embedding: chunks done, chunks to embed.
    public typealias Progress = @Sendable (_ done: Int, _ total: Int) -> Void

    /// A retriever over `lexical`'s chunks, caching vectors in `store` (and query vectors in `queryCache`,
    /// `store` when nil), its built matrix kept at `snapshotURL` between processes.
    public init(
        lexical: LexicalIndex, embedder: any TextEmbedder, store: any VectorStore, queryCache: (any VectorStore)? = nil,
        snapshotURL: URL? = nil, batchSize: Int = 64, concurrency: Int = 4
    ) {
        self.lexical = lexical
        self.embedder = embedder
        self.store = store
        self.queryCache = queryCache ?? store
        self.snapshotURL = snapshotURL
        self.batchSize = max(1, batchSize)
        self.concurrency = max(1, concurrency)
    }

    /// Whether embeddings are computed here (the offline hashing embedder) rather than bought from a server.
    public var embedsLocally: Bool { embedder is HashingEmbedder }

    /// The embedding model's name.
    public var model: String { embedder.model }

    /// The text a chunk is embedded as (its headings give it context) and the hash the cache keys it by.
    static func embeddingInput(heading: String, text: String) -> (text: String, hash: String) {
        let input = heading.isEmpty ? text : heading + "\n" + text
        return (input, HexDigest.sha256(input))
    }

    /// Brings the vectors up to date with the chunk store: the snapshot's rows for the chunks it covers, the
    /// cache's or the embedder's for chunks added since; rewrites the snapshot when it was missing or a
    /// twentieth of the chunks changed.
    @discardableResult
    public func update(progress: Progress? = nil) async throws -> Report {
        if store.searchesInStore { return try await updateStoredVectors(progress: progress) }
        let state = try lexical.storeState()
        var report = Report()
        var index: DenseIndex? = nil
        var chunkIDs: [Int64] = []
        var after: Int64 = -1
        var changed = 0
        var loaded: DenseSnapshot.Header? = nil
        if let snapshotURL, let snapshot = try? DenseSnapshot.read(snapshotURL, model: model, storeID: state.id),
            snapshot.header.generation <= state.generation
        {
            loaded = snapshot.header
            index = DenseIndex(dimensions: snapshot.header.dimensions, unitRows: snapshot.matrix)
            chunkIDs = snapshot.chunkIDs
            after = snapshot.header.maxChunkID
            if snapshot.header.generation < state.generation {
                // Removed chunks are among the ids it covers; a count tells whether there are any.
                let live = try lexical.store.chunkCount(upTo: after)
                if live != chunkIDs.count {
                    let present = Set(try lexical.store.allChunkIDs(upTo: after))
                    let keep = chunkIDs.map { present.contains($0) }
                    index?.keepRows { keep[$0] }
                    chunkIDs = zip(chunkIDs, keep).compactMap { $1 ? $0 : nil }
                    changed += keep.count - chunkIDs.count
                }
            }
            report.reused = chunkIDs.count
        }
        var newest = after
        // A chunk left without a vector (an embedder that answered short) must be tried again next time, so
        // such a matrix is not kept.
        var complete = true
        if loaded?.generation != state.generation {
            let added = try await vectorsOfChunks(after: after, report: &report, progress: progress)
            for (id, vector) in added.vectors {
                if index == nil { index = DenseIndex(dimensions: vector.count) }
                if index?.add(vector) == true { chunkIDs.append(id) } else { complete = false }
            }
            complete = complete && added.complete
            changed += added.vectors.count
            newest = added.lastID
        }
        let finished = (index ?? DenseIndex(dimensions: 0), chunkIDs)
        lock.withLock { built = finished }
        if let snapshotURL, complete, loaded == nil || changed > max(64, chunkIDs.count / 20) {
            // A failure to write costs only that: the next process reads the cache instead.
            try? DenseSnapshot(
                header: DenseSnapshot.Header(
                    model: model, dimensions: finished.0.dimensions, storeID: state.id,
                    generation: state.generation, maxChunkID: max(newest, 0)),
                chunkIDs: chunkIDs, matrix: finished.0.unitRows
            ).write(to: snapshotURL)
        }
        return report
    }

    /// The vectors of every chunk with an id above `after`, in id order: from the cache, or embedded (and
    /// cached) when it lacks them. Chunks are read a page at a time, so memory stays bounded.
    private func vectorsOfChunks(after: Int64, report: inout Report, progress: Progress?) async throws
        -> (vectors: [(id: Int64, vector: [Float])], lastID: Int64, complete: Bool)
    {
        var order: [(id: Int64, hash: String)] = []
        var missing: [(hash: String, text: String)] = []
        var missingHashes = Set<String>()
        var lastID = after
        while true {
            let page = try lexical.store.storedChunks(after: lastID, limit: 20_000)
            guard let last = page.last else { break }
            lastID = last.id
            let inputs = page.map {
                (id: $0.id, input: DenseRetriever.embeddingInput(heading: $0.heading, text: $0.text))
            }
            let cached = try store.vectors(model: model, hashes: inputs.map(\.input.hash))
            for (id, input) in inputs {
                order.append((id, input.hash))
                if cached[input.hash] != nil {
                    report.reused += 1
                } else if missingHashes.insert(input.hash).inserted {
                    missing.append((input.hash, input.text))
                }
            }
        }
        report.embedded = missing.count
        if !missing.isEmpty { try await embed(missing, progress: progress) }
        var found: [(id: Int64, vector: [Float])] = []
        found.reserveCapacity(order.count)
        for start in stride(from: 0, to: order.count, by: 20_000) {
            let slice = order[start..<min(order.count, start + 20_000)]
            let vectors = try store.vectors(model: model, hashes: slice.map(\.hash))
            for (id, hash) in slice {
                if let vector = vectors[hash] { found.append((id, vector)) }
            }
        }
        return (found, lastID, found.count == order.count)
    }

    /// A store that searches its own vectors (pgvector): embeds the chunks it lacks vectors for; no matrix.
    private func updateStoredVectors(progress: Progress?) async throws -> Report {
        var report = Report()
        let state = try lexical.storeState()
        let markURL = snapshotURL?.deletingPathExtension().appendingPathExtension("covered")
        var after: Int64 = -1
        if let mark = markURL.flatMap(StoredVectorsMark.read), mark.model == model, mark.storeID == state.id,
            mark.generation <= state.generation
        {
            if mark.generation == state.generation {
                lock.withLock {
                    built = nil
                    storedCount = mark.count
                }
                report.reused = mark.count
                return report
            }
            after = mark.maxChunkID
        }
        var missing: [(hash: String, text: String)] = []
        var missingHashes = Set<String>()
        var lastID = after
        while true {
            let page = try lexical.store.storedChunks(after: lastID, limit: 20_000)
            guard let last = page.last else { break }
            lastID = last.id
            let inputs = page.map { DenseRetriever.embeddingInput(heading: $0.heading, text: $0.text) }
            report.examined += inputs.count
            let cached = try store.vectors(model: model, hashes: inputs.map(\.hash))
            for input in inputs where cached[input.hash] == nil && missingHashes.insert(input.hash).inserted {
                missing.append((input.hash, input.text))
            }
        }
        report.embedded = missing.count
        if !missing.isEmpty { try await embed(missing, progress: progress) }
        let count = try lexical.counts().chunks
        report.reused = count - report.embedded
        lock.withLock {
            built = nil
            storedCount = count
        }
        if let markURL {
            StoredVectorsMark(
                model: model, storeID: state.id, generation: state.generation, maxChunkID: max(lastID, after),
                count: count
            ).write(to: markURL)
        }
        return report
    }

    /// Embeds `texts` in batches with at most `concurrency` requests in flight, storing each batch as it
    /// arrives so an interrupted update keeps what it paid for.
    private func embed(_ texts: [(hash: String, text: String)], progress: Progress?) async throws {
        let batches = stride(from: 0, to: texts.count, by: batchSize).map {
            Array(texts[$0..<min(texts.count, $0 + batchSize)])
        }
        var done = 0
        progress?(0, texts.count)
        try await withThrowingTaskGroup(of: [(hash: String, vector: [Float])].self) { group in
            var next = 0
            func launch() {
                let batch = batches[next]
                let embedder = self.embedder
                group.addTask {
                    let vectors = try await embedder.embed(batch.map(\.text))
                    return Array(zip(batch.map(\.hash), vectors)).map { ($0.0, $0.1) }
                }
                next += 1
            }
            while next < min(concurrency, batches.count) { launch() }
            while let finished = try await group.next() {
                try store.store(model: model, finished)
                done += finished.count
                progress?(done, texts.count)
                if next < batches.count { launch() }
            }
        }
    }

    /// The query's vector, from the cache or the embedder.
    public func embedQuery(_ query: String) async throws -> [Float] {
        let (text, hash) = DenseRetriever.embeddingInput(heading: "", text: query)
        if let cached = try queryCache.vectors(model: model, hashes: [hash])[hash] { return cached }
        guard let vector = try await embedder.embed([text]).first else {
            throw RetrievalError.dense("the embedder returned no vector for the query")
        }
        try queryCache.store(model: model, [(hash, vector)])
        return vector
    }

    /// The `topK` chunks nearest `vector`: chunk row ids with cosine similarity. Requires `update()` first.
    public func search(_ vector: [Float], topK: Int) throws -> [(chunkID: Int64, score: Double)] {
        if let found = try store.nearest(model: model, to: vector, topK: topK) { return found }
        let current = lock.withLock { built }
        guard let current else { throw RetrievalError.dense("the dense index has not been built; run `whet index`") }
        if current.index.dimensions != 0, vector.count != current.index.dimensions {
            throw RetrievalError.dense(
                "the query embedding has \(vector.count) dimensions but the chunks have \(current.index.dimensions); was embedding_model changed? run `whet index`"
            )
        }
        return current.index.search(vector, topK: topK).map { (current.chunkIDs[$0.index], Double($0.score)) }
    }

    /// How many chunks have vectors.
    public var vectorCount: Int {
        lock.withLock { built?.chunkIDs.count ?? storedCount }
    }
}
