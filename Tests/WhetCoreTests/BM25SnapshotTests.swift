import XCTest

@testable import WhetCore

/// The built BM25 index kept on disk: a new process loads it instead of rebuilding, brings it up to date
/// with changes made since (in proportion to them), and never trusts a file that is damaged, from other
/// settings, or from an emptied store.
final class BM25SnapshotTests: XCTestCase {
    func files() throws -> TestWorkspace {
        var corpus: [String: String] = [:]
        for number in 0..<30 {
            corpus["corpus/doc\(number).md"] =
                "# Topic \(number)\n\nRotating keys \(number) times, with billing plan \(number % 7) and webhooks.\n\n"
                + "## Details\n\nThe gateway retries \(number) requests; invoices are sent monthly.\n"
        }
        corpus["corpus/garantie.md"] =
            "# Garantie\n\nDie Garantie gilt drei Jahre ab dem Kauf, und sie deckt Schäden.\n"
        return try TestWorkspace(files: corpus)
    }

    /// A search's results as comparable values.
    func results(_ index: LexicalIndex, _ query: String) throws -> [String] {
        try index.search(query, topK: 10).map { "\($0.location) \(String(format: "%.5f", $0.score))" }
    }

    let queries = ["rotating keys", "billing plan 3 invoices", "gateway retries", "Garantien", "webhooks monthly"]

    func testANewProcessLoadsTheSnapshotAndFindsTheSame() throws {
        let files = try files()
        let workspace = try files.open()
        let (built, _) = try workspace.openIndex()
        let snapshot = workspace.derivedDirectory.appendingPathComponent("bm25.idx")
        XCTAssertTrue(FileManager.default.fileExists(atPath: snapshot.path), "whet index writes it")
        let expected = try queries.map { try results(built, $0) }
        let fresh = try LexicalIndex(url: workspace.indexURL, parameters: workspace.config.retrieval.bm25)
        XCTAssertEqual(try queries.map { try results(fresh, $0) }, expected)
        XCTAssertEqual(fresh.origin, .snapshot)
    }

    func testChangesSinceTheSnapshotAreAppliedOnLoad() throws {
        let files = try files()
        let workspace = try files.open()
        _ = try workspace.openIndex()
        let snapshot = workspace.derivedDirectory.appendingPathComponent("bm25.idx")
        let written = try FileManager.default.attributesOfItem(atPath: snapshot.path)[.modificationDate] as? Date
        try files.write("corpus/doc3.md", "# Topic 3\n\nEntirely new text about quotas and throttling.\n")
        try FileManager.default.removeItem(at: files.root.appendingPathComponent("corpus/doc4.md"))
        try files.write("corpus/new.md", "# New\n\nThrottling quotas per project.\n")
        let (updated, report) = try workspace.openIndex()
        XCTAssertEqual(report.updated + report.added + report.removed, 3)
        XCTAssertEqual(
            try FileManager.default.attributesOfItem(atPath: snapshot.path)[.modificationDate] as? Date, written,
            "a small change is not worth writing the whole file again")
        let fresh = try LexicalIndex(url: workspace.indexURL, parameters: workspace.config.retrieval.bm25)
        let loaded = try (queries + ["throttling quotas"]).map { try results(fresh, $0) }
        guard case .snapshotAndChanges(let changes)? = fresh.origin else {
            return XCTFail("expected the snapshot and the changes, got \(String(describing: fresh.origin))")
        }
        XCTAssertEqual(changes, 2 + 1 + 2 + 1, "doc3's two old chunks out and one in, doc4's two out, new.md's in")
        XCTAssertEqual(loaded, try (queries + ["throttling quotas"]).map { try results(updated, $0) })
        XCTAssertFalse(try results(fresh, "throttling quotas").isEmpty)
        XCTAssertFalse(try results(fresh, "rotating keys").contains { $0.hasPrefix("corpus/doc4.md") })
    }

    func testADamagedOrForeignSnapshotIsNeverTrusted() throws {
        let files = try files()
        let workspace = try files.open()
        let (built, _) = try workspace.openIndex()
        let expected = try queries.map { try results(built, $0) }
        let snapshot = workspace.derivedDirectory.appendingPathComponent("bm25.idx")
        let good = try Data(contentsOf: snapshot)
        var damaged: [Data] = [good.prefix(good.count / 2), Data("garbage".utf8), Data()]
        // A posting that points past the documents, in an otherwise well-formed file.
        var flipped = good
        for offset in stride(from: good.count / 2, to: good.count / 2 + 64, by: 1) { flipped[offset] = 0xFF }
        damaged.append(flipped)
        for bad in damaged {
            try bad.write(to: snapshot)
            let fresh = try LexicalIndex(url: workspace.indexURL, parameters: workspace.config.retrieval.bm25)
            XCTAssertEqual(try queries.map { try results(fresh, $0) }, expected)
            XCTAssertEqual(fresh.origin, .store)
        }
        // Other BM25 settings: the snapshot is for other scores.
        try good.write(to: snapshot)
        var other = workspace.config.retrieval.bm25
        other.k1 = 2.0
        let tuned = try LexicalIndex(url: workspace.indexURL, parameters: other)
        _ = try tuned.search("rotating keys", topK: 3)
        XCTAssertEqual(tuned.origin, .store)
        // An emptied and refilled store: the old snapshot is not its.
        let (rebuilt, _) = try workspace.openIndex(rebuild: true)
        XCTAssertEqual(try queries.map { try results(rebuilt, $0) }, expected)
        try good.write(to: snapshot)
        let afterRebuild = try LexicalIndex(url: workspace.indexURL, parameters: workspace.config.retrieval.bm25)
        XCTAssertEqual(try queries.map { try results(afterRebuild, $0) }, expected)
        XCTAssertEqual(afterRebuild.origin, .store)
    }
}
