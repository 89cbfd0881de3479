import Foundation
import WhetCore

/// `whet-bench retrieval DIR [--json]`: indexes a collection in BEIR's layout (`corpus.jsonl` with `_id`,
/// `title`, `text`; `queries.jsonl`; optional `qrels.tsv`) with whet's lexical index — each document one chunk,
/// its title as the heading, as the corpus indexer would store a short document — and reports nDCG@10 and
/// Recall@100 (when judged), index seconds, queries per second (one thread, after a warm-up pass) and peak RSS.
func benchmarkRetrieval(_ directory: URL, method: String, json: Bool, parameters: BM25Parameters) async throws {
    let documents = try readJSONLines(directory.appendingPathComponent("corpus.jsonl"))
    let queries = try readJSONLines(directory.appendingPathComponent("queries.jsonl"))
    let judgements = readQrels(directory.appendingPathComponent("qrels.tsv"))

    let rssBeforeIndex = peakRSSMegabytes()
    // The build is repeated and the median reported: one build on a shared machine is mostly noise.
    var builds: [Double] = []
    var index = BM25Index(parameters: parameters)
    let ids = documents.map { $0["_id"] as? String ?? "" }
    let inputs = documents.map { (text: $0["text"] as? String ?? "", heading: $0["title"] as? String ?? "") }
    // As `language = "auto"` indexes a workspace: each document's language detected, then analysed in it.
    var languages: [Language] = []
    let detection = seconds { languages = inputs.map { LanguageDetector.detect($0.heading + "\n" + $0.text) } }
    for _ in 0..<5 {
        builds.append(seconds { index = BM25Index.build(inputs, languages: languages, parameters: parameters) })
    }
    let detected = Dictionary(grouping: languages, by: \.code).mapValues(\.count)
    FileHandle.standardError.write(
        Data(
            "languages detected: \(detected.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")) in \(String(format: "%.3f", detection)) s\n"
                .utf8))
    let texts = queries.compactMap { query -> (String, String)? in
        guard let id = query["_id"] as? String, let text = query["text"] as? String else { return nil }
        return (id, text)
    }
    // Dense and hybrid use the offline hashing embedder (no model is available to a benchmark run here): the
    // figures measure the machinery (embedding, matrix, fusion), not semantic quality.
    let embedder = HashingEmbedder(dimensions: 256)
    var dense = DenseIndex(dimensions: embedder.dimensions)
    if method != "bm25" {
        let denseSeconds = seconds {
            for input in inputs { dense.add(embedder.vector(input.heading + "\n" + input.text)) }
        }
        builds = builds.map { $0 + denseSeconds }
    }
    func search(_ text: String) -> [String] {
        let lexical =
            method == "dense" ? [] : index.search(index.analyze(text), topK: 100).map { (Int64($0.document), $0.score) }
        let vector = dense.search(method == "bm25" ? [] : embedder.vector(text), topK: 100).map {
            (Int64($0.index), Double($0.score))
        }
        switch method {
        case "bm25": return lexical.map { ids[Int($0.0)] }
        case "dense": return vector.map { ids[Int($0.0)] }
        default:
            return Fusion.reciprocalRank([("bm25", lexical), ("dense", vector)], k: 60).prefix(100).map {
                ids[Int($0.chunkID)]
            }
        }
    }
    for (_, text) in texts { _ = search(text) }  // warm-up
    var results: [String: [String]] = [:]
    let querySeconds = seconds {
        for (id, text) in texts { results[id] = search(text) }
    }
    var ndcg: [Double] = []
    var recall: [Double] = []
    for (id, ranked) in results {
        guard let gains = judgements[id], !gains.isEmpty else { continue }
        ndcg.append(ndcgAt10(ranked, gains: gains))
        let relevant = gains.filter { $0.value > 0 }.keys
        recall.append(
            Double(ranked.prefix(100).filter { relevant.contains($0) }.count) / Double(max(1, relevant.count)))
    }
    let indexSeconds = median(builds)
    let indexMegabytes = Double(index.approximateBytes + dense.count * dense.dimensions * 4) / 1_048_576
    let mean = { (values: [Double]) -> Double? in values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
    let queriesPerSecond = Double(texts.count) / max(querySeconds, 1e-9)
    if json {
        var object: [String: Any] = [
            "index_seconds": indexSeconds, "queries_per_second": queriesPerSecond, "peak_rss_mb": peakRSSMegabytes(),
            "method": method,
            "index_mb": indexMegabytes, "rss_before_index_mb": rssBeforeIndex,
        ]
        object["ndcg_at_10"] = mean(ndcg) ?? NSNull()
        object["recall_at_100"] = mean(recall) ?? NSNull()
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    } else {
        print(
            "collection: \(documents.count) documents, \(texts.count) queries, \(judgements.count) judged; method \(method)"
        )
        if let value = mean(ndcg) { print(String(format: "nDCG@10:      %.4f", value)) }
        if let value = mean(recall) { print(String(format: "Recall@100:   %.4f", value)) }
        print(String(format: "index:        %.3f s", indexSeconds))
        print(String(format: "queries/s:    %.0f (one thread, top 100, after warm-up)", queriesPerSecond))
        print(
            String(
                format: "peak RSS:     %.1f MB (%.1f MB after reading the collection; the index itself %.1f MB)",
                peakRSSMegabytes(), rssBeforeIndex, indexMegabytes))
    }
}

