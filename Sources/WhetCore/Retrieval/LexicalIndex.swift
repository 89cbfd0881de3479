import Foundation
import GRDB

/// The local lexical index: the chunk store (files, chunks, their text and place) in SQLite, and whet's own
/// BM25 inverted index (`BM25Index`) built in memory from it on the first search and rebuilt after changes.
/// The chunk store is the durable part; the inverted index is derived and cheap to rebuild (tens of
/// milliseconds per megabyte, on all cores), so BM25 parameters and stemming apply without re-indexing.
/// See docs/retrieval.md for why this is not SQLite FTS5 any more.
public final class LexicalIndex: ChunkRetriever, @unchecked Sendable {
    // @unchecked: the DatabaseQueue serialises database access itself; the in-memory index is guarded by `lock`.
    let database: SQLiteFile
    /// Where the index lives, or nil for an in-memory index (read-only workspaces, tests).
    public let url: URL?
    /// How documents and queries are scored.
    public let parameters: BM25Parameters
    private let lock = NSLock()
    private var memory: InMemory?
    /// When `data_version` was last compared (guarded by `lock`).
    private var lastFreshnessCheck: ContinuousClock.Instant?
    /// How long a checked in-memory index is trusted before the store is asked again.
    static let freshnessInterval: Duration = .milliseconds(100)

    /// The built inverted index, the chunk row id of each of its documents (ascending: ids are never
    /// reused, so later chunks have higher ids), and the database's `data_version` it reflects (another
    /// process's commit changes it).
    private struct InMemory {
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

    /// Bumped whenever the schema or the tokenizer changes meaning; a mismatch rebuilds the index.
    /// Version 3: chunk ids are never reused (AUTOINCREMENT), so a process whose in-memory index predates
    /// another process's change can never map a stale document to a different chunk.
    /// Version 4: chunks of paged documents (PDF) record their pages, and every chunk its language.
    static let schemaVersion = 4

    public var method: String { "bm25" }

    /// Opens (creating if needed) the index at `url`, or an in-memory one when `url` is nil. An index written
    /// by another schema version is discarded and rebuilt, since it only holds derived data.
    public init(url: URL?, parameters: BM25Parameters = BM25Parameters()) throws {
        self.url = url
        self.parameters = parameters
        database = try SQLiteFile(url: url)
        if url != nil {
            let version = try database.read { try Int.fetchOne($0, sql: "PRAGMA user_version") ?? 0 }
            if version != 0 && version != LexicalIndex.schemaVersion {
                try database.write { db in
                    for table in ["chunk_terms", "chunks", "files", "meta"] {
                        try db.execute(sql: "DROP TABLE IF EXISTS \(table)")
                    }
                    try db.execute(sql: "PRAGMA user_version = 0")
                }
            }
        }
        // Writes only when the schema is missing: opening an index that is up to date must not take the write
        // lock (several processes open it at once, and a full disk must not stop a search).
        if try database.read({ try Int.fetchOne($0, sql: "PRAGMA user_version") ?? 0 }) != LexicalIndex.schemaVersion {
            try database.write { db in try LexicalIndex.migrate(db) }
        }
    }

