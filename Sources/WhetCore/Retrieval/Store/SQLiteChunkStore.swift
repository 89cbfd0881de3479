import Foundation
import GRDB

/// A workspace's own chunk store, `.whet/index.sqlite` (or in memory for read-only workspaces and tests).
/// Several whet processes share the file: SQLite serialises their writes, and `data_version` tells each one
/// when another has committed.
public final class SQLiteChunkStore: ChunkStore, @unchecked Sendable {
    // @unchecked: the DatabaseQueue serialises database access itself.
    let database: SQLiteFile

    /// Bumped whenever the schema or the tokenizer changes meaning; a mismatch rebuilds the index.
    /// Version 3: chunk ids are never reused (AUTOINCREMENT), so a process whose in-memory index predates
    /// another process's change can never map a stale document to a different chunk.
    /// Version 4: chunks of paged documents (PDF) record their pages, and every chunk its language.
    static let schemaVersion = 4
    /// The page size of a new store. Chunks are about a kilobyte of text and are written in batches of
    /// dozens: 16 KB pages write the same bytes in a quarter of the WAL frames and checkpoint copies (each a
    /// system call or two) that 4 KB pages took. A store made before keeps its pages.
    static let pageSize = 16_384

    public var displayName: String { database.path }

    /// Opens (creating if needed) the store at `url`, or an in-memory one when `url` is nil. A store written
    /// by another schema version is discarded and rebuilt, since it only holds derived data.
    public init(url: URL?) throws {
        database = try SQLiteFile(url: url, pageSize: SQLiteChunkStore.pageSize)
        if url != nil {
            let version = try database.read { try Int.fetchOne($0, sql: "PRAGMA user_version") ?? 0 }
            if version != 0 && version != SQLiteChunkStore.schemaVersion {
                try database.write { db in
                    for table in ["chunk_terms", "chunks", "files", "meta"] {
                        try db.execute(sql: "DROP TABLE IF EXISTS \(table)")
                    }
                    try db.execute(sql: "PRAGMA user_version = 0")
                }
            }
        }
        // Writes only when the schema is missing: opening a store that is up to date must not take the write
        // lock (several processes open it at once, and a full disk must not stop a search).
        if try database.read({ try Int.fetchOne($0, sql: "PRAGMA user_version") ?? 0 })
            != SQLiteChunkStore.schemaVersion
        {
            try database.write { db in try SQLiteChunkStore.migrate(db) }
        }
    }

