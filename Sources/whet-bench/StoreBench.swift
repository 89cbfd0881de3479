import Foundation
import PostgresNIO
import WhetCore

/// `whet-bench store DIR --url postgresql://… [--vectors N] [--dims D]`: the shared PostgreSQL store against the
/// workspace's SQLite file on a BEIR-layout collection (each document one chunk, its title the heading):
///
/// - index throughput into each store (batches of 64 documents, as `whet index` commits);
/// - a new process's first search (the in-memory index built from each store's rows, no snapshot);
/// - queries per second through `LexicalIndex.search` (BM25 in memory, the result rows read from the store);
/// - the identical-ranking check: top-10 paths and scores equal for every query, and nDCG@10 from each;
/// - the alternative design, postings in PostgreSQL and BM25 summed in SQL: its load time, queries per second
///   and nDCG@10;
/// - with `--vectors N`: N clustered vectors of D dimensions in pgvector, HNSW build time, top-10 latency
///   (median over 200 queries) with HNSW and exact, and HNSW's recall@10 against the exact answer.
///
/// The database is emptied first (schema `whet_bench`). PGPASSWORD supplies the password.
func benchmarkStore(_ directory: URL, url: String, vectors: Int, dimensions: Int) throws {
    let documents = try readJSONLines(directory.appendingPathComponent("corpus.jsonl"))
    let queries = try readJSONLines(directory.appendingPathComponent("queries.jsonl")).compactMap {
        query -> (id: String, text: String)? in
        guard let id = query["_id"] as? String, let text = query["text"] as? String else { return nil }
        return (id, text)
    }
    let judgements = readQrels(directory.appendingPathComponent("qrels.tsv"))
    let parameters = BM25Parameters()
    func report(_ line: String) { print(line) }
    report("collection: \(directory.lastPathComponent), \(documents.count) documents, \(queries.count) queries")

    // The same chunks for both stores.
    var batches: [LexicalIndex.Batch] = []
    var batch = LexicalIndex.Batch()
    for document in documents {
        let id = document["_id"] as? String ?? ""
        let text = document["text"] as? String ?? ""
        let title = document["title"] as? String ?? ""
        var chunk = Chunk(text: text, startLine: 1, endLine: 1, headingPath: title.isEmpty ? [] : [title])
        chunk.language = LanguageDetector.detect(title + "\n" + text)
        batch.replace(
            "doc/\(id)", state: LexicalIndex.FileState(size: Int64(text.utf8.count), mtime: 0, hash: id),
            chunks: [chunk])
        if batch.count == 64 {
            batches.append(batch)
            batch = LexicalIndex.Batch()
        }
    }
    if batch.count > 0 { batches.append(batch) }

    let settings = StoreSettings(url: url, schema: "whet_bench")
    let cleaner = try PostgresChunkStore(settings, owner: "bench", applicationName: "whet-bench store")
    try cleaner.removeAll()
    let sqliteURL = FileManager.default.temporaryDirectory.appendingPathComponent("whet-bench-\(UUID()).sqlite")
    defer {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: sqliteURL.path + suffix) }
    }

    struct Measured {
        var indexSeconds = 0.0
        var firstSearch = 0.0
        var queriesPerSecond = 0.0
        var top10: [String: [(String, Double)]] = [:]
    }
    func measure(_ makeStore: () throws -> any ChunkStore) throws -> Measured {
        var measured = Measured()
        let writer = try LexicalIndex(store: try makeStore(), snapshotURL: nil, parameters: parameters)
        measured.indexSeconds = try seconds { for batch in batches { try writer.apply(batch) } }
        // A new process: a new connection and an index built from the store's rows.
        let reader = try LexicalIndex(store: try makeStore(), snapshotURL: nil, parameters: parameters)
        measured.firstSearch = try seconds { _ = try reader.search(queries.first?.text ?? "x", topK: 10) }
        for query in queries { _ = try reader.search(query.text, topK: 10) }  // warm-up
        var times: [Double] = []
        for _ in 0..<3 {
            times.append(
                try seconds {
                    for query in queries {
                        measured.top10[query.id] = try reader.search(query.text, topK: 10).map { ($0.path, $0.score) }
                    }
                })
        }
        measured.queriesPerSecond = Double(queries.count) / median(times)
        return measured
    }
    let local = try measure { try SQLiteChunkStore(url: sqliteURL) }
    let shared = try measure { try PostgresChunkStore(settings, owner: "bench", applicationName: "whet-bench store") }
    let differing = queries.filter { query in
        let a = local.top10[query.id] ?? []
        let b = shared.top10[query.id] ?? []
        return a.map(\.0) != b.map(\.0) || a.map(\.1) != b.map(\.1)
    }.count
    func ndcg(_ ranked: [String: [String]]) -> Double? {
        let values = ranked.compactMap { id, list in
            judgements[id].flatMap { $0.isEmpty ? nil : ndcgAt10(list, gains: $0) }
        }
        return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }
    func ids(_ measured: Measured) -> [String: [String]] {
        measured.top10.mapValues { $0.map { String($0.0.dropFirst(4)) } }
    }
    let docsPerSecond = { (seconds: Double) in Int(Double(documents.count) / seconds) }
    report(
        "local SQLite store: index \(String(format: "%.2f", local.indexSeconds)) s (\(docsPerSecond(local.indexSeconds)) docs/s), "
            + "first search \(String(format: "%.3f", local.firstSearch)) s, \(Int(local.queriesPerSecond)) queries/s")
    report(
        "PostgreSQL store:   index \(String(format: "%.2f", shared.indexSeconds)) s (\(docsPerSecond(shared.indexSeconds)) docs/s), "
            + "first search \(String(format: "%.3f", shared.firstSearch)) s, \(Int(shared.queriesPerSecond)) queries/s")
    report(
        "identical top-10 (paths and scores): \(queries.count - differing)/\(queries.count) queries"
            + (ndcg(ids(local)).map {
                "; nDCG@10 local \(String(format: "%.4f", $0)), PostgreSQL \(String(format: "%.4f", ndcg(ids(shared)) ?? 0))"
            } ?? ""))

    try benchmarkSQLScoring(
        cleaner, documents: documents, queries: queries, parameters: parameters, report: report,
        ndcg: { ndcg($0) })
    if vectors > 0 { try benchmarkHNSW(cleaner, rows: vectors, dimensions: dimensions, report: report) }
    try cleaner.removeAll()
}

