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

    /// The built inverted index, the chunk row id of each of its documents, and the database's
    /// `data_version` it reflects (another process's commit changes it).
    private struct InMemory {
        var index: BM25Index
        var chunkIDs: [Int64]
        var positions: [Int64: Int]
        var dataVersion: Int
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
        var index = BM25Index(parameters: parameters)
        var chunkIDs: [Int64] = []
        try forEachChunkPage { page in
            index.append(
                BM25Index.build(
                    page.map { ($0.text, $0.heading) }, languages: page.map(\.language), parameters: parameters))
            chunkIDs.append(contentsOf: page.map(\.id))
        }
        index.finish()
        var positions: [Int64: Int] = [:]
        positions.reserveCapacity(chunkIDs.count)
        for (position, id) in chunkIDs.enumerated() { positions[id] = position }
        memory = InMemory(index: index, chunkIDs: chunkIDs, positions: positions, dataVersion: version)
        return (index, chunkIDs)
    }

    /// Applies another process's changes to the built index by comparing chunk ids (ids are never reused,
    /// so the id sets say exactly what was removed and added). Caller holds `lock`.
    private func refreshLocked(version: Int) throws {
        guard let current = memory else { return }
        let stored = try database.read { try Int64.fetchAll($0, sql: "SELECT id FROM chunks") }
        let storedSet = Set(stored)
        let removed = current.positions.keys.filter { !storedSet.contains($0) }
        let addedIDs = stored.filter { current.positions[$0] == nil }
        var added: [IndexedText] = []
        for start in stride(from: 0, to: addedIDs.count, by: 5_000) {
            let ids = Array(addedIDs[start..<min(start + 5_000, addedIDs.count)])
            let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
            let rows = try database.read { db in
                try Row.fetchAll(
                    db,
                    sql:
                        "SELECT id, heading_path, text, language FROM chunks WHERE id IN (\(placeholders)) ORDER BY id",
                    arguments: StatementArguments(ids))
            }
            for row in rows {
                let heading: String = row["heading_path"]
                added.append(
                    IndexedText(
                        id: row["id"], text: row["text"],
                        heading: heading.replacingOccurrences(of: "\u{1F}", with: " "),
                        language: (row["language"] as String?).flatMap(Language.named) ?? .english))
            }
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

    /// A chunk's text as the inverted index takes it.
    struct IndexedText {
        var id: Int64
        var text: String
        var heading: String
        var language: Language
    }

    /// Calls `body` with every stored chunk in row order, 20,000 at a time, so memory stays bounded.
    public func forEachChunkPage(_ body: ([StoredChunk]) throws -> Void) throws {
        var lastID: Int64 = -1
        while true {
            let page = try database.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT id, heading_path, text, language FROM chunks WHERE id > ? ORDER BY id LIMIT 20000",
                    arguments: [lastID])
            }
            guard let last = page.last else { return }
            lastID = last["id"]
            try body(
                page.map { row in
                    let heading: String = row["heading_path"]
                    return StoredChunk(
                        id: row["id"], heading: heading.replacingOccurrences(of: "\u{1F}", with: " "),
                        text: row["text"],
                        language: (row["language"] as String?).flatMap(Language.named) ?? .english)
                })
        }
    }

    private func invalidate() {
        lock.lock()
        memory = nil
        lock.unlock()
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
        var added: [IndexedText] = []
        do {
            try database.queue.write { db in
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
                            IndexedText(
                                id: db.lastInsertedRowID, text: chunk.text,
                                heading: chunk.headingPath.joined(separator: " "), language: chunk.language))
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
    private func updateInMemory(removed: [Int64], added: [IndexedText]) {
        lock.lock()
        defer { lock.unlock() }
        applyToMemoryLocked(removed: removed, added: added)
    }

    /// `updateInMemory` with `lock` held.
    private func applyToMemoryLocked(removed: [Int64], added: [IndexedText]) {
        guard !removed.isEmpty || !added.isEmpty else { return }
        guard var current = memory else { return }
        if current.index.deletedCount + removed.count > max(16, current.index.documentCount / 10) {
            memory = nil
            return
        }
        for id in removed {
            if let position = current.positions[id] { current.index.delete(document: position) }
            current.positions.removeValue(forKey: id)
        }
        let base = current.index.documentCount
        current.index.append(
            BM25Index.build(
                added.map { ($0.text, $0.heading) }, languages: added.map(\.language), parameters: parameters))
        for (offset, chunk) in added.enumerated() {
            current.positions[chunk.id] = base + offset
            current.chunkIDs.append(chunk.id)
        }
        current.index.finish()
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
            return recorded != nil
        }
    }

    /// Empties the store (`whet index --rebuild`) in one transaction, in place: other processes that have
    /// the file open see the change through `data_version`, where deleting the file would leave them
    /// reading a file nobody updates.
    public func removeAll() throws {
        try database.write { db in try db.execute(sql: "DELETE FROM chunks; DELETE FROM files; DELETE FROM meta;") }
        invalidate()
    }

    private static func delete(_ path: String, in db: Database) throws {
        for sql in ["DELETE FROM chunks WHERE path = ?", "DELETE FROM files WHERE path = ?"] {
            try db.cachedStatement(sql: sql).execute(arguments: [path])
        }
    }
}
