import Crypto
import Foundation

/// The lexical index: a chunk store (files, chunks, their text and place: the workspace's SQLite file or a
/// shared PostgreSQL store) and whet's own BM25 inverted index (`BM25Index`) built in memory from it on the
/// first search and brought up to date after changes. The chunk store is the durable part; the inverted index
/// is derived and cheap to rebuild (tens of milliseconds per megabyte, on all cores), so BM25 parameters and
/// stemming apply without re-indexing, and the ranking is the same whichever store holds the chunks.
/// See docs/retrieval.md for why this is not SQLite FTS5 any more.
public final class LexicalIndex: ChunkRetriever, @unchecked Sendable {
    // @unchecked: the stores serialise their own access; the in-memory index is guarded by `lock`.
    /// Where the chunks live.
    public let store: any ChunkStore
    /// Where the built index is kept between processes (`.whet/bm25.idx`), or nil for none.
    let snapshotURL: URL?
    /// How documents and queries are scored.
    public let parameters: BM25Parameters
    let lock = NSLock()
    var memory: InMemory?
    /// The index of an empty store being filled, built from the batches as they commit (guarded by `lock`).
    private var builder: IndexBuilder?
    /// When `data_version` was last compared (guarded by `lock`).
    private var lastFreshnessCheck: ContinuousClock.Instant?
    /// How long a checked in-memory index is trusted before the store is asked again.
    static let freshnessInterval: Duration = .milliseconds(100)

    /// The built inverted index, the chunk row id of each of its documents (ascending: ids are never
    /// reused, so later chunks have higher ids), and the store's change token it reflects (SQLite's
    /// `data_version`, a shared store's generation: another process's commit changes it).
    struct InMemory {
        var index: BM25Index
        var chunkIDs: [Int64]
        var dataVersion: Int
        /// The snapshot file's generation this was loaded from (nil when built from the store), and how many
        /// chunks were added or removed since: what decides when the snapshot is worth writing again.
        var snapshotGeneration: Int? = nil
        var changedSinceSnapshot = 0

        /// The document number of chunk `id`, by binary search.
        func position(of id: Int64) -> Int? {
            var low = 0
            var high = chunkIDs.count - 1
            while low <= high {
                let middle = (low + high) / 2
                if chunkIDs[middle] == id { return middle }
                if chunkIDs[middle] < id { low = middle + 1 } else { high = middle - 1 }
            }
            return nil
        }

        /// The chunk ids of documents not deleted.
        var liveIDs: [Int64] {
            chunkIDs.indices.compactMap { index.isDeleted($0) ? nil : chunkIDs[$0] }
        }
    }

    public var method: String { "bm25" }

    /// Opens (creating if needed) the workspace's own store at `url` (its snapshot beside it), or an in-memory
    /// one when `url` is nil.
    public convenience init(url: URL?, parameters: BM25Parameters = BM25Parameters()) throws {
        try self.init(
            store: try SQLiteChunkStore(url: url),
            snapshotURL: url?.deletingLastPathComponent().appendingPathComponent("bm25.idx"), parameters: parameters)
    }

    /// An index over `store`, its built form kept at `snapshotURL` between processes.
    public init(store: any ChunkStore, snapshotURL: URL?, parameters: BM25Parameters = BM25Parameters()) throws {
        self.store = store
        self.snapshotURL = snapshotURL
        self.parameters = parameters
    }

    // MARK: Reading

    /// What the index knows about a file, to decide whether it must be re-read.
    public struct FileState: Sendable, Equatable {
        public var size: Int64
        public var mtime: Double
        public var hash: String

        /// Makes a state; benchmarks that index documents rather than files pass placeholders.
        public init(size: Int64, mtime: Double, hash: String) {
            self.size = size
            self.mtime = mtime
            self.hash = hash
        }
    }

    /// Every indexed file with its recorded size, mtime and hash.
    public func fileStates() throws -> [String: FileState] { try store.fileStates() }

    /// Every indexed file's path and content hash, hashed in path order: two indexes of the same files made
    /// with the same settings have the same fingerprint, whoever built them and however often.
    public func contentFingerprint() throws -> String? {
        var hasher = SHA256()
        for (path, state) in try fileStates().sorted(by: { $0.key < $1.key }) {
            hasher.update(data: Data("\(path)\t\(state.hash)\n".utf8))
        }
        return HexDigest.hex(hasher.finalize())
    }

    /// The value stored under `key` in the index's metadata.
    public func metadata(_ key: String) throws -> String? { try store.metadata(key) }