/// The other design: postings in PostgreSQL, BM25 summed by the server per query (same analysis, same formula).
private func benchmarkSQLScoring(
    _ store: PostgresChunkStore, documents: [[String: Any]], queries: [(id: String, text: String)],
    parameters: BM25Parameters, report: (String) -> Void, ndcg: ([String: [String]]) -> Double?
) throws {
    let session = store.session
    try session.query("DROP TABLE IF EXISTS whet_bench.postings")
    try session.query("DROP TABLE IF EXISTS whet_bench.lengths")
    try session.query("CREATE TABLE whet_bench.postings(term text NOT NULL, doc text NOT NULL, tf real NOT NULL)")
    try session.query("CREATE TABLE whet_bench.lengths(doc text PRIMARY KEY, length real NOT NULL)")
    let analyzer = BM25Index(parameters: parameters)
    var terms: [String] = []
    var docs: [String] = []
    var weights: [Float] = []
    var lengthDocs: [String] = []
    var lengths: [Float] = []
    func flush() throws {
        var binds = PostgresBindings()
        binds.append(terms)
        binds.append(docs)
        binds.append(weights)
        try session.query(
            "INSERT INTO whet_bench.postings SELECT * FROM unnest($1::text[], $2::text[], $3::real[])", binds)
        var lengthBinds = PostgresBindings()
        lengthBinds.append(lengthDocs)
        lengthBinds.append(lengths)
        try session.query("INSERT INTO whet_bench.lengths SELECT * FROM unnest($1::text[], $2::real[])", lengthBinds)
        terms = []
        docs = []
        weights = []
        lengthDocs = []
        lengths = []
    }
    let load = try seconds {
        for document in documents {
            let id = document["_id"] as? String ?? ""
            var tf: [String: Float] = [:]
            for term in analyzer.analyze(document["text"] as? String ?? "") { tf[term, default: 0] += 1 }
            for term in analyzer.analyze(document["title"] as? String ?? "") {
                tf[term, default: 0] += Float(parameters.headingWeight)
            }
            for (term, weight) in tf {
                terms.append(term)
                docs.append(id)
                weights.append(weight)
            }
            lengthDocs.append(id)
            lengths.append(tf.values.reduce(0, +))
            if terms.count > 50_000 { try flush() }
        }
        try flush()
        try session.query("CREATE INDEX ON whet_bench.postings(term)")
        try session.query("ANALYZE whet_bench.postings")
        try session.query("ANALYZE whet_bench.lengths")
    }
    let count = documents.count
    let average =
        try session.query("SELECT avg(length)::float8 FROM whet_bench.lengths").first?.decode(Double.self) ?? 1
    func search(_ text: String) throws -> [String] {
        let wanted = analyzer.analyze(text)
        guard !wanted.isEmpty else { return [] }
        var binds = PostgresBindings()
        binds.append(wanted)
        return try session.query(
            """
            WITH q AS (SELECT term, count(*)::real AS qtf FROM unnest($1::text[]) AS u(term) GROUP BY term),
            df AS (SELECT p.term, count(*)::float8 AS n FROM whet_bench.postings p JOIN q USING (term) GROUP BY p.term)
            SELECT p.doc FROM whet_bench.postings p JOIN q USING (term) JOIN df USING (term)
                JOIN whet_bench.lengths l ON l.doc = p.doc
            GROUP BY p.doc
            ORDER BY sum(ln(1 + (\(count) - df.n + 0.5) / (df.n + 0.5)) * q.qtf * \(parameters.k1 + 1) * p.tf
                / (p.tf + \(parameters.k1) * (1 - \(parameters.b) + \(parameters.b) * l.length / \(average)))) DESC, p.doc
            LIMIT 10
            """, binds
        ).map { try $0.decode(String.self) }
    }
    for query in queries.prefix(50) { _ = try search(query.text) }  // warm-up
    var ranked: [String: [String]] = [:]
    let elapsed = try seconds { for query in queries { ranked[query.id] = try search(query.text) } }
    report(
        "postings in PostgreSQL, BM25 in SQL: load \(String(format: "%.2f", load)) s, "
            + "\(Int(Double(queries.count) / elapsed)) queries/s"
            + (ndcg(ranked).map { ", nDCG@10 \(String(format: "%.4f", $0))" } ?? ""))
    try session.query("DROP TABLE whet_bench.postings")
    try session.query("DROP TABLE whet_bench.lengths")
}

