import Foundation
import XCTest

/// The retrieval commands end to end on a copy of the demo workspace (offline: hashing embeddings).
final class RetrievalCLITests: XCTestCase {
    var demo: URL!

    override func setUpWithError() throws { demo = try WhetProcess.copyOfDemo() }

    override func tearDownWithError() throws {
        chmod(demo.path, 0o755)
        try? FileManager.default.removeItem(at: demo)
    }

    /// The demo embeds offline (hashing embeddings); some tests need a workspace without embeddings.
    func disableEmbeddings() throws {
        let config = demo.appendingPathComponent("whet.toml")
        let text = try String(contentsOf: config, encoding: .utf8)
        try text.replacingOccurrences(of: "embedding_backend = \"offline\"", with: "")
            .write(to: config, atomically: true, encoding: .utf8)
    }

    func testHybridSearchShowsWhyEachChunkCameBack() throws {
        let index = try WhetProcess.run(["-C", demo.path, "index"])
        XCTAssertEqual(index.status, 0, index.stderr)
        XCTAssertTrue(
            index.stdout.contains("embeddings (whet-hashing-256): 408 embedded, 0 from cache; 425 vectors"),
            index.stdout)
        let again = try WhetProcess.run(["-C", demo.path, "index"])
        XCTAssertTrue(again.stdout.contains(" 0 embedded"), again.stdout)

        let result = try WhetProcess.run([
            "-C", demo.path, "search", "--method", "hybrid", "--top-k", "3", "rotate an API key",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("corpus/support/api-keys.md"), result.stdout)
        XCTAssertTrue(result.stdout.contains("why: bm25 #1"), result.stdout)
        XCTAssertTrue(result.stdout.contains("dense #"), result.stdout)
    }

    func testDenseWithoutEmbeddingsIsOneClearLine() throws {
        try disableEmbeddings()
        let result = try WhetProcess.run(["-C", demo.path, "search", "--method", "dense", "key"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("embedding_backend"), result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        let bad = try WhetProcess.run(["-C", demo.path, "search", "--method", "semantic", "key"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("semantic"), bad.stderr)
    }

    /// The sample retriever of docs/examples, as the application's own retriever: `whet search`, `whet eval`
    /// and `whet retrieval compare` all go through it, and a failing one is one clear line.
    func testOutsideRetrieverServesSearchEvalAndCompare() throws {
        let sample = WhetProcess.packageRoot.appendingPathComponent("docs/examples/retriever.py")
        let script = demo.appendingPathComponent("retriever.py")
        try FileManager.default.copyItem(at: sample, to: script)
        chmod(script.path, 0o755)

        let compare = try WhetProcess.run([
            "-C", demo.path, "retrieval", "compare", "--json", "--with", "kind=command command=./retriever.py",
        ])
        XCTAssertEqual(compare.status, 0, compare.stderr)
        let rows = try JSONSerialization.jsonObject(with: Data(compare.stdout.utf8)) as? [[String: Any]]
        XCTAssertEqual(rows?.map { $0["method"] as? String }, ["bm25", "command"])
        let hitRate = try XCTUnwrap(rows?.last?["hit_rate"] as? Double)
        XCTAssertGreaterThan(hitRate, 0.5, "the sample finds most expected sources")
        XCTAssertLessThan(hitRate, 1, "and fewer than whet's BM25: a real difference to measure")

        let config = demo.appendingPathComponent("whet.toml")
        let text = try String(contentsOf: config, encoding: .utf8)
        try text.replacingOccurrences(
            of: "[retrieval]\n", with: "[retrieval]\nkind = \"command\"\ncommand = \"./retriever.py corpus\"\n"
        ).write(to: config, atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(at: demo.appendingPathComponent(".whet"))
        let search = try WhetProcess.run(["-C", demo.path, "search", "--top-k", "2", "email address for invoices"])
        XCTAssertEqual(search.status, 0, search.stderr)
        XCTAssertTrue(search.stdout.contains("corpus/support/faq.md:12-12"), search.stdout)
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: demo.appendingPathComponent(".whet/index.sqlite").path),
            "nothing of the corpus is indexed when the application's retriever answers")

        let eval = try WhetProcess.run(["-C", demo.path, "eval", "--json"])
        XCTAssertTrue([0, 1].contains(eval.status), eval.stderr)
        XCTAssertTrue(eval.stdout.contains("corpus/support/"), "cells carry the retriever's chunks")

        try FileManager.default.removeItem(at: script)
        let broken = try WhetProcess.run(["-C", demo.path, "search", "anything"])
        XCTAssertEqual(broken.status, 1)
        XCTAssertTrue(
            broken.stderr.hasPrefix("error: retriever ./retriever.py corpus: exited with status 127"), broken.stderr)
        XCTAssertEqual(broken.stderr.split(separator: "\n").count, 1, broken.stderr)
    }

    func testCompareScoresEachSettingOnTheJudgedCases() throws {
        let result = try WhetProcess.run([
            "-C", demo.path, "retrieval", "compare", "--json",
            "--with", "method=hybrid", "--with", "chunking=sentence sentences_per_chunk=3",
        ])
        XCTAssertEqual(result.status, 0, result.stderr)
        let rows = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
        XCTAssertEqual(
            rows?.map { $0["setting"] as? String },
            ["whet.toml", "method=hybrid", "chunking=sentence sentences_per_chunk=3"])
        XCTAssertEqual(rows?.map { $0["method"] as? String }, ["bm25", "hybrid", "bm25"])
        for row in rows ?? [] {
            XCTAssertGreaterThan(row["cases"] as? Int ?? 0, 5)
            let hitRate = row["hit_rate"] as? Double ?? -1
            XCTAssertTrue((0...1).contains(hitRate))
            XCTAssertNotNil(row["mrr"] as? Double)
        }
        // The comparison wrote nothing: the workspace's own index still has the heading chunking.
        let table = try WhetProcess.run(["-C", demo.path, "index"])
        XCTAssertTrue(table.stdout.contains("0 added, 0 updated, 37 unchanged"), table.stdout)

        let typo = try WhetProcess.run(["-C", demo.path, "retrieval", "compare", "--with", "chunking=sentences"])
        XCTAssertEqual(typo.status, 1)
        XCTAssertTrue(typo.stderr.contains("--with 'chunking=sentences'"), typo.stderr)
        XCTAssertTrue(typo.stderr.contains("\"heading\", \"paragraph\", \"fixed\", \"sentence\""), typo.stderr)
    }
}