    static func migrate(_ db: Database) throws {
        guard try Int.fetchOne(db, sql: "PRAGMA user_version") == 0 else { return }
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime REAL NOT NULL,
                    hash TEXT NOT NULL, chunk_count INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS chunks(id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL, ordinal INTEGER NOT NULL,
                    start_line INTEGER NOT NULL, end_line INTEGER NOT NULL, heading_path TEXT NOT NULL, text TEXT NOT NULL,
                    page_first INTEGER, page_last INTEGER, page_first_line INTEGER, page_last_line INTEGER,
                    language TEXT NOT NULL DEFAULT 'en');
                CREATE INDEX IF NOT EXISTS chunks_by_path ON chunks(path);
                INSERT OR IGNORE INTO meta(key, value) VALUES ('store_id', lower(hex(randomblob(16))));
                PRAGMA user_version = \(schemaVersion);
                """)
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
    public func fileStates() throws -> [String: FileState] {
        try database.read { db in
            var states: [String: FileState] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT path, size, mtime, hash FROM files") {
                states[row["path"]] = FileState(size: row["size"], mtime: row["mtime"], hash: row["hash"])
            }
            return states
        }
    }

    /// The value stored under `key` in the index's metadata.
    public func metadata(_ key: String) throws -> String? {
        try database.read { try String.fetchOne($0, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }

    /// How many chunks and files the index holds.
    public func counts() throws -> (files: Int, chunks: Int) {
        try database.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM files") ?? 0,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM chunks") ?? 0
            )
        }
    }

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
        let ids = try database.read {
            try Int64.fetchAll($0, sql: "SELECT id FROM chunks WHERE path = ? ORDER BY ordinal", arguments: [path])
        }
        let rows = try chunks(ids: ids)
        return ids.compactMap { rows[$0] }
    }

    /// The chunks with the given row ids, as unranked results.
    func chunks(ids: [Int64]) throws -> [Int64: RetrievedChunk] {
        try database.read { db in
            var found: [Int64: RetrievedChunk] = [:]
            let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
            for row in try Row.fetchAll(
                db,
                sql:
                    "SELECT id, path, start_line, end_line, heading_path, text, page_first, page_last, page_first_line, "
                    + "page_last_line FROM chunks WHERE id IN (\(placeholders))",
                arguments: StatementArguments(ids))
            {
                let heading: String = row["heading_path"]
                var chunk = RetrievedChunk(
                    rank: 0, path: row["path"], startLine: row["start_line"], endLine: row["end_line"],
                    headingPath: heading.isEmpty ? [] : heading.components(separatedBy: "\u{1F}"),
                    score: 0, matchedTerms: [], text: row["text"])
                if let first: Int = row["page_first"], let last: Int = row["page_last"] {
                    chunk.pages = PageSpan(
                        first: first, last: last, firstLine: row["page_first_line"] ?? 1,
                        lastLine: row["page_last_line"] ?? 1)
                }
                found[row["id"]] = chunk
            }
            return found
        }
    }

    /// The inverted index over every stored chunk, built on first use, a page of chunks at a time so the
    /// texts of a large corpus are never all in memory at once. When another process has committed to the
    /// store since (SQLite's `data_version` moved), the index is brought up to date first: chunks that are
    /// gone are marked deleted and new ones added, so a search never returns a chunk that no longer exists.
    ///
    /// The check costs a database round trip, so it is made at most every `freshnessInterval`: searches in a
    /// burst share one. A chunk deleted elsewhere within that window is still never returned, because results
    /// are read from the store by id and ids are never reused.
    func inMemoryIndex() throws -> (BM25Index, [Int64]) {
        lock.lock()
        defer { lock.unlock() }
        let now = ContinuousClock.now
        if let memory, let checked = lastFreshnessCheck, now - checked < LexicalIndex.freshnessInterval {
            return (memory.index, memory.chunkIDs)
        }
        let version = try database.dataVersion()
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

    /// Applies another process's changes to the built index by comparing chunk ids (ids are never reused,
    /// so the id sets say exactly what was removed and added). Caller holds `lock`.
    private func refreshLocked(version: Int) throws {
        guard let current = memory else { return }
        let stored = try database.read { try Int64.fetchAll($0, sql: "SELECT id FROM chunks") }
        let storedSet = Set(stored)
        let removed = current.liveIDs.filter { !storedSet.contains($0) }
        let newest = current.chunkIDs.last ?? 0
        let addedIDs = stored.filter { $0 > newest }
        var added: [StoredChunk] = []
        for start in stride(from: 0, to: addedIDs.count, by: 5_000) {
            let ids = Array(addedIDs[start..<min(start + 5_000, addedIDs.count)])
            let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
            added += try storedChunks(where: "id IN (\(placeholders)) ORDER BY id", StatementArguments(ids))
        }
        applyToMemoryLocked(removed: removed, added: added)
        memory?.dataVersion = version
    }

    /// The same chunk store scored with other BM25 parameters (the in-memory index is built afresh).
    public func reopened(parameters: BM25Parameters) throws -> LexicalIndex {
        guard parameters != self.parameters else { return self }
        return try LexicalIndex(database: database, url: url, parameters: parameters)
    }

    private init(database: SQLiteFile, url: URL?, parameters: BM25Parameters) throws {
        self.database = database
        self.url = url
        self.parameters = parameters
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
            let page = try storedChunks(where: "id > ? ORDER BY id LIMIT 20000", [lastID])
            guard let last = page.last else { return }
            lastID = last.id
            try body(page)
        }
    }

    /// The stored chunks a `WHERE` clause selects, as the inverted index takes them.
    func storedChunks(where condition: String, _ arguments: StatementArguments) throws -> [StoredChunk] {
        try database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, heading_path, text, language FROM chunks WHERE \(condition)", arguments: arguments)
        }.map { row in
            let heading: String = row["heading_path"]
            return StoredChunk(
                id: row["id"], heading: heading.replacingOccurrences(of: "\u{1F}", with: " "), text: row["text"],
                language: (row["language"] as String?).flatMap(Language.named) ?? .english)
        }
    }

    private func invalidate() {
        lock.lock()
        memory = nil
        lock.unlock()
    }

    // MARK: The snapshot

    /// Where the built inverted index is kept between processes, next to the chunk store.
    var snapshotURL: URL? { url?.deletingLastPathComponent().appendingPathComponent("bm25.idx") }

    /// The store's identity (new whenever it is emptied) and generation (bumped by every change), which a
    /// snapshot must match.
    struct StoreState: Equatable {
        var id: String
        var generation: Int
    }

    /// The store's identity and generation now.
    func storeState() throws -> StoreState {
        try database.read { db in
            StoreState(
                id: try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'store_id'") ?? "",
                generation: Int(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'generation'") ?? "0")
                    ?? 0)
        }
    }

    /// Where the in-memory index last came from: built from every stored chunk, loaded from the snapshot, or
    /// loaded and brought up to date with this many chunks added or removed since.
    public enum Origin: Equatable, Sendable {
        case store, snapshot, snapshotAndChanges(Int)
    }
    /// Where the in-memory index last came from (what the tests and the benchmark check).
    public private(set) var origin: Origin?

    /// The snapshot, brought up to date with the store, or nil when there is none or it cannot be used
    /// (the caller rebuilds). Caller holds `lock`.
    private func loadSnapshotLocked(version: Int) throws -> InMemory? {
        guard let snapshotURL, FileManager.default.fileExists(atPath: snapshotURL.path) else { return nil }
        let store = try storeState()
        guard
            let (index, chunkIDs, header) = try? BM25Snapshot.read(
                snapshotURL, parameters: parameters, storeID: store.id),
            header.generation <= store.generation
        else { return nil }
        memory = InMemory(index: index, chunkIDs: chunkIDs, dataVersion: version, snapshotGeneration: header.generation)
        origin = .snapshot
        if header.generation < store.generation {
            // Changed since it was written: removed chunks are among the ids it covers, added ones above them.
            let covered = try database.read {
                try Int.fetchOne($0, sql: "SELECT count(*) FROM chunks WHERE id <= ?", arguments: [header.maxChunkID])
            }
            var removed: [Int64] = []
            if covered != index.documentCount - index.deletedCount {
                let present = Set(
                    try database.read {
                        try Int64.fetchAll(
                            $0, sql: "SELECT id FROM chunks WHERE id <= ?", arguments: [header.maxChunkID])
                    })
                removed = memory?.liveIDs.filter { !present.contains($0) } ?? []
            }
            let added = try storedChunks(where: "id > ? ORDER BY id", [header.maxChunkID])
            applyToMemoryLocked(removed: removed, added: added)
            origin = .snapshotAndChanges(removed.count + added.count)
        }
        return memory
    }

    /// Writes the in-memory index as the snapshot. Caller holds `lock`.
    private func writeSnapshotLocked(_ store: StoreState) throws {
        guard let snapshotURL, let memory else { return }
        let header = BM25Snapshot.Header(
            parameters: parameters, storeID: store.id, generation: store.generation,
            maxChunkID: memory.chunkIDs.last ?? 0, documents: memory.index.documentCount,
            deletedCount: memory.index.deletedCount, totalLength: memory.index.totalLength,
            languages: memory.index.languages.sorted())
        try BM25Snapshot.write(memory.index, chunkIDs: memory.chunkIDs, header: header, to: snapshotURL)
        self.memory?.snapshotGeneration = store.generation
        self.memory?.changedSinceSnapshot = 0
    }

    /// Brings the snapshot up to date when it is missing or the store has changed by more than a twentieth
    /// since it was written: small changes are applied by each process on load (in proportion to the
    /// change), large ones are worth writing once. Called after an index update, under the index lock.
    public func refreshSnapshot() throws {
        guard snapshotURL != nil else { return }
        _ = try inMemoryIndex()
        lock.lock()
        defer { lock.unlock() }
        guard let memory else { return }
        let store = try storeState()
        let stale =
            memory.snapshotGeneration == nil
            || (memory.snapshotGeneration != store.generation
                && memory.changedSinceSnapshot > max(64, memory.index.documentCount / 20))
        if stale { try writeSnapshotLocked(store) }
    }

    // MARK: Writing

    /// A batch of changes applied in one transaction.
    public struct Batch {
        fileprivate var replacements: [(path: String, state: FileState, chunks: [Chunk])] = []
        fileprivate var touches: [(path: String, state: FileState)] = []
        fileprivate var removals: [String] = []
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
        var removedIDs: [Int64] = []
        var added: [StoredChunk] = []
        do {
            try database.queue.write { db in
                try LexicalIndex.bumpGeneration(db)
                let idsOfPath = try db.cachedStatement(sql: "SELECT id FROM chunks WHERE path = ?")
                for path in batch.removals + batch.replacements.map(\.path) {
                    removedIDs += try Int64.fetchAll(idsOfPath, arguments: [path])
                }
                for path in batch.removals { try LexicalIndex.delete(path, in: db) }
                for (path, state) in batch.touches {
                    try db.execute(
                        sql: "UPDATE files SET size = ?, mtime = ? WHERE path = ?",
                        arguments: [state.size, state.mtime, path])
                }
                // Prepared once per batch: re-preparing the same INSERT per row costs more than the insert.
                let insertChunk = try db.cachedStatement(
                    sql: """
                        INSERT INTO chunks(path, ordinal, start_line, end_line, heading_path, text,
                            page_first, page_last, page_first_line, page_last_line, language)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """)
                let insertFile = try db.cachedStatement(
                    sql: "INSERT INTO files(path, size, mtime, hash, chunk_count) VALUES (?, ?, ?, ?, ?)")
                for (path, state, chunks) in batch.replacements {
                    try LexicalIndex.delete(path, in: db)
                    for (ordinal, chunk) in chunks.enumerated() {
                        try insertChunk.execute(arguments: [
                            path, ordinal, chunk.startLine, chunk.endLine,
                            chunk.headingPath.joined(separator: "\u{1F}"), chunk.text, chunk.pages?.first,
                            chunk.pages?.last, chunk.pages?.firstLine, chunk.pages?.lastLine, chunk.language.code,
                        ])
                        added.append(
                            StoredChunk(
                                id: db.lastInsertedRowID, heading: chunk.headingPath.joined(separator: " "),
                                text: chunk.text, language: chunk.language))
                    }
                    try insertFile.execute(arguments: [path, state.size, state.mtime, state.hash, chunks.count])
                }
            }
        } catch {
            invalidate()
            throw SQLiteFile.translate(error, path: database.path)
        }
        updateInMemory(removed: removedIDs, added: added)
    }

    /// Applies a committed batch to the in-memory index, if one is built: removed chunks are marked deleted,
    /// new ones indexed and appended, so the next search after a small change costs milliseconds, not a full
    /// rebuild. Deleted documents still count in IDF and average length until they exceed a tenth of the
    /// index, when the index is dropped and rebuilt from the store on the next search.
    private func updateInMemory(removed: [Int64], added: [StoredChunk]) {
        lock.lock()
        defer { lock.unlock() }
        // Another process committed since the index was last brought up to date: its chunks have lower ids
        // than these, and the documents must stay in id order, so the index is rebuilt (or reloaded) instead.
        if let memory, (try? database.dataVersion()) != memory.dataVersion {
            self.memory = nil
            return
        }
        applyToMemoryLocked(removed: removed, added: added)
    }

    /// `updateInMemory` with `lock` held.
    private func applyToMemoryLocked(removed: [Int64], added: [StoredChunk]) {
        guard !removed.isEmpty || !added.isEmpty else { return }
        guard var current = memory else { return }
        if current.index.deletedCount + removed.count > max(16, current.index.documentCount / 10) {
            memory = nil
            return
        }
        for id in removed {
            if let position = current.position(of: id) { current.index.delete(document: position) }
        }
        current.index.append(
            BM25Index.build(
                added.map { ($0.text, $0.heading) }, languages: added.map(\.language), parameters: parameters))
        current.chunkIDs.append(contentsOf: added.map(\.id))
        current.index.finish()
        current.changedSinceSnapshot += removed.count + added.count
        memory = current
    }

    /// Empties the index and records `settings` (the chunking it was built with), when they differ from the
    /// recorded ones: chunks made with other settings would be silently inconsistent.
    public func resetIfSettingsChanged(_ settings: String) throws -> Bool {
        let unchanged = try database.read {
            try String.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'chunking'") == settings
        }
        if unchanged { return false }
        return try database.write { db in
            let recorded = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'chunking'")
            guard recorded != settings else { return false }
            self.invalidate()
            try db.execute(sql: "DELETE FROM chunks; DELETE FROM files;")
            try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('chunking', ?)", arguments: [settings])
            try LexicalIndex.renewIdentity(db)
            return recorded != nil
        }
    }

    /// Empties the store (`whet index --rebuild`) in one transaction, in place: other processes that have
    /// the file open see the change through `data_version`, where deleting the file would leave them
    /// reading a file nobody updates.
    public func removeAll() throws {
        try database.write { db in
            try db.execute(sql: "DELETE FROM chunks; DELETE FROM files; DELETE FROM meta;")
            try LexicalIndex.renewIdentity(db)
        }
        invalidate()
    }

    /// Counts a change to the store, so a snapshot knows it is behind.
    static func bumpGeneration(_ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO meta(key, value) VALUES ('generation', '1')
                ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1
                """)
    }

    /// Gives an emptied store a new identity: no snapshot of what it held before can pass for it.
    static func renewIdentity(_ db: Database) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('store_id', lower(hex(randomblob(16))))")
        try bumpGeneration(db)
    }

    private static func delete(_ path: String, in db: Database) throws {
        for sql in ["DELETE FROM chunks WHERE path = ?", "DELETE FROM files WHERE path = ?"] {
            try db.cachedStatement(sql: sql).execute(arguments: [path])
        }
    }
}
