import XCTest

@testable import WhetCore

final class IndexTests: XCTestCase {
    override func setUp() { setlocale(LC_ALL, "C.UTF-8") }

    func makeWorkspace() throws -> TestWorkspace {
        try TestWorkspace(files: [
            "corpus/keys.md":
                "# API keys\n\n## Rotation\n\nTo rotate a key, create a new key first, then revoke the old key.\n",
            "corpus/billing.txt": "Invoices are issued monthly.\nPay by card or bank transfer.\n",
            "corpus/page.html": "<h1>Webhooks</h1><p>Verify the HMAC signature of every webhook.</p>",
            "corpus/tokyo.md": "# 東京\n\n東京都の人口は多いです。\n",
            "corpus/image.png": "not indexed",
        ])
    }

    func testSearchReturnsScoredLocatedChunksWithMatchedTerms() throws {
        let workspace = try makeWorkspace()
        let (index, report) = try workspace.open().openIndex()
        XCTAssertEqual(report.added, 4)
        XCTAssertEqual(report.ignored, 1)
        let results = try index.search("how do I rotate the key?", topK: 3)
        XCTAssertEqual(results.first?.path, "corpus/keys.md")
        XCTAssertEqual(results.first?.headingPath, ["API keys", "Rotation"])
        XCTAssertEqual(results.first?.startLine, 1, "a heading-only section merges into the chunk below it")
        XCTAssertEqual(results.first?.endLine, 5)
        XCTAssertEqual(
            results.first?.matchedTerms, ["rotation", "rotate", "keys", "key"],
            "the chunk's own words, stemmed alike, grouped by query term")
        XCTAssertGreaterThan(results.first?.score ?? 0, 0)
        XCTAssertEqual(results.first?.rank, 1)
    }

    func testCJKTextIsFoundWithoutSpaces() throws {
        let files = try makeWorkspace()
        let (index, _) = try files.open().openIndex()
        let results = try index.search("東京の人口", topK: 3)
        XCTAssertEqual(results.first?.path, "corpus/tokyo.md")
        XCTAssertTrue(results.first?.matchedTerms.contains("人口") ?? false)
    }

    func testHTMLIsIndexedAsText() throws {
        let files = try makeWorkspace()
        let (index, _) = try files.open().openIndex()
        let results = try index.search("hmac signature", topK: 1)
        XCTAssertEqual(results.first?.path, "corpus/page.html")
        XCTAssertEqual(results.first?.headingPath, ["Webhooks"])
        XCTAssertFalse(results.first?.text.contains("<p>") ?? true)
    }

    func testOnlyChangedFilesAreReindexedAndDeletedFilesLeave() throws {
        let workspace = try makeWorkspace()
        let opened = try workspace.open()
        _ = try opened.openIndex()
        let (_, unchanged) = try opened.openIndex()
        XCTAssertEqual(unchanged.added + unchanged.updated + unchanged.removed, 0)
        XCTAssertEqual(unchanged.unchanged, 4)

        try workspace.write("corpus/billing.txt", "Invoices now arrive weekly.\n")
        try FileManager.default.removeItem(at: workspace.root.appendingPathComponent("corpus/page.html"))
        let (index, changed) = try opened.openIndex()
        XCTAssertEqual(changed.updated, 1)
        XCTAssertEqual(changed.removed, 1)
        XCTAssertEqual(changed.unchanged, 2)
        XCTAssertEqual(try index.search("weekly", topK: 1).first?.path, "corpus/billing.txt")
        XCTAssertEqual(try index.search("monthly", topK: 1), [])
        XCTAssertEqual(try index.search("hmac", topK: 1), [])
    }