/// nDCG@10 of one ranked list of document ids against graded judgements (gain 2^grade − 1, log2 discount).
func ndcgAt10(_ ranked: [String], gains: [String: Int]) -> Double {
    let dcg = ranked.prefix(10).enumerated().reduce(0.0) {
        $0 + (pow(2, Double(gains[$1.element] ?? 0)) - 1) / log2(Double($1.offset) + 2)
    }
    let ideal = gains.values.sorted(by: >).prefix(10).enumerated().reduce(0.0) {
        $0 + (pow(2, Double($1.element)) - 1) / log2(Double($1.offset) + 2)
    }
    return ideal > 0 ? dcg / ideal : 0
}

func readJSONLines(_ url: URL) throws -> [[String: Any]] {
    let text = try String(contentsOf: url, encoding: .utf8)
    return text.split(separator: "\n").compactMap {
        (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
    }
}

func readQrels(_ url: URL) -> [String: [String: Int]] {
    guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [:] }
    var judgements: [String: [String: Int]] = [:]
    for line in text.split(separator: "\n").dropFirst() {
        let fields = line.split(separator: "\t").map(String.init)
        guard fields.count >= 3, let score = Int(fields[2]) else { continue }
        judgements[fields[0], default: [:]][fields[1]] = score
    }
    return judgements
}

/// `whet-bench dense [--rows N] [--dims D]`: exact cosine top-10 over a random N × D float32 matrix, the
/// median of 50 queries, to check that exact search stays in milliseconds at workspace scale.
func benchmarkDense(rows: Int, dimensions: Int) {
    var generator = SystemRandomNumberGenerator()
    var index = DenseIndex(dimensions: dimensions)
    for _ in 0..<rows { index.add((0..<dimensions).map { _ in Float.random(in: -1...1, using: &generator) }) }
    let queries = (0..<50).map { _ in (0..<dimensions).map { _ in Float.random(in: -1...1, using: &generator) } }
    _ = index.search(queries[0], topK: 10)
    let times = queries.map { query in seconds { _ = index.search(query, topK: 10) } }
    print(
        String(
            format: "dense exact top-10: %d × %d float32 (%.0f MB): median %.2f ms per query", rows, dimensions,
            Double(rows * dimensions * 4) / 1_048_576, median(times) * 1000))
    print(String(format: "peak RSS: %.1f MB", peakRSSMegabytes()))
}
