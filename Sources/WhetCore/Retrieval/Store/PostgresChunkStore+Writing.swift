import Foundation
import PostgresNIO

/// Writing to the shared store: a batch of files replaced and removed in one transaction under the batch lock,
/// the generation bumped so every reader notices, and emptying the store (a new identity, so snapshots of the
/// old contents are never taken for the new).
extension PostgresChunkStore {

    public func apply(_ batch: LexicalIndex.Batch) throws -> (removed: [Int64], added: [LexicalIndex.StoredChunk]) {
        try session.transaction {
            try session.query("SELECT pg_advisory_xact_lock(\(PostgresChunkStore.batchLockKey))")
            var removed: [Int64] = []
            let replaced = batch.removals + batch.replacements.map(\.path)
            if !replaced.isEmpty {
                var binds = PostgresBindings()
                binds.append(replaced)
                removed = try session.query(
                    "DELETE FROM \(schema).chunks WHERE path = ANY($1) RETURNING id", binds
                ).map { try $0.decode(Int64.self) }.sorted()
                try session.query("DELETE FROM \(schema).files WHERE path = ANY($1)", binds)
            }
            for (path, state) in batch.touches {
                var binds = PostgresBindings()
                binds.append(state.size)
                binds.append(state.mtime)
                binds.append(path)
                try session.query("UPDATE \(schema).files SET size = $1, mtime = $2 WHERE path = $3", binds)
            }
            let added = try insert(batch.replacements)
            try bumpGeneration()
            return (removed, added)
        }
    }

    /// Inserts the chunks and files of `replacements` in two statements (arrays unnested server-side: one round
    /// trip per batch, not per chunk), returning the new chunks in id order.
    private func insert(_ replacements: [(path: String, state: LexicalIndex.FileState, chunks: [Chunk])]) throws
        -> [LexicalIndex.StoredChunk]
    {
        guard !replacements.isEmpty else { return [] }
        var paths: [String] = []
        var ordinals: [Int64] = []
        var starts: [Int64] = []
        var ends: [Int64] = []
        var headings: [String] = []
        var texts: [String] = []
        var pages: [[Int64]] = [[], [], [], []]
        var languages: [String] = []
        var hashes: [String] = []
        var byKey: [String: Chunk] = [:]
        for (path, _, chunks) in replacements {
            for (ordinal, chunk) in chunks.enumerated() {
                paths.append(path)
                ordinals.append(Int64(ordinal))
                starts.append(Int64(chunk.startLine))
                ends.append(Int64(chunk.endLine))
                headings.append(PostgresChunkStore.clean(chunk.headingPath.joined(separator: "\u{1F}")))
                texts.append(PostgresChunkStore.clean(chunk.text))
                pages[0].append(Int64(chunk.pages?.first ?? 0))
                pages[1].append(Int64(chunk.pages?.last ?? 0))
                pages[2].append(Int64(chunk.pages?.firstLine ?? 0))
                pages[3].append(Int64(chunk.pages?.lastLine ?? 0))
                languages.append(chunk.language.code)
                hashes.append(
                    DenseRetriever.embeddingInput(heading: chunk.headingPath.joined(separator: " "), text: chunk.text)
                        .hash)
                byKey["\(ordinal)\u{0}\(path)"] = chunk
            }
        }
        var added: [LexicalIndex.StoredChunk] = []
        if !paths.isEmpty {
            var binds = PostgresBindings()
            for column in [paths] { binds.append(column) }
            binds.append(ordinals)
            binds.append(starts)
            binds.append(ends)
            binds.append(headings)
            binds.append(texts)
            for column in pages { binds.append(column) }
            binds.append(languages)
            binds.append(hashes)
            for row in try session.query(
                """
                INSERT INTO \(schema).chunks(path, ordinal, start_line, end_line, heading_path, text, page_first,
                    page_last, page_first_line, page_last_line, language, content_hash)
                SELECT p, o, s, e, h, t, NULLIF(pf, 0), NULLIF(pl, 0), NULLIF(pfl, 0), NULLIF(pll, 0), l, x
                FROM unnest($1::text[], $2::int8[], $3::int8[], $4::int8[], $5::text[], $6::text[], $7::int8[],
                    $8::int8[], $9::int8[], $10::int8[], $11::text[], $12::text[]) WITH ORDINALITY AS u(p, o, s, e, h,
                    t, pf, pl, pfl, pll, l, x, n)
                ORDER BY n
                RETURNING id, path, ordinal
                """, binds)
            {
                let (id, path, ordinal) = try row.decode((Int64, String, Int32).self)
                guard let chunk = byKey["\(ordinal)\u{0}\(path)"] else { continue }
                added.append(
                    LexicalIndex.StoredChunk(
                        id: id, heading: chunk.headingPath.joined(separator: " "), text: chunk.text,
                        language: chunk.language))
            }
        }
        var binds = PostgresBindings()
        binds.append(replacements.map(\.path))
        binds.append(replacements.map(\.state.size))
        binds.append(replacements.map(\.state.mtime))
        binds.append(replacements.map(\.state.hash))
        binds.append(replacements.map { Int64($0.chunks.count) })
        binds.append(owner)
        try session.query(
            """
            INSERT INTO \(schema).files(path, size, mtime, hash, chunk_count, indexed_by)
            SELECT p, s, m, h, c, $6 FROM unnest($1::text[], $2::int8[], $3::float8[], $4::text[], $5::int8[])
                AS u(p, s, m, h, c)
            """, binds)
        return added.sorted { $0.id < $1.id }
    }

    /// PostgreSQL's text cannot hold NUL; a chunk's text never needs it.
    private static func clean(_ text: String) -> String {
        text.contains("\u{0}") ? text.replacingOccurrences(of: "\u{0}", with: "") : text
    }

    /// Moves the generation and tells listeners (delivered when the transaction commits).
    private func bumpGeneration() throws {
        let generation =
            try session.query(
                """
                UPDATE \(schema).meta SET value = (value::bigint + 1)::text WHERE key = 'generation' RETURNING value
                """
            ).first?.decode(String.self) ?? "0"
        var binds = PostgresBindings()
        binds.append(channel)
        binds.append(generation)
        try session.query("SELECT pg_notify($1, $2)", binds)
    }

    public func resetIfSettingsChanged(_ settings: String) throws -> Bool {
        if try metadata("chunking") == settings { return false }
        return try session.transaction {
            try session.query("SELECT pg_advisory_xact_lock(\(PostgresChunkStore.batchLockKey))")
            var binds = PostgresBindings()
            binds.append(settings)
            let recorded = try metadata("chunking")
            guard recorded != settings else { return false }
            try session.query("DELETE FROM \(schema).chunks")
            try session.query("DELETE FROM \(schema).files")
            try session.query(
                "INSERT INTO \(schema).meta(key, value) VALUES ('chunking', $1) ON CONFLICT (key) DO UPDATE SET value = $1",
                binds)
            try renewIdentity()
            return recorded != nil
        }
    }

    public func removeAll() throws {
        try session.transaction {
            try session.query("SELECT pg_advisory_xact_lock(\(PostgresChunkStore.batchLockKey))")
            try session.query("DELETE FROM \(schema).chunks")
            try session.query("DELETE FROM \(schema).files")
            try session.query("DELETE FROM \(schema).meta WHERE key = 'chunking'")
            try renewIdentity()
        }
    }

    private func renewIdentity() throws {
        try session.query(
            "UPDATE \(schema).meta SET value = md5(random()::text || clock_timestamp()::text) WHERE key = 'store_id'")
        try bumpGeneration()
    }
}