    /// How many chunks and files the index holds.
    public func counts() throws -> (files: Int, chunks: Int) { try store.counts() }

    /// The best `topK` chunks for `query`, best first, with BM25 scores and the words they matched.
    public func search(_ query: String, topK: Int) throws -> [RetrievedChunk] {
        let ranked = try rankedChunkIDs(query, topK: topK)
        return try results(for: ranked, matching: query)
    }

    /// The best `topK` chunk row ids for `query` with their BM25 scores: the lexical list fusion works on.
    public func rankedChunkIDs(_ query: String, topK: Int) throws -> [(chunkID: Int64, score: Double)] {
        guard topK > 0 else { return [] }
        let (index, chunkIDs) = try inMemoryIndex()
        return index.search(index.analyze(query), topK: topK).map { (chunkIDs[$0.document], $0.score) }
    }

    /// Chunks for ranked row ids, numbered in that order, with the words of `query` each one contains.
    public func results(for ranked: [(chunkID: Int64, score: Double)], matching query: String) throws
        -> [RetrievedChunk]
    {
        guard !ranked.isEmpty else { return [] }
        let (index, _) = try inMemoryIndex()
        let wanted = index.analyze(query)
        let rows = try chunks(ids: ranked.map(\.chunkID))
        return ranked.compactMap { item -> RetrievedChunk? in
            guard var chunk = rows[item.chunkID] else { return nil }
            chunk.score = item.score
            chunk.matchedTerms = LexicalIndex.matchedWords(
                in: chunk.text + "\n" + chunk.headingPath.joined(separator: " "),
                terms: wanted, index: index)
            return chunk
        }.enumerated().map { offset, chunk in
            var numbered = chunk
            numbered.rank = offset + 1
            return numbered
        }
    }

    /// `chunks` (found elsewhere: an outside retriever) with the words of `query` each one contains, for
    /// highlighting as whet's own results are.
    public func marked(_ chunks: [RetrievedChunk], matching query: String) throws -> [RetrievedChunk] {
        let (index, _) = try inMemoryIndex()
        let wanted = index.analyze(query)
        return chunks.map { chunk in
            var marked = chunk
            marked.matchedTerms = LexicalIndex.matchedWords(
                in: chunk.text + "\n" + chunk.headingPath.joined(separator: " "), terms: wanted, index: index)
            return marked
        }
    }

    /// The distinct words of `text` (folded) whose terms are among the query's `terms`, grouped by query
    /// term in query order: what the UI highlights and `whet search` lists, in the chunk's own spelling
    /// ("rotation", "rotate") rather than as the stem they share.
    static func matchedWords(in text: String, terms: [String], index: BM25Index) -> [String] {
        // Words are looked up by their bytes in the index's word table (every word of an indexed chunk is
        // there), so no String is made and nothing is stemmed again except for words that match.
        var wanted: [Int32: String] = [:]
        for term in terms { if let id = index.termIDs[term] { wanted[id] = term } }
        let wantedTerms = Set(terms)
        var byTerm: [String: [String]] = [:]
        var seen = Set<String>()
        TextTokenizer.forEachWordBytes(in: text) { bytes in
            let term: String
            if let id = index.wordIDs.value(for: bytes, hash: WordTable.hash(bytes)) {
                guard let known = wanted[id] else { return }
                term = known
            } else {
                guard let analysed = index.analyze(String(decoding: bytes, as: UTF8.self)).first,
                    wantedTerms.contains(analysed)
                else { return }
                term = analysed
            }
            let word = String(decoding: bytes, as: UTF8.self)
            if seen.insert(word).inserted { byTerm[term, default: []].append(word) }
        }
        var ordered: [String] = []
        var done = Set<String>()
        for term in terms where done.insert(term).inserted { ordered += byTerm[term] ?? [] }
        return ordered
    }

    /// Every chunk of one file in document order, as unranked results (the UI's chunk-boundary view).
    public func chunks(inFile path: String) throws -> [RetrievedChunk] {
        let ids = try store.chunkIDs(inFile: path)
        let rows = try chunks(ids: ids)
        return ids.compactMap { rows[$0] }
    }

    /// The chunks with the given row ids, as unranked results.
    func chunks(ids: [Int64]) throws -> [Int64: RetrievedChunk] { try store.chunks(ids: ids) }

