import Foundation
import PostgresNIO

/// A chunk store in PostgreSQL that a team shares (`[store] url`): the same files/chunks/meta tables as the
/// workspace's SQLite file, in a schema of their own, plus who indexed each file. Ranking stays whet's own
/// BM25, built in each process from the store (or from its local snapshot) and kept fresh by the store's
/// generation, so results are identical to a local index of the same corpus.
///
/// Writers are serialised twice: `whet index` holds a session advisory lock for its whole run (a second
/// indexer waits and says for whom), and every batch takes a transaction-level one, so chunk ids are handed
/// out in commit order and a reader's "ids above the newest I have" never misses a late commit. Each batch
/// commits with its generation bump and a NOTIFY on `channel`, which running workbenches listen to.
public final class PostgresChunkStore: ChunkStore, @unchecked Sendable {
    // @unchecked: the session serialises its queries; the stored properties are constants.
    /// The connection (whet-bench runs its own SQL on it).
    public let session: PostgresSession
    /// The schema, quoted for SQL.
    let schema: String
    /// Who this process indexes as (`user@host:/workspace`), recorded per file.
    public let owner: String
    /// The NOTIFY channel of this store's changes.
    public let channel: String

    static let schemaVersion = 1
    /// Advisory lock keys: the indexing run, one batch, and creating the schema.
    static let indexLockKey: Int64 = 0x7768_6574_0001
    static let batchLockKey: Int64 = 0x7768_6574_0002
    static let setupLockKey: Int64 = 0x7768_6574_0003

    public var displayName: String { session.display }

    /// Connects and creates the schema when it is missing (under a lock, so two first users do not race).
    public init(_ settings: StoreSettings, owner: String, applicationName: String) throws {
        let address = try PostgresAddress(parsing: settings.url)
        guard settings.schema.range(of: "^[a-z_][a-z0-9_]{0,40}$", options: .regularExpression) != nil else {
            throw StoreError.badURL(
                url: settings.url,
                expected: "[store] schema of lower-case letters, digits and _ (found '\(settings.schema)')")
        }
        session = try PostgresSession(address, passwordEnv: settings.passwordEnv, applicationName: applicationName)
        schema = "\"\(settings.schema)\""
        self.owner = owner
        channel = "whet_\(settings.schema)"
        try createSchemaIfMissing()
    }

    private func createSchemaIfMissing() throws {
        let present = try session.query("SELECT to_regclass('\(schema).meta') IS NOT NULL").first?.decode(Bool.self)
        if present != true {
            try session.transaction {
                try session.query("SELECT pg_advisory_xact_lock(\(PostgresChunkStore.setupLockKey))")
                try session.query("CREATE SCHEMA IF NOT EXISTS \(schema)")
                for statement in [
                    "CREATE TABLE IF NOT EXISTS \(schema).meta(key text PRIMARY KEY, value text NOT NULL)",
                    """
                    CREATE TABLE IF NOT EXISTS \(schema).files(path text PRIMARY KEY, size bigint NOT NULL,
                        mtime double precision NOT NULL, hash text NOT NULL, chunk_count integer NOT NULL,
                        indexed_by text NOT NULL, indexed_at timestamptz NOT NULL DEFAULT now())
                    """,
                    """
                    CREATE TABLE IF NOT EXISTS \(schema).chunks(id bigserial PRIMARY KEY, path text NOT NULL,
                        ordinal integer NOT NULL, start_line integer NOT NULL, end_line integer NOT NULL,
                        heading_path text NOT NULL, text text NOT NULL, page_first integer, page_last integer,
                        page_first_line integer, page_last_line integer, language text NOT NULL DEFAULT 'en',
                        content_hash text NOT NULL)
                    """,
                    "CREATE INDEX IF NOT EXISTS chunks_by_path ON \(schema).chunks(path)",
                    "CREATE INDEX IF NOT EXISTS chunks_by_content ON \(schema).chunks(content_hash)",
                    """
                    INSERT INTO \(schema).meta(key, value) VALUES ('store_id', md5(random()::text || clock_timestamp()::text)),
                        ('generation', '0'), ('schema_version', '\(PostgresChunkStore.schemaVersion)')
                        ON CONFLICT (key) DO NOTHING
                    """,
                ] {
                    try session.query(statement)
                }
            }
        }
        let version = try metadata("schema_version")
        guard version == String(PostgresChunkStore.schemaVersion) else {
            throw StoreError.schema(
                server: displayName,
                message:
                    "schema \(schema) holds whet store version \(version ?? "none"), this whet reads version \(PostgresChunkStore.schemaVersion)"
            )
        }
    }

    // MARK: Reading

    public func fileStates() throws -> [String: LexicalIndex.FileState] {
        var states: [String: LexicalIndex.FileState] = [:]
        for row in try session.query("SELECT path, size, mtime, hash FROM \(schema).files") {
            let (path, size, mtime, hash) = try row.decode((String, Int64, Double, String).self)
            states[path] = LexicalIndex.FileState(size: size, mtime: mtime, hash: hash)
        }
        return states
    }

    /// Who indexed each file.
    public func fileOwners() throws -> [String: String] {
        var owners: [String: String] = [:]
        for row in try session.query("SELECT path, indexed_by FROM \(schema).files") {
            let (path, owner) = try row.decode((String, String).self)
            owners[path] = owner
        }
        return owners
    }

    public func metadata(_ key: String) throws -> String? {
        var binds = PostgresBindings()
        binds.append(key)
        return try session.query("SELECT value FROM \(schema).meta WHERE key = $1", binds).first?.decode(String.self)
    }