    func testTouchedButIdenticalFileIsNotRechunked() throws {
        let workspace = try makeWorkspace()
        let opened = try workspace.open()
        _ = try opened.openIndex()
        let url = workspace.root.appendingPathComponent("corpus/keys.md")
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSinceNow: 60)], ofItemAtPath: url.path)
        let (_, report) = try opened.openIndex()
        XCTAssertEqual(report.updated, 0)
        XCTAssertEqual(report.chunksWritten, 0)
        XCTAssertEqual(report.unchanged, 4)
    }

    func testBinaryAndInvalidUTF8FilesAreSkippedWithWarnings() throws {
        let workspace = try makeWorkspace()
        try workspace.write("corpus/blob.txt", Data([0x00, 0x01, 0x02]))
        try workspace.write("corpus/latin1.txt", Data([0x63, 0x61, 0x66, 0xE9]))
        let (_, report) = try workspace.open().openIndex()
        XCTAssertEqual(
            report.warnings.map(\.description).sorted(),
            [
                "corpus/blob.txt: warning: skipped: binary file (contains NUL bytes), not text",
                "corpus/latin1.txt: warning: skipped: not valid UTF-8 text (first bad byte at offset 3)",
            ])
        XCTAssertEqual(report.added, 4)
    }

    func testChangedChunkSettingsRebuildTheIndex() throws {
        let workspace = try makeWorkspace()
        _ = try workspace.open().openIndex()
        try workspace.write(
            "whet.toml",
            TestWorkspace.defaultConfig.replacingOccurrences(of: "chunk_size = 300", with: "chunk_size = 400"))
        let (_, report) = try workspace.open().openIndex()
        XCTAssertTrue(report.rebuilt)
        XCTAssertEqual(report.added, 4)
    }

    func testIndexOnDiskSurvivesReopening() throws {
        let workspace = try makeWorkspace()
        _ = try workspace.open().openIndex()
        let reopened = try LexicalIndex(url: workspace.root.appendingPathComponent(".whet/index.sqlite"))
        XCTAssertEqual(try reopened.counts().files, 4)
    }

    func testMissingCorpusDirectoryIsAnError() throws {
        let workspace = try TestWorkspace(config: "[retrieval]\ncorpus = \"docs\"\n")
        XCTAssertThrowsError(try workspace.open().openIndex()) { error in
            XCTAssertEqual(error as? RetrievalError, .missingCorpus("docs"))
        }
    }
}

final class InMemoryUpdateTests: XCTestCase {
    override func setUp() { setlocale(LC_ALL, "C.UTF-8") }

    /// The workbench keeps one index open: a change must reach the built in-memory index without a rebuild,
    /// and give the same results a fresh build gives.
    func testAChangedFileUpdatesTheBuiltIndexInPlace() throws {
        var files: [String: String] = [:]
        for number in 0..<40 {
            files["corpus/doc\(number).md"] = "# Doc \(number)\n\nInvoices arrive monthly for account \(number).\n"
        }
        files["corpus/keys.md"] = "# Keys\n\nRotate the key, then revoke the old key.\n"
        let workspace = try TestWorkspace(files: files)
        let opened = try workspace.open()
        let (index, _) = try opened.openIndex()
        XCTAssertEqual(try index.search("revoke", topK: 1).first?.path, "corpus/keys.md")  // builds the in-memory index

        try workspace.write("corpus/keys.md", "# Keys\n\nKeys are rotated weekly.\n")
        try FileManager.default.removeItem(at: workspace.root.appendingPathComponent("corpus/doc3.md"))
        let report = try CorpusIndexer(workspace: opened, index: index).update()
        XCTAssertEqual(report.updated + report.removed, 2)
        XCTAssertEqual(try index.search("revoke", topK: 3), [], "the old chunk is gone")
        XCTAssertEqual(try index.search("weekly rotated", topK: 1).first?.path, "corpus/keys.md")
        XCTAssertFalse(try index.search("account 3", topK: 50).contains { $0.path == "corpus/doc3.md" })

        let fresh = try LexicalIndex(url: opened.indexURL)
        XCTAssertEqual(
            try fresh.search("weekly rotated", topK: 3).map(\.location),
            try index.search("weekly rotated", topK: 3).map(\.location))
    }
}