    /// The inverted index over every stored chunk, built on first use, a page of chunks at a time so the
    /// texts of a large corpus are never all in memory at once. When another process has committed to the
    /// store since (SQLite's `data_version` moved), the index is brought up to date first: chunks that are
    /// gone are marked deleted and new ones added, so a search never returns a chunk that no longer exists.
    ///
    /// The check costs a database round trip, so it is made at most every `freshnessInterval`: searches in a
    /// burst share one. A chunk deleted elsewhere within that window is still never returned, because results
    /// are read from the store by id and ids are never reused.
    /// Makes the next search compare the store's change token whatever the time since the last check: a run
    /// is about to use the results, and another process may just have indexed.
    public func checkFreshnessOnNextSearch() {
        lock.lock()
        defer { lock.unlock() }
        lastFreshnessCheck = nil
    }

    func inMemoryIndex() throws -> (BM25Index, [Int64]) {
        lock.lock()
        defer { lock.unlock() }
        let now = ContinuousClock.now
        if let memory, let checked = lastFreshnessCheck, now - checked < LexicalIndex.freshnessInterval {
            return (memory.index, memory.chunkIDs)
        }
        let version = try store.changeToken()
        lastFreshnessCheck = now
        if let memory, memory.dataVersion == version { return (memory.index, memory.chunkIDs) }
        if memory != nil {
            try refreshLocked(version: version)
            if let memory { return (memory.index, memory.chunkIDs) }
        }
        if let loaded = try loadSnapshotLocked(version: version) {
            memory = loaded
            return (loaded.index, loaded.chunkIDs)
        }
        var index = BM25Index(parameters: parameters)
        var chunkIDs: [Int64] = []
        let store = try storeState()
        try forEachChunkPage { page in
            index.append(
                BM25Index.build(
                    page.map { ($0.text, $0.heading) }, languages: page.map(\.language), parameters: parameters))
            chunkIDs.append(contentsOf: page.map(\.id))
        }
        index.finish()
        memory = InMemory(index: index, chunkIDs: chunkIDs, dataVersion: version)
        origin = .store
        // Kept for the next process: written once here when there is none (an index from before snapshots,
        // or one that was damaged); `whet index` keeps it current.
        if let snapshotURL, !FileManager.default.fileExists(atPath: snapshotURL.path) {
            try? writeSnapshotLocked(store)
        }
        return (index, chunkIDs)
    }

    /// Starts the in-memory index empty when the store holds no chunks (a first index, a rebuild, new chunk
    /// settings), so the update that fills the store indexes each batch's chunks as it commits them instead
    /// of reading every chunk back from the store afterwards: the same documents in the same order, so the
    /// same index. Call it before the first batch, holding the index lock.
    public func beginBuildingIfEmpty() throws {
        lock.lock()
        defer { lock.unlock() }
        guard memory == nil, builder == nil, try store.chunkCount(upTo: Int64.max) == 0 else { return }
        builder = IndexBuilder(parameters: parameters, dataVersion: try store.changeToken())
    }

    /// Ends the build `beginBuildingIfEmpty` started: its index becomes the in-memory one, unless a search
    /// built one from the store meanwhile or another process committed since. Call it once the update's last
    /// batch is committed (or the update failed: what was committed is what the build holds).
    public func endBuilding() {
        lock.lock()
        defer { lock.unlock() }
        guard let builder else { return }
        self.builder = nil
        guard memory == nil, let built = builder.finished(), (try? store.changeToken()) == builder.dataVersion
        else { return }
        memory = InMemory(index: built.index, chunkIDs: built.chunkIDs, dataVersion: builder.dataVersion)
        origin = .store
    }

    /// Applies another process's changes to the built index by comparing chunk ids (ids are never reused,
    /// so the id sets say exactly what was removed and added). Caller holds `lock`.
    private func refreshLocked(version: Int) throws {
        guard let current = memory else { return }
        let stored = try store.allChunkIDs(upTo: nil)
        let storedSet = Set(stored)
        let removed = current.liveIDs.filter { !storedSet.contains($0) }
        let newest = current.chunkIDs.last ?? 0
        let added = try store.storedChunks(ids: stored.filter { $0 > newest })
        applyToMemoryLocked(removed: removed, added: added)
        memory?.dataVersion = version
    }

    /// The same chunk store scored with other BM25 parameters (the in-memory index is built afresh, and no
    /// snapshot is written for it).
    public func reopened(parameters: BM25Parameters) throws -> LexicalIndex {
        guard parameters != self.parameters else { return self }
        return try LexicalIndex(store: store, snapshotURL: nil, parameters: parameters)
    }