/// pgvector at scale: clustered random vectors (embeddings of real text cluster by topic; uniformly random
/// ones are HNSW's worst case), HNSW against exact search.
private func benchmarkHNSW(_ store: PostgresChunkStore, rows: Int, dimensions: Int, report: (String) -> Void) throws {
    let session = store.session
    guard
        try session.query("SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'").first?.decode(
            Int64.self) ?? 0 > 0
    else {
        report("dense: the server has no pgvector; skipped")
        return
    }
    try session.query("CREATE EXTENSION IF NOT EXISTS vector")
    try session.query("DROP TABLE IF EXISTS whet_bench.vectors")
    try session.query("CREATE TABLE whet_bench.vectors(id int8 PRIMARY KEY, embedding vector(\(dimensions)) NOT NULL)")
    var generator = SystemRandomNumberGenerator()
    let centres = (0..<200).map { _ in (0..<dimensions).map { _ in Float.random(in: -1...1, using: &generator) } }
    func normalised(_ vector: [Float]) -> [Float] {
        let norm = max(sqrt(vector.reduce(0) { $0 + $1 * $1 }), 1e-9)
        return vector.map { $0 / norm }
    }
    func sample() -> [Float] {
        let centre = centres[Int.random(in: 0..<centres.count, using: &generator)]
        return normalised(centre.map { $0 + Float.random(in: -0.6...0.6, using: &generator) })
    }
    var exact = DenseIndex(dimensions: dimensions)
    let load = try seconds {
        var start = 0
        while start < rows {
            let count = min(2_000, rows - start)
            let batch = (0..<count).map { _ in sample() }
            for vector in batch { _ = exact.add(vector) }
            var binds = PostgresBindings()
            binds.append((start..<(start + count)).map { Int64($0) })
            binds.append(batch.map { "[" + $0.map { $0.description }.joined(separator: ",") + "]" })
            try session.query(
                "INSERT INTO whet_bench.vectors SELECT i, v::vector FROM unnest($1::int8[], $2::text[]) AS u(i, v)",
                binds)
            start += count
        }
    }
    let build = try seconds {
        try session.query("SET maintenance_work_mem = '1GB'")
        try session.query(
            "CREATE INDEX ON whet_bench.vectors USING hnsw (embedding vector_cosine_ops)", timeout: 3_600)
    }
    let probes = (0..<200).map { _ in sample() }
    func nearest(_ vector: [Float], exactScan: Bool) throws -> [Int64] {
        var binds = PostgresBindings()
        binds.append("[" + vector.map { $0.description }.joined(separator: ",") + "]")
        return try session.transaction {
            try session.query("SET LOCAL hnsw.ef_search = 40")
            if exactScan { try session.query("SET LOCAL enable_indexscan = off") }
            return try session.query(
                "SELECT id FROM whet_bench.vectors ORDER BY embedding <=> $1::vector LIMIT 10", binds
            ).map { try $0.decode(Int64.self) }
        }
    }
    var hnswTimes: [Double] = []
    var exactTimes: [Double] = []
    var memoryTimes: [Double] = []
    var recall: [Double] = []
    for probe in probes {
        var found: [Int64] = []
        hnswTimes.append(try seconds { found = try nearest(probe, exactScan: false) })
        var truth: [Int] = []
        memoryTimes.append(seconds { truth = exact.search(probe, topK: 10).map(\.index) })
        recall.append(Double(Set(found.map(Int.init)).intersection(truth).count) / 10)
    }
    for probe in probes.prefix(20) { exactTimes.append(try seconds { _ = try nearest(probe, exactScan: true) }) }
    report(
        "pgvector, \(rows) × \(dimensions) vectors: load \(String(format: "%.1f", load)) s, HNSW build "
            + "\(String(format: "%.1f", build)) s; top-10 median \(String(format: "%.2f", median(hnswTimes) * 1000)) ms "
            + "with HNSW (ef_search 40), \(String(format: "%.1f", median(exactTimes) * 1000)) ms exact in the server, "
            + "\(String(format: "%.1f", median(memoryTimes) * 1000)) ms exact in whet; HNSW recall@10 "
            + String(format: "%.3f", recall.reduce(0, +) / Double(recall.count)))
    try session.query("DROP TABLE whet_bench.vectors")
}