    public func counts() throws -> (files: Int, chunks: Int) {
        guard
            let row = try session.query(
                "SELECT (SELECT count(*) FROM \(schema).files), (SELECT count(*) FROM \(schema).chunks)"
            ).first
        else { return (0, 0) }
        let (files, chunks) = try row.decode((Int64, Int64).self)
        return (Int(files), Int(chunks))
    }

    public func chunkIDs(inFile path: String) throws -> [Int64] {
        var binds = PostgresBindings()
        binds.append(path)
        return try session.query("SELECT id FROM \(schema).chunks WHERE path = $1 ORDER BY ordinal", binds).map {
            try $0.decode(Int64.self)
        }
    }

    public func chunks(ids: [Int64]) throws -> [Int64: RetrievedChunk] {
        guard !ids.isEmpty else { return [:] }
        var binds = PostgresBindings()
        binds.append(ids)
        var found: [Int64: RetrievedChunk] = [:]
        for row in try session.query(
            """
            SELECT id, path, start_line, end_line, heading_path, text, page_first, page_last, page_first_line,
                page_last_line FROM \(schema).chunks WHERE id = ANY($1)
            """, binds)
        {
            let (id, path, start, end, heading, text, first, last, firstLine, lastLine) = try row.decode(
                (Int64, String, Int32, Int32, String, String, Int32?, Int32?, Int32?, Int32?).self)
            found[id] = StoredRow.result(
                path: path, startLine: Int(start), endLine: Int(end), heading: heading, text: text,
                pages: (first.map(Int.init), last.map(Int.init), firstLine.map(Int.init), lastLine.map(Int.init)))
        }
        return found
    }

    public func storedChunks(after id: Int64, limit: Int?) throws -> [LexicalIndex.StoredChunk] {
        var binds = PostgresBindings()
        binds.append(id)
        return try stored(
            "WHERE id > $1 ORDER BY id" + (limit.map { " LIMIT \($0)" } ?? ""), binds)
    }

    public func storedChunks(ids: [Int64]) throws -> [LexicalIndex.StoredChunk] {
        guard !ids.isEmpty else { return [] }
        var binds = PostgresBindings()
        binds.append(ids)
        return try stored("WHERE id = ANY($1) ORDER BY id", binds)
    }

    private func stored(_ condition: String, _ binds: PostgresBindings) throws -> [LexicalIndex.StoredChunk] {
        try session.query("SELECT id, heading_path, text, language FROM \(schema).chunks \(condition)", binds).map {
            let (id, heading, text, language) = try $0.decode((Int64, String, String, String).self)
            return StoredRow.stored(id: id, heading: heading, text: text, language: language)
        }
    }

    public func allChunkIDs(upTo maxID: Int64?) throws -> [Int64] {
        var binds = PostgresBindings()
        binds.append(maxID ?? Int64.max)
        return try session.query("SELECT id FROM \(schema).chunks WHERE id <= $1 ORDER BY id", binds).map {
            try $0.decode(Int64.self)
        }
    }

    public func chunkCount(upTo maxID: Int64) throws -> Int {
        var binds = PostgresBindings()
        binds.append(maxID)
        return Int(
            try session.query("SELECT count(*) FROM \(schema).chunks WHERE id <= $1", binds).first?.decode(
                Int64.self) ?? 0)
    }

    /// The generation: every committed batch moves it (SQLite's `data_version` has no counterpart here).
    public func changeToken() throws -> Int { try storeState().generation }

    public func storeState() throws -> LexicalIndex.StoreState {
        var id = ""
        var generation = 0
        for row in try session.query(
            "SELECT key, value FROM \(schema).meta WHERE key IN ('store_id', 'generation')")
        {
            let (key, value) = try row.decode((String, String).self)
            if key == "store_id" { id = value } else { generation = Int(value) ?? 0 }
        }
        return LexicalIndex.StoreState(id: id, generation: generation)
    }

    // MARK: The indexing lock

    /// Takes the store's indexing lock for this connection's life (or until `unlockIndexing`), waiting for
    /// another indexer when `wait` is given: it is told who holds the lock first.
    public func lockIndexing(wait: ((String) -> Void)?) throws {
        let taken = try session.query("SELECT pg_try_advisory_lock(\(PostgresChunkStore.indexLockKey))").first?.decode(
            Bool.self)
        if taken == true { return }
        let holder = try lockHolder() ?? "another whet process"
        guard let wait else { throw StoreError.busy(server: displayName, holder: holder) }
        wait(holder)
        try session.query("SELECT pg_advisory_lock(\(PostgresChunkStore.indexLockKey))")
    }

    /// Releases the indexing lock.
    public func unlockIndexing() {
        _ = try? session.query("SELECT pg_advisory_unlock(\(PostgresChunkStore.indexLockKey))")
    }

    /// Who holds the indexing lock (the application name its whet gave), or nil when nobody does.
    public func lockHolder() throws -> String? {
        let key = PostgresChunkStore.indexLockKey
        let rows = try session.query(
            """
            SELECT coalesce(nullif(a.application_name, ''), 'pid ' || a.pid::text), a.backend_start::text
            FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.classid = \(key >> 32) AND l.objid = \(key & 0xFFFF_FFFF)
            """)
        guard let row = rows.first else { return nil }
        let (name, since) = try row.decode((String, String).self)
        return "\(name) (since \(since.prefix(19)))"
    }

    /// Calls `changed` with the new generation whenever another process commits to the store.
    public func onChange(_ changed: @escaping @Sendable (Int) -> Void) throws {
        try session.listen(channel) { payload in changed(Int(payload) ?? 0) }
    }
}
