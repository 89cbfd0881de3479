import XCTest

@testable import WhetCore

/// A first index builds its BM25 index from the batches it commits instead of reading the store back; these
/// pin that index to the one built from the store, array for array, so rankings cannot drift.
final class IndexBuildTests: XCTestCase {
    override func setUp() { setlocale(LC_ALL, "C.UTF-8") }

    /// Enough files for several batches, in several languages and scripts, with headings.
    func makeWorkspace() throws -> TestWorkspace {
        var files: [String: String] = [:]
        for number in 0..<150 {
            files["corpus/en/doc\(number).md"] =
                "# Topic \(number)\n\n## Keys\n\nTo rotate key \(number), create a new key first, then revoke the "
                + "old one. Rotation causes no downtime; it’s “safe” — résumé naïve.\n\nSee section \(number % 7).\n"
            if number % 10 == 0 {
                files["corpus/de/seite\(number).md"] =
                    "# Schlüssel\n\nDie Garantie gilt drei Jahre für Häuser und die Straße \(number). Der Schlüssel "
                    + "wird nicht geteilt und ist nur für dich.\n"
                files["corpus/ja/page\(number).md"] = "# 東京\n\n東京都の人口は多いです。\(number)\n"
            }
        }
        return try TestWorkspace(files: files)
    }

    func testAnIndexBuiltFromTheCommittedBatchesEqualsOneBuiltFromTheStore() throws {
        let files = try makeWorkspace()
        let workspace = try files.open()
        let (built, _) = try workspace.openIndex()
        XCTAssertEqual(built.origin, .store)
        let (fromBatches, idsFromBatches) = try built.inMemoryIndex()
        XCTAssertGreaterThan(fromBatches.documentCount, 2 * CorpusIndexer.window, "several batches")

        let stored = try storedChunks(built)
        let fromStore = BM25Index.build(
            stored.map { ($0.text, $0.heading) }, languages: stored.map(\.language), parameters: built.parameters)
        XCTAssertEqual(idsFromBatches, stored.map(\.id))
        XCTAssertEqual(fromBatches.terms, fromStore.terms)
        XCTAssertEqual(fromBatches.offsets, fromStore.offsets)
        XCTAssertEqual(fromBatches.postingDocuments, fromStore.postingDocuments)
        XCTAssertEqual(fromBatches.postingWeights, fromStore.postingWeights)
        XCTAssertEqual(fromBatches.documentLengths, fromStore.documentLengths)
        XCTAssertEqual(fromBatches.totalLength, fromStore.totalLength)
        XCTAssertEqual(fromBatches.languages, fromStore.languages)
        XCTAssertEqual(fromBatches.wordIDs.entries.count, fromStore.wordIDs.entries.count)
    }

    func testASearchAfterAFirstIndexRanksAsAProcessThatBuildsFromTheStore() throws {
        let files = try makeWorkspace()
        let workspace = try files.open()
        let (built, _) = try workspace.openIndex()
        try FileManager.default.removeItem(at: workspace.derivedDirectory.appendingPathComponent("bm25.idx"))
        let fresh = try LexicalIndex(url: workspace.indexURL, parameters: built.parameters)
        for query in ["rotate the key", "Schlüssel Garantie", "東京の人口", "section 3 résumé"] {
            let expected = try fresh.search(query, topK: 10).map { "\($0.path):\($0.startLine):\($0.score)" }
            XCTAssertEqual(try built.search(query, topK: 10).map { "\($0.path):\($0.startLine):\($0.score)" }, expected)
        }
        XCTAssertEqual(fresh.origin, .store)
    }

    func testARebuildBuildsItsIndexFromTheBatchesToo() throws {
        let files = try makeWorkspace()
        let workspace = try files.open()
        _ = try workspace.openIndex()
        let (index, report) = try workspace.openIndex(rebuild: true)
        XCTAssertEqual(report.added, try index.counts().files)
        XCTAssertEqual(index.origin, .store)
        XCTAssertEqual(try index.search("rotate key 7", topK: 1).first?.path, "corpus/en/doc7.md")
    }

    private func storedChunks(_ index: LexicalIndex) throws -> [LexicalIndex.StoredChunk] {
        var chunks: [LexicalIndex.StoredChunk] = []
        try index.forEachChunkPage { chunks += $0 }
        return chunks
    }
}
