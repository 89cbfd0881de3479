import Foundation
import GRDB

/// The local lexical index: chunks and their terms in SQLite, searched with FTS5's BM25 (k1 = 1.2, b = 0.75,
/// headings weighted twice the body). whet tokenises text itself (`TextTokenizer`) and stores the terms
/// space-separated, so CJK bigrams, diacritic folding and stop words behave the same at index and query
/// time. The file lives in `.whet/` and is derived: a schema or chunking change simply rebuilds it.
public final class LexicalIndex: ChunkRetriever, @unchecked Sendable {
    // @unchecked: the only stored property is a GRDB DatabaseQueue, which serialises all access itself.
    let database: DatabaseQueue
    /// Where the index lives, or nil for an in-memory index (read-only workspaces, tests).
    public let url: URL?

    /// Bumped whenever the schema or the tokenizer changes meaning; a mismatch rebuilds the index.
    static let schemaVersion = 1

    public var method: String { "bm25" }

    /// Opens (creating if needed) the index at `url`, or an in-memory one when `url` is nil. An index written
    /// by another schema version is discarded and rebuilt, since it only holds derived data.
    public init(url: URL?) throws {
        self.url = url
        do {
            if let url {
                database = try DatabaseQueue(path: url.path)
                let version = try database.read { try Int.fetchOne($0, sql: "PRAGMA user_version") ?? 0 }
                if version != 0 && version != LexicalIndex.schemaVersion {
                    try database.write { db in
                        for table in ["chunk_terms", "chunks", "files", "meta"] { try db.execute(sql: "DROP TABLE IF EXISTS \(table)") }
                        try db.execute(sql: "PRAGMA user_version = 0")
                    }
                }
            } else {
                database = try DatabaseQueue()
            }
            try database.write { db in try LexicalIndex.migrate(db) }
        } catch let error as DatabaseError {
            throw RetrievalError.index(path: url?.path ?? ":memory:", message: error.message ?? "\(error)")
        }
    }

    static func migrate(_ db: Database) throws {
        guard try Int.fetchOne(db, sql: "PRAGMA user_version") == 0 else { return }
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime REAL NOT NULL,
                hash TEXT NOT NULL, chunk_count INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS chunks(id INTEGER PRIMARY KEY, path TEXT NOT NULL, ordinal INTEGER NOT NULL,
                start_line INTEGER NOT NULL, end_line INTEGER NOT NULL, heading_path TEXT NOT NULL, text TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS chunks_by_path ON chunks(path);
            CREATE VIRTUAL TABLE IF NOT EXISTS chunk_terms USING fts5(terms, headings, tokenize = 'unicode61 remove_diacritics 0');
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
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM files") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM chunks") ?? 0)
        }
    }

    public func search(_ query: String, topK: Int) throws -> [RetrievedChunk] {
        var queryTerms: [String] = []
        var seen = Set<String>()
        for term in TextTokenizer.terms(query) where seen.insert(term).inserted { queryTerms.append(term) }
        guard !queryTerms.isEmpty, topK > 0 else { return [] }
        let match = queryTerms.map { "\"\($0)\"" }.joined(separator: " OR ")
        return try database.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT c.path, c.start_line, c.end_line, c.heading_path, c.text, chunk_terms.terms AS terms,
                       -bm25(chunk_terms, 1.0, 2.0) AS score
                FROM chunk_terms JOIN chunks c ON c.id = chunk_terms.rowid
                WHERE chunk_terms MATCH ?
                ORDER BY bm25(chunk_terms, 1.0, 2.0), c.path, c.ordinal
                LIMIT ?
                """, arguments: [match, topK])
            return rows.enumerated().map { offset, row in
                let terms = Set((row["terms"] as String).split(separator: " ").map(String.init))
                let heading: String = row["heading_path"]
                return RetrievedChunk(
                    rank: offset + 1, path: row["path"], startLine: row["start_line"], endLine: row["end_line"],
                    headingPath: heading.isEmpty ? [] : heading.components(separatedBy: "\u{1F}"),
                    score: row["score"], matchedTerms: queryTerms.filter { terms.contains($0) }, text: row["text"])
            }
        }
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
        public mutating func replace(_ path: String, state: FileState, chunks: [Chunk]) { replacements.append((path, state, chunks)) }
        /// Records a new mtime for a file whose content did not change.
        public mutating func touch(_ path: String, state: FileState) { touches.append((path, state)) }
        /// Removes a file that left the corpus.
        public mutating func remove(_ path: String) { removals.append(path) }
    }

    /// Applies `batch` atomically.
    public func apply(_ batch: Batch) throws {
        do {
            try database.write { db in
                for path in batch.removals { try LexicalIndex.delete(path, in: db) }
                for (path, state) in batch.touches {
                    try db.execute(sql: "UPDATE files SET size = ?, mtime = ? WHERE path = ?", arguments: [state.size, state.mtime, path])
                }
                // Prepared once per batch: re-preparing the same INSERT per row costs more than the insert.
                let insertChunk = try db.cachedStatement(sql: """
                    INSERT INTO chunks(path, ordinal, start_line, end_line, heading_path, text) VALUES (?, ?, ?, ?, ?, ?)
                    """)
                let insertTerms = try db.cachedStatement(sql: "INSERT INTO chunk_terms(rowid, terms, headings) VALUES (?, ?, ?)")
                let insertFile = try db.cachedStatement(sql: "INSERT INTO files(path, size, mtime, hash, chunk_count) VALUES (?, ?, ?, ?, ?)")
                for (path, state, chunks) in batch.replacements {
                    try LexicalIndex.delete(path, in: db)
                    for (ordinal, chunk) in chunks.enumerated() {
                        try insertChunk.execute(arguments: [path, ordinal, chunk.startLine, chunk.endLine,
                                                            chunk.headingPath.joined(separator: "\u{1F}"), chunk.text])
                        try insertTerms.execute(arguments: [db.lastInsertedRowID, TextTokenizer.terms(chunk.text).joined(separator: " "),
                                                            TextTokenizer.terms(chunk.headingPath.joined(separator: " ")).joined(separator: " ")])
                    }
                    try insertFile.execute(arguments: [path, state.size, state.mtime, state.hash, chunks.count])
                }
            }
        } catch let error as DatabaseError {
            throw RetrievalError.index(path: url?.path ?? ":memory:", message: error.message ?? "\(error)")
        }
    }

    /// Empties the index and records `settings` (the chunking it was built with), when they differ from the
    /// recorded ones: chunks made with other settings would be silently inconsistent.
    public func resetIfSettingsChanged(_ settings: String) throws -> Bool {
        try database.write { db in
            let recorded = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'chunking'")
            guard recorded != settings else { return false }
            try db.execute(sql: "DELETE FROM chunk_terms; DELETE FROM chunks; DELETE FROM files;")
            try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('chunking', ?)", arguments: [settings])
            return recorded != nil
        }
    }

    private static func delete(_ path: String, in db: Database) throws {
        for sql in ["DELETE FROM chunk_terms WHERE rowid IN (SELECT id FROM chunks WHERE path = ?)",
                    "DELETE FROM chunks WHERE path = ?", "DELETE FROM files WHERE path = ?"] {
            try db.cachedStatement(sql: sql).execute(arguments: [path])
        }
    }
}
