import Foundation
import WhetTestSupport
import XCTest

/// PDFs in a workspace through the real binary: `whet index` counts files per type and lists what it
/// skipped; a converter missing from PATH is one line naming the type, the program and the Debian package;
/// `whet search` cites the page.
final class DocumentLoaderCLITests: XCTestCase {
    var demo: URL!

    override func setUpWithError() throws {
        try XCTSkipIf(FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext") == false, "no pdftotext")
        demo = try WhetProcess.copyOfDemo()
        let manual = TestPDF.make(pages: [
            ["Lumen Router Manual", "Unpacking: the box holds the router."],
            ["Warranty", "The warranty covers manufacturing defects for three years."],
        ])
        try manual.write(to: demo.appendingPathComponent("corpus/router-manual.pdf"))
        try Data("%PDF-1.4\nnot a PDF at all\n".utf8).write(to: demo.appendingPathComponent("corpus/broken.pdf"))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: demo) }

    func testIndexCountsTypesListsSkippedFilesAndSearchCitesThePage() throws {
        let index = try WhetProcess.run(["-C", demo.path, "index"])
        XCTAssertEqual(index.status, 0, index.stderr)
        XCTAssertTrue(
            index.stderr.contains("corpus/broken.pdf: warning: skipped: pdftotext could not read it"), index.stderr)
        XCTAssertTrue(index.stdout.contains("· pdf 1"), index.stdout)
        XCTAssertTrue(index.stdout.contains("skipped: corpus/broken.pdf\n"), index.stdout)
        let search = try WhetProcess.run(["-C", demo.path, "search", "warranty manufacturing defects"])
        XCTAssertEqual(search.status, 0, search.stderr)
        XCTAssertTrue(search.stdout.contains("corpus/router-manual.pdf p. 2:"), search.stdout)
    }

    func testAMissingConverterIsOneLineAndTheRestIsIndexed() throws {
        // A PATH without poppler: sh is still found at /bin/sh, pdftotext is not.
        let index = try WhetProcess.run(["-C", demo.path, "index"], environment: ["PATH": "/nonexistent"])
        XCTAssertEqual(index.status, 0, index.stderr)
        let lines = index.stderr.split(separator: "\n").filter { $0.contains("pdftotext") }
        XCTAssertEqual(
            lines,
            [
                "corpus: warning: PDF files need `pdftotext` (Debian package poppler-utils: apt-get install -y "
                    + "poppler-utils), which is not on PATH (2 files not read)"
            ], index.stderr)
        XCTAssertTrue(index.stdout.contains("skipped: corpus/broken.pdf, corpus/router-manual.pdf"), index.stdout)
        XCTAssertTrue(index.stdout.contains("by type: md"), index.stdout)
    }
}
