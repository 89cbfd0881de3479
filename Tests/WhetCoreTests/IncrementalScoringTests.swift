import XCTest

@testable import WhetCore

/// An index brought up to date in place — in this process, or loaded from its snapshot by the next one —
/// scores exactly as one built afresh from the same files: deleted chunks leave the statistics (document
/// count, average length, document frequencies), not just the results. Before, a removed or edited file kept
/// counting until a rebuild, so the workbench and `whet search` could show one chunk with two scores.
final class IncrementalScoringTests: XCTestCase {
    override func setUp() { setlocale(LC_ALL, "C.UTF-8") }

    let files = [
        "corpus/chain.md": "# Chain\n\nClean the chain every 300 km and oil it after cleaning.\n",
        "corpus/tires.md": "# Tires\n\nCheck tire pressure weekly. Worn tires slip on wet roads.\n",
        "corpus/brakes.md": "# Brakes\n\nBleed hydraulic brakes once a year. Clean the rotors with alcohol.\n",
        "corpus/gears.md": "# Gears\n\nIndex the gears when shifting is slow. A clean chain shifts better.\n",
    ]

    func scores(_ workspace: Workspace, _ query: String) throws -> [String] {
        let (index, _) = try workspace.openIndex()
        return try index.search(query, topK: 5).map { "\($0.location) \(String(format: "%.6f", $0.score))" }
    }

    /// The same files indexed from nothing, in another directory.
    func fresh(_ files: TestWorkspace) throws -> [String: [String]] {
        let copy = try TestWorkspace(files: [:])
        let corpus = files.root.appendingPathComponent("corpus")
        for name in try FileManager.default.contentsOfDirectory(atPath: corpus.path) {
            try copy.write("corpus/\(name)", try files.read("corpus/\(name)"))
        }
        let workspace = try copy.open()
        return try Dictionary(uniqueKeysWithValues: queries.map { ($0, try scores(workspace, $0)) })
    }

    let queries = ["clean the chain", "tire pressure", "brakes rotors"]

    func testAFileRemovedAndAFileEditedScoreAsAFreshIndex() throws {
        let files = try TestWorkspace(files: self.files)
        let workspace = try files.open()
        let (open, _) = try workspace.openIndex()
        _ = try open.search("warm up", topK: 1)  // the in-memory index is built before the changes

        try FileManager.default.removeItem(at: files.root.appendingPathComponent("corpus/brakes.md"))
        try files.write("corpus/tires.md", "# Tires\n\nCheck tire pressure weekly, and more often in winter.\n")
        let expected = try fresh(files)

        // A new process: the update is applied to the snapshot the last one left.
        for query in queries { XCTAssertEqual(try scores(workspace, query), expected[query], query) }

        // This process's index, brought up to date in place by the same update.
        _ = try CorpusIndexer(workspace: workspace, index: open).updateIfChanged()
        for query in queries {
            let inPlace = try open.search(query, topK: 5).map { "\($0.location) \(String(format: "%.6f", $0.score))" }
            XCTAssertEqual(inPlace, expected[query], query)
        }
    }

    func testDeletedDocumentsLeaveTheStatistics() {
        var index = BM25Index()
        for text in ["apple banana", "apple cherry", "banana cherry date", "apple"] {
            _ = index.add(text: text, heading: "")
        }
        index.finish()
        index.delete(document: 1)
        index.finish()
        var built = BM25Index()
        for text in ["apple banana", "banana cherry date", "apple"] { _ = built.add(text: text, heading: "") }
        built.finish()
        XCTAssertEqual(index.liveDocumentCount, 3)
        XCTAssertEqual(index.documentFrequency("apple"), built.documentFrequency("apple"))
        let updated = index.search(["apple"], topK: 3).map(\.score)
        let fresh = built.search(["apple"], topK: 3).map(\.score)
        XCTAssertEqual(updated, fresh)
    }
}