    /// A stored chunk as the dense side reads it: row id, heading path (space-joined) and text.
    public struct StoredChunk: Sendable {
        public var id: Int64
        public var heading: String
        public var text: String
        /// The language its document was analysed in.
        public var language: Language = .english
    }

    /// Calls `body` with every stored chunk in row order, 20,000 at a time, so memory stays bounded.
    public func forEachChunkPage(_ body: ([StoredChunk]) throws -> Void) throws {
        var lastID: Int64 = -1
        while true {
            let page = try store.storedChunks(after: lastID, limit: 20_000)
            guard let last = page.last else { return }
            lastID = last.id
            try body(page)
        }
    }

    private func invalidate() {
        lock.lock()
        memory = nil
        builder = nil
        lock.unlock()
    }

    /// Where the in-memory index last came from (what the tests and the benchmark check).
    public internal(set) var origin: Origin?

    // MARK: Writing

    /// A batch of changes applied in one transaction.
    public struct Batch: Sendable {
        var replacements: [(path: String, state: FileState, chunks: [Chunk])] = []
        var touches: [(path: String, state: FileState)] = []
        var removals: [String] = []
        /// How many files the batch holds; the indexer commits every few dozen files to keep memory flat.
        public var count: Int { replacements.count + touches.count + removals.count }

        public init() {}
        /// Replaces every chunk of `path` with `chunks`.
        public mutating func replace(_ path: String, state: FileState, chunks: [Chunk]) {
            replacements.append((path, state, chunks))
        }
        /// Records a new mtime for a file whose content did not change.
        public mutating func touch(_ path: String, state: FileState) { touches.append((path, state)) }
        /// Removes a file that left the corpus.
        public mutating func remove(_ path: String) { removals.append(path) }
    }

    /// Applies `batch` atomically.
    public func apply(_ batch: Batch) throws {
        guard batch.count > 0 else { return }
        // While an empty store fills, the batch's chunks are analysed beside the store's transaction.
        let builder = lock.withLock { self.builder }
        builder?.add(batch)
        let changes: (removed: [Int64], added: [StoredChunk])
        do {
            changes = try store.apply(batch)
        } catch {
            builder?.abandon()
            invalidate()
            throw error
        }
        builder?.commit(added: changes.added.map(\.id), removed: changes.removed)
        updateInMemory(removed: changes.removed, added: changes.added)
    }

    /// Applies a committed batch to the in-memory index, if one is built: removed chunks are marked deleted,
    /// new ones indexed and appended, so the next search after a small change costs milliseconds, not a full
    /// rebuild. Deleted documents no longer count in the statistics (`BM25Index.delete`); their postings are
    /// dropped when they exceed a tenth of the index, when the index is rebuilt from the store on the next
    /// search.
    private func updateInMemory(removed: [Int64], added: [StoredChunk]) {
        lock.lock()
        defer { lock.unlock() }
        // Another process committed since the index was last brought up to date: its chunks have lower ids
        // than these, and the documents must stay in id order, so the index is rebuilt (or reloaded) instead.
        if let memory, (try? store.changeToken()) != memory.dataVersion {
            self.memory = nil
            return
        }
        applyToMemoryLocked(removed: removed, added: added)
    }

    /// `updateInMemory` with `lock` held.
    func applyToMemoryLocked(removed: [Int64], added: [StoredChunk]) {
        guard !removed.isEmpty || !added.isEmpty else { return }
        guard var current = memory else { return }
        // Taken out while it changes, so its arrays are changed in place rather than copied.
        memory = nil
        if current.index.deletedCount + removed.count > max(16, current.index.documentCount / 10) { return }
        for id in removed {
            if let position = current.position(of: id) { current.index.delete(document: position) }
        }
        current.index.append(
            BM25Index.build(
                added.map { ($0.text, $0.heading) }, languages: added.map(\.language), parameters: parameters))
        current.index.finish()
        current.chunkIDs.append(contentsOf: added.map(\.id))
        current.changedSinceSnapshot += removed.count + added.count
        memory = current
    }

    /// Empties the index and records `settings` (the chunking it was built with), when they differ from the
    /// recorded ones: chunks made with other settings would be silently inconsistent.
    public func resetIfSettingsChanged(_ settings: String) throws -> Bool {
        let emptied = try store.resetIfSettingsChanged(settings)
        if emptied { invalidate() }
        return emptied
    }

    /// Empties the store (`whet index --rebuild`) in place: other processes that have it open see the change.
    public func removeAll() throws {
        try store.removeAll()
        invalidate()
    }
}
