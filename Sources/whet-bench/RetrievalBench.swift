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

    // The build is repeated and the median reported: one build on a shared machine is mostly noise.
    var builds: [Double] = []
    var index = BM25Index(parameters: parameters)
    let ids = documents.map { $0["_id"] as? String ?? "" }
    let inputs = documents.map { (text: $0["text"] as? String ?? "", heading: $0["title"] as? String ?? "") }
    for _ in 0..<5 {
        builds.append(seconds { index = BM25Index.build(inputs, parameters: parameters) })
    }
    let indexSeconds = median(builds)
    let texts = queries.compactMap { query -> (String, String)? in
        guard let id = query["_id"] as? String, let text = query["text"] as? String else { return nil }
        return (id, text)
    }
    for (_, text) in texts { _ = index.search(index.analyze(text), topK: 100) }  // warm-up
    var results: [String: [String]] = [:]
    let querySeconds = seconds {
        for (id, text) in texts { results[id] = index.search(index.analyze(text), topK: 100).map { ids[$0.document] } }
    }
    var ndcg: [Double] = [], recall: [Double] = []
    for (id, ranked) in results {
        guard let gains = judgements[id], !gains.isEmpty else { continue }
        let dcg = ranked.prefix(10).enumerated().reduce(0.0) { $0 + (pow(2, Double(gains[$1.element] ?? 0)) - 1) / log2(Double($1.offset) + 2) }
        let ideal = gains.values.sorted(by: >).prefix(10).enumerated().reduce(0.0) { $0 + (pow(2, Double($1.element)) - 1) / log2(Double($1.offset) + 2) }
        ndcg.append(ideal > 0 ? dcg / ideal : 0)
        let relevant = gains.filter { $0.value > 0 }.keys
        recall.append(Double(ranked.prefix(100).filter { relevant.contains($0) }.count) / Double(max(1, relevant.count)))
    }
    let mean = { (values: [Double]) -> Double? in values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
    let queriesPerSecond = Double(texts.count) / max(querySeconds, 1e-9)
    if json {
        var object: [String: Any] = ["index_seconds": indexSeconds, "queries_per_second": queriesPerSecond, "peak_rss_mb": peakRSSMegabytes(), "method": method]
        object["ndcg_at_10"] = mean(ndcg) ?? NSNull()
        object["recall_at_100"] = mean(recall) ?? NSNull()
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    } else {
        print("collection: \(documents.count) documents, \(texts.count) queries, \(judgements.count) judged")
        if let value = mean(ndcg) { print(String(format: "nDCG@10:      %.4f", value)) }
        if let value = mean(recall) { print(String(format: "Recall@100:   %.4f", value)) }
        print(String(format: "index:        %.3f s", indexSeconds))
        print(String(format: "queries/s:    %.0f (one thread, top 100, after warm-up)", queriesPerSecond))
        print(String(format: "peak RSS:     %.1f MB", peakRSSMegabytes()))
    }
}

func readJSONLines(_ url: URL) throws -> [[String: Any]] {
    let text = try String(contentsOf: url, encoding: .utf8)
    return text.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
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
