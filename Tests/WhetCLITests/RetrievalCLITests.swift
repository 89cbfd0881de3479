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