    static func migrate(_ db: Database) throws {
        guard try Int.fetchOne(db, sql: "PRAGMA user_version") == 0 else { return }
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime REAL NOT NULL,
                    hash TEXT NOT NULL, chunk_count INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS chunks(id INTEGER PRIMARY KEY AUTOINCREMENT, path TEXT NOT NULL,
                    ordinal INTEGER NOT NULL, start_line INTEGER NOT NULL, end_line INTEGER NOT NULL,
                    heading_path TEXT NOT NULL, text TEXT NOT NULL,
                    page_first INTEGER, page_last INTEGER, page_first_line INTEGER, page_last_line INTEGER,
                    language TEXT NOT NULL DEFAULT 'en');
                CREATE INDEX IF NOT EXISTS chunks_by_path ON chunks(path);
                INSERT OR IGNORE INTO meta(key, value) VALUES ('store_id', lower(hex(randomblob(16))));
                PRAGMA user_version = \(schemaVersion);
                """)
    }

    // MARK: Reading

    public func fileStates() throws -> [String: LexicalIndex.FileState] {
        try database.read { db in
            var states: [String: LexicalIndex.FileState] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT path, size, mtime, hash FROM files") {
                states[row["path"]] = LexicalIndex.FileState(size: row["size"], mtime: row["mtime"], hash: row["hash"])
            }
            return states
        }
    }

    public func metadata(_ key: String) throws -> String? {
        try database.read { try String.fetchOne($0, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }

    public func counts() throws -> (files: Int, chunks: Int) {
        try database.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM files") ?? 0,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM chunks") ?? 0
            )
        }
    }

    public func chunkIDs(inFile path: String) throws -> [Int64] {
        try database.read {
            try Int64.fetchAll($0, sql: "SELECT id FROM chunks WHERE path = ? ORDER BY ordinal", arguments: [path])
        }
    }

    public func chunks(ids: [Int64]) throws -> [Int64: RetrievedChunk] {
        guard !ids.isEmpty else { return [:] }
        return try database.read { db in
            var found: [Int64: RetrievedChunk] = [:]
            let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
            for row in try Row.fetchAll(
                db,
                sql:
                    "SELECT id, path, start_line, end_line, heading_path, text, page_first, page_last, page_first_line, "
                    + "page_last_line FROM chunks WHERE id IN (\(placeholders))",
                arguments: StatementArguments(ids))
            {
                found[row["id"]] = StoredRow.result(
                    path: row["path"], startLine: row["start_line"], endLine: row["end_line"],
                    heading: row["heading_path"], text: row["text"],
                    pages: (row["page_first"], row["page_last"], row["page_first_line"], row["page_last_line"]))
            }
            return found
        }
    }

    public func storedChunks(after id: Int64, limit: Int?) throws -> [LexicalIndex.StoredChunk] {
        try storedChunks(where: "id > ? ORDER BY id" + (limit.map { " LIMIT \($0)" } ?? ""), [id])
    }

    public func storedChunks(ids: [Int64]) throws -> [LexicalIndex.StoredChunk] {
        var found: [LexicalIndex.StoredChunk] = []
        for start in stride(from: 0, to: ids.count, by: 5_000) {
            let part = Array(ids[start..<min(start + 5_000, ids.count)])
            let placeholders = Array(repeating: "?", count: part.count).joined(separator: ",")
            found += try storedChunks(where: "id IN (\(placeholders)) ORDER BY id", StatementArguments(part))
        }
        return found
    }

    /// The stored chunks a `WHERE` clause selects, as the inverted index takes them.
    private func storedChunks(where condition: String, _ arguments: StatementArguments) throws
        -> [LexicalIndex.StoredChunk]
    {
        try database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, heading_path, text, language FROM chunks WHERE \(condition)", arguments: arguments)
        }.map { row in
            StoredRow.stored(id: row["id"], heading: row["heading_path"], text: row["text"], language: row["language"])
        }
    }

    public func allChunkIDs(upTo maxID: Int64?) throws -> [Int64] {
        try database.read {
            try Int64.fetchAll(
                $0, sql: "SELECT id FROM chunks WHERE id <= ? ORDER BY id", arguments: [maxID ?? Int64.max])
        }
    }

    public func chunkCount(upTo maxID: Int64) throws -> Int {
        try database.read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM chunks WHERE id <= ?", arguments: [maxID]) ?? 0
        }
    }

    public func changeToken() throws -> Int { try database.dataVersion() }

    public func storeState() throws -> LexicalIndex.StoreState {
        try database.read { db in
            LexicalIndex.StoreState(
                id: try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'store_id'") ?? "",
                generation: Int(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'generation'") ?? "0")
                    ?? 0)
        }
    }

    /// A stored file with its chunks, as `whet index --from-local` copies it.
    public struct StoredFile: Sendable {
        public var path: String
        public var state: LexicalIndex.FileState
        public var chunks: [Chunk]
    }

    /// Calls `body` with every file and its chunks, `batchSize` files at a time, in path order.
    public func forEachFile(batchSize: Int, _ body: ([StoredFile]) throws -> Void) throws {
        var after = ""
        while true {
            let files: [StoredFile] = try database.read { db in
                let rows = try Row.fetchAll(
                    db, sql: "SELECT path, size, mtime, hash FROM files WHERE path > ? ORDER BY path LIMIT ?",
                    arguments: [after, batchSize])
                return try rows.map { row in
                    let path: String = row["path"]
                    let chunks = try Row.fetchAll(
                        db,
                        sql: """
                            SELECT start_line, end_line, heading_path, text, page_first, page_last, page_first_line,
                                page_last_line, language FROM chunks WHERE path = ? ORDER BY ordinal
                            """, arguments: [path]
                    ).map { chunkRow -> Chunk in
                        let result = StoredRow.result(
                            path: path, startLine: chunkRow["start_line"], endLine: chunkRow["end_line"],
                            heading: chunkRow["heading_path"], text: chunkRow["text"],
                            pages: (
                                chunkRow["page_first"], chunkRow["page_last"], chunkRow["page_first_line"],
                                chunkRow["page_last_line"]
                            ))
                        var chunk = Chunk(
                            text: result.text, startLine: result.startLine, endLine: result.endLine,
                            headingPath: result.headingPath)
                        chunk.pages = result.pages
                        chunk.language = (chunkRow["language"] as String?).flatMap(Language.named) ?? .english
                        return chunk
                    }
                    return StoredFile(
                        path: path,
                        state: LexicalIndex.FileState(size: row["size"], mtime: row["mtime"], hash: row["hash"]),
                        chunks: chunks)
                }
            }
            guard let last = files.last else { return }
            after = last.path
            try body(files)
        }
    }

    // MARK: Writing

    public func apply(_ batch: LexicalIndex.Batch) throws -> (removed: [Int64], added: [LexicalIndex.StoredChunk]) {
        var removedIDs: [Int64] = []
        var added: [LexicalIndex.StoredChunk] = []
        do {
            try database.queue.write { db in
                try SQLiteChunkStore.bumpGeneration(db)
                let idsOfPath = try db.cachedStatement(sql: "SELECT id FROM chunks WHERE path = ?")
                for path in batch.removals + batch.replacements.map(\.path) {
                    removedIDs += try Int64.fetchAll(idsOfPath, arguments: [path])
                }
                for path in batch.removals { try SQLiteChunkStore.delete(path, in: db) }
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
                    try SQLiteChunkStore.delete(path, in: db)
                    for (ordinal, chunk) in chunks.enumerated() {
                        try insertChunk.execute(arguments: [
                            path, ordinal, chunk.startLine, chunk.endLine,
                            chunk.headingPath.joined(separator: "\u{1F}"), chunk.text, chunk.pages?.first,
                            chunk.pages?.last, chunk.pages?.firstLine, chunk.pages?.lastLine, chunk.language.code,
                        ])
                        added.append(
                            LexicalIndex.StoredChunk(
                                id: db.lastInsertedRowID, heading: chunk.headingPath.joined(separator: " "),
                                text: chunk.text, language: chunk.language))
                    }
                    try insertFile.execute(arguments: [path, state.size, state.mtime, state.hash, chunks.count])
                }
            }
        } catch {
            throw SQLiteFile.translate(error, path: database.path)
        }
        return (removedIDs, added)
    }

    public func resetIfSettingsChanged(_ settings: String) throws -> Bool {
        let unchanged = try database.read {
            try String.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'chunking'") == settings
        }
        if unchanged { return false }
        return try database.write { db in
            let recorded = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'chunking'")
            guard recorded != settings else { return false }
            try db.execute(sql: "DELETE FROM chunks; DELETE FROM files;")
            try db.execute(sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('chunking', ?)", arguments: [settings])
            try SQLiteChunkStore.renewIdentity(db)
            return recorded != nil
        }
    }

    /// Empties the store in one transaction, in place: other processes that have the file open see the change
    /// through `data_version`, where deleting the file would leave them reading a file nobody updates.
    public func removeAll() throws {
        try database.write { db in
            try db.execute(sql: "DELETE FROM chunks; DELETE FROM files; DELETE FROM meta;")
            try SQLiteChunkStore.renewIdentity(db)
        }
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

/// Stored columns turned into whet's values, the same way for every store.
enum StoredRow {
    /// A search result from a chunk's stored columns (heading parts are joined by U+001F in the store).
    static func result(
        path: String, startLine: Int, endLine: Int, heading: String, text: String,
        pages: (Int?, Int?, Int?, Int?)
    ) -> RetrievedChunk {
        var chunk = RetrievedChunk(
            rank: 0, path: path, startLine: startLine, endLine: endLine,
            headingPath: heading.isEmpty ? [] : heading.components(separatedBy: "\u{1F}"), score: 0,
            matchedTerms: [], text: text)
        if let first = pages.0, let last = pages.1 {
            chunk.pages = PageSpan(first: first, last: last, firstLine: pages.2 ?? 1, lastLine: pages.3 ?? 1)
        }
        return chunk
    }

    /// A chunk as the inverted index takes it.
    static func stored(id: Int64, heading: String, text: String, language: String?) -> LexicalIndex.StoredChunk {
        LexicalIndex.StoredChunk(
            id: id, heading: heading.replacingOccurrences(of: "\u{1F}", with: " "), text: text,
            language: language.flatMap(Language.named) ?? .english)
    }
}
