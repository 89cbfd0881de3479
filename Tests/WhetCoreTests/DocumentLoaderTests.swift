import WhetTestSupport
import XCTest

@testable import WhetCore

/// PDFs and office documents through the real converters (`pdftotext`, `pandoc`): pages kept and cited,
/// headings kept, broken and unconvertible files reported and skipped without stopping the index, extracted
/// text cached by content.
final class DocumentLoaderTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipIf(ChildProcess.find("pdftotext") == nil, "poppler-utils is not installed")
        try XCTSkipIf(ChildProcess.find("pandoc") == nil, "pandoc is not installed")
    }

    static let manual: [[String]] = [
        ["Lumen Router Manual", "Chapter 1: Unpacking", "The box holds the router and a power adapter."],
        [
            "Chapter 2: Warranty", "The warranty covers manufacturing defects for three years.",
            "Keep the receipt: repairs need proof of purchase.",
        ],
        ["Chapter 3: Resetting", "Hold the reset button for ten seconds to restore the factory settings."],
    ]

    /// A DOCX written by pandoc from Markdown, as a word processor would save it.
    func docx(_ markdown: String, in files: TestWorkspace) throws -> Data {
        let source = files.root.appendingPathComponent("source.md")
        let target = files.root.appendingPathComponent("out.docx")
        try markdown.write(to: source, atomically: true, encoding: .utf8)
        let made = try ChildProcess.run(
            "/bin/sh", ["-c", "pandoc \"$1\" -o \"$2\"", "sh", source.path, target.path], timeout: 60)
        XCTAssertEqual(made.status, 0, String(decoding: made.stderr, as: UTF8.self))
        defer {
            try? FileManager.default.removeItem(at: source)
            try? FileManager.default.removeItem(at: target)
        }
        return try Data(contentsOf: target)
    }

    func testAPDFsPagesAreKeptAndCited() throws {
        let files = try TestWorkspace(files: ["corpus/notes.md": "# Notes\n\nNothing about routers here.\n"])
        try files.write("corpus/manual.pdf", TestPDF.make(pages: Self.manual))
        let workspace = try files.open()
        let (index, report) = try workspace.openIndex()
        XCTAssertEqual(report.filesByType, ["md": 1, "pdf": 1])
        XCTAssertEqual(report.skippedFiles, [])
        let hit = try XCTUnwrap(try index.search("warranty defects", topK: 1).first)
        XCTAssertEqual(hit.path, "corpus/manual.pdf")
        XCTAssertEqual(hit.pages?.first, 2, "the fact is on page 2")
        XCTAssertTrue(hit.citedLocation.hasPrefix("corpus/manual.pdf p"), hit.citedLocation)
        XCTAssertTrue(hit.text.contains("three years"), hit.text)
        let reset = try XCTUnwrap(try index.search("reset button factory", topK: 1).first)
        XCTAssertEqual(reset.pages?.last, 3)
    }

    func testPagesOfSmallChunksNameTheLineWithinThePage() throws {
        let config = TestWorkspace.defaultConfig.replacingOccurrences(of: "chunk_size = 300", with: "chunk_size = 80")
        let files = try TestWorkspace(config: config)
        try files.write("corpus/manual.pdf", TestPDF.make(pages: Self.manual))
        let (index, _) = try files.open().openIndex()
        let hit = try XCTUnwrap(try index.search("warranty manufacturing defects", topK: 1).first)
        XCTAssertEqual(hit.pages?.first, 2)
        XCTAssertEqual(hit.pages?.last, 2)
        XCTAssertTrue(hit.citedLocation.hasPrefix("corpus/manual.pdf p. 2:"), hit.citedLocation)
        // The run's context cites the page too.
        XCTAssertTrue(RunPlan.formatContext([hit]).contains("corpus/manual.pdf p. 2:"), RunPlan.formatContext([hit]))
    }

    func testADocxKeepsItsHeadings() throws {
        let files = try TestWorkspace()
        try files.write(
            "corpus/policy.docx",
            try docx("# Returns policy\n\n## Refunds\n\nRefunds are paid within fourteen days.\n", in: files))
        let (index, report) = try files.open().openIndex()
        XCTAssertEqual(report.filesByType, ["docx": 1])
        let hit = try XCTUnwrap(try index.search("refunds paid", topK: 1).first)
        XCTAssertEqual(hit.path, "corpus/policy.docx")
        XCTAssertEqual(hit.headingPath, ["Returns policy", "Refunds"])
        XCTAssertNil(hit.pages)
    }

    func testABrokenPDFIsSkippedWithItsPathAndTheRestIsIndexed() throws {
        let files = try TestWorkspace(files: [
            "corpus/broken.pdf": "%PDF-1.4\nthis is not really a PDF\n", "corpus/a.md": "# A\n\nRouters.\n",
        ])
        try files.write("corpus/manual.pdf", TestPDF.make(pages: Self.manual))
        let (index, report) = try files.open().openIndex()
        XCTAssertEqual(report.skippedFiles, ["corpus/broken.pdf"])
        let warning = try XCTUnwrap(report.warnings.first)
        XCTAssertTrue(
            warning.description.hasPrefix(
                "corpus/broken.pdf: warning: skipped: pdftotext could not read it (exit status"),
            warning.description)
        XCTAssertEqual(report.filesByType, ["md": 1, "pdf": 1])
        XCTAssertFalse(try index.search("warranty", topK: 3).isEmpty)
    }

    func testExtractedTextIsCachedByContent() throws {
        let files = try TestWorkspace()
        try files.write("corpus/manual.pdf", TestPDF.make(pages: Self.manual))
        let workspace = try files.open()
        _ = try workspace.openIndex()
        let cache = workspace.derivedDirectory.appendingPathComponent("extracted")
        let cached = try XCTUnwrap(FileManager.default.subpaths(atPath: cache.path)?.filter { $0.hasSuffix(".txt") })
        XCTAssertEqual(cached.count, 1)
        // A rebuild reads the cached text: prove it by changing what is cached.
        let url = cache.appendingPathComponent(cached[0])
        let text = try String(contentsOf: url, encoding: .utf8)
        try text.replacingOccurrences(of: "three years", with: "seven years").write(
            to: url, atomically: true, encoding: .utf8)
        let (index, _) = try workspace.openIndex(rebuild: true)
        XCTAssertTrue(try index.search("warranty", topK: 1).first?.text.contains("seven years") ?? false)
    }

    func testAUsersOwnLoaderAndAMissingProgram() throws {
        let config =
            TestWorkspace.defaultConfig + """

                [loaders]
                csv = "tr ',' ' ' < \\"$1\\""
                log = "no-such-converter-xyz \\"$1\\""
                """
        let files = try TestWorkspace(
            config: config,
            files: ["corpus/prices.csv": "plan,price\nteam,49\n", "corpus/a.log": "x\n", "corpus/b.log": "y\n"])
        let (index, report) = try files.open().openIndex()
        XCTAssertEqual(try index.search("team", topK: 1).first?.path, "corpus/prices.csv")
        XCTAssertEqual(report.skippedFiles, ["corpus/a.log", "corpus/b.log"])
        XCTAssertEqual(
            report.warnings.map(\.description),
            ["corpus: warning: LOG files need `no-such-converter-xyz`, which is not on PATH (2 files not read)"])
    }

    func testPageMapSplitsFormFeeds() {
        let (text, pages) = PageMap.split("one\ntwo\n\u{0C}three\n\u{0C}\u{0C}five\n\u{0C}")
        XCTAssertEqual(text, "one\ntwo\nthree\n\nfive\n")
        XCTAssertEqual(pages?.pageStarts, [1, 3, 4, 5])
        XCTAssertEqual(pages?.page(ofLine: 2), 1)
        XCTAssertEqual(pages?.page(ofLine: 3), 2)
        XCTAssertEqual(pages?.page(ofLine: 5), 4)
        XCTAssertEqual(pages?.span(startLine: 2, endLine: 3).label, "pp. 1-2")
        XCTAssertEqual(pages?.span(startLine: 5, endLine: 5).label, "p. 4:1-1")
        XCTAssertNil(PageMap.split("no pages").pages)
    }
}
