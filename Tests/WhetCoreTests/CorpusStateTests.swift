import XCTest

@testable import WhetCore

/// A search compares the corpus with the last update's record by `stat` instead of walking it: every kind of
/// change must still reach the next search, and a file that cannot be converted is not converted again.
class CorpusStateTests: XCTestCase {
    override func setUp() { setlocale(LC_ALL, "C.UTF-8") }

    func makeWorkspace(config: String = TestWorkspace.defaultConfig) throws -> TestWorkspace {
        try TestWorkspace(
            config: config,
            files: [
                "corpus/keys.md": "# API keys\n\nRotate a key by creating a new key, then revoke the old key.\n",
                "corpus/billing/invoices.md": "# Invoices\n\nInvoices are issued monthly.\n",
                "corpus/billing/refunds.txt": "Refunds are paid within ten days.\n",
            ])
    }

    /// Indexes once, the corpus dated an hour back as a corpus older than its index is.
    func indexed(_ files: TestWorkspace) throws -> Workspace {
        try backdate(files)
        let workspace = try files.open()
        _ = try workspace.openIndex(thorough: true)
        return workspace
    }

    /// Sets the mtime of the corpus and everything in it an hour back, out of the racy window.
    func backdate(_ files: TestWorkspace) throws {
        let corpus = files.root.appendingPathComponent("corpus")
        let past = Date(timeIntervalSinceNow: -3600)
        for path in (FileManager.default.subpaths(atPath: corpus.path) ?? []) + [""] {
            try FileManager.default.setAttributes(
                [.modificationDate: past], ofItemAtPath: corpus.appendingPathComponent(path).path)
        }
    }

    func paths(_ index: LexicalIndex, _ query: String) throws -> [String] {
        try index.search(query, topK: 5).map(\.path)
    }

    func testASearchInAnUnchangedCorpusChecksTheRecordOnly() throws {
        let files = try makeWorkspace()
        let workspace = try indexed(files)
        let (_, report) = try workspace.openIndex()
        XCTAssertTrue(report.checkedByState)
        XCTAssertEqual(report.added + report.updated + report.removed + report.chunksWritten, 0)
        XCTAssertEqual(report.unchanged, 3)
        XCTAssertEqual(report.warnings, [])
    }

    func testAFileChangedInPlaceIsNoticedByTheNextSearch() throws {
        let files = try makeWorkspace()
        let workspace = try indexed(files)
        try files.write("corpus/billing/invoices.md", "# Invoices\n\nInvoices are now issued every week.\n")
        let (index, report) = try workspace.openIndex()
        XCTAssertTrue(report.checkedByState)
        XCTAssertEqual(report.updated, 1)
        XCTAssertEqual(try paths(index, "week"), ["corpus/billing/invoices.md"])
        XCTAssertEqual(try paths(index, "monthly"), [])
    }

    func testAnAddedFileIsNoticedInAnOldAndANewDirectory() throws {
        let files = try makeWorkspace()
        let workspace = try indexed(files)
        try files.write("corpus/billing/taxes.md", "# Taxes\n\nValue added tax is shown on every invoice.\n")
        try files.write("corpus/new/deeper/webhooks.md", "# Webhooks\n\nVerify the HMAC signature.\n")
        let (index, report) = try workspace.openIndex()
        XCTAssertTrue(report.checkedByState)
        XCTAssertEqual(report.added, 2)
        XCTAssertEqual(try paths(index, "tax"), ["corpus/billing/taxes.md"])
        XCTAssertEqual(try paths(index, "hmac"), ["corpus/new/deeper/webhooks.md"])
        // And the record now knows them: the next searches find nothing to do.
        try backdate(files)
        _ = try workspace.openIndex()
        let (_, again) = try workspace.openIndex()
        XCTAssertEqual(again.added + again.updated + again.removed, 0)
        XCTAssertEqual(again.unchanged, 5)
    }

    func testARemovedFileAndDirectoryAreNoticed() throws {
        let files = try makeWorkspace()
        let workspace = try indexed(files)
        try FileManager.default.removeItem(at: files.root.appendingPathComponent("corpus/keys.md"))
        let (index, report) = try workspace.openIndex()
        XCTAssertEqual(report.removed, 1)
        XCTAssertEqual(try paths(index, "revoke"), [])
        try FileManager.default.removeItem(at: files.root.appendingPathComponent("corpus/billing"))
        let (emptied, second) = try workspace.openIndex()
        XCTAssertEqual(second.removed, 2)
        XCTAssertEqual(try paths(emptied, "invoices refunds"), [])
        XCTAssertEqual(try emptied.counts().files, 0)
    }

    func testALinkToAFolderRemovedTakesItsFilesWithIt() throws {
        let files = try makeWorkspace()
        try FileManager.default.createSymbolicLink(
            atPath: files.root.appendingPathComponent("corpus/billing-link").path, withDestinationPath: "billing")
        let workspace = try indexed(files)
        XCTAssertEqual(try paths(try workspace.openIndex().0, "refunds").count, 2)
        try FileManager.default.removeItem(at: files.root.appendingPathComponent("corpus/billing-link"))
        let (index, _) = try workspace.openIndex()
        XCTAssertEqual(try paths(index, "refunds"), ["corpus/billing/refunds.txt"])
    }

    func testARenamedFileIsFoundUnderItsNewName() throws {
        let files = try makeWorkspace()
        let workspace = try indexed(files)
        let corpus = files.root.appendingPathComponent("corpus")
        try FileManager.default.moveItem(
            at: corpus.appendingPathComponent("keys.md"), to: corpus.appendingPathComponent("billing/api-keys.md"))
        let (index, report) = try workspace.openIndex()
        XCTAssertEqual(report.added, 1)
        XCTAssertEqual(report.removed, 1)
        XCTAssertEqual(try paths(index, "revoke"), ["corpus/billing/api-keys.md"])
    }

    func testAFileChangedWithinTheSameClockTickIsStillNoticed() throws {
        // Written right after indexing, with the record not aged: the racy window makes the check look again.
        let files = try makeWorkspace()
        let workspace = try files.open()
        _ = try workspace.openIndex(thorough: true)
        try files.write("corpus/keys.md", "# API keys\n\nKeys never expire.\n")
        try files.write("corpus/billing/late.md", "# Late\n\nLate fees apply.\n")
        let (index, _) = try workspace.openIndex()
        XCTAssertEqual(try paths(index, "expire"), ["corpus/keys.md"])
        XCTAssertEqual(try paths(index, "fees"), ["corpus/billing/late.md"])
    }

    func testARecordBehindTheStoreIsNotTrusted() throws {
        let files = try makeWorkspace()
        let workspace = try indexed(files)
        // Another process changed the store since the record was written.
        let other = try LexicalIndex(url: workspace.indexURL)
        var batch = LexicalIndex.Batch()
        batch.remove("corpus/keys.md")
        try other.apply(batch)
        let (index, report) = try workspace.openIndex()
        XCTAssertFalse(report.checkedByState, "the corpus is walked")
        XCTAssertEqual(report.added, 1)
        XCTAssertEqual(try paths(index, "revoke"), ["corpus/keys.md"])
    }

    func testADamagedRecordIsIgnored() throws {
        let files = try makeWorkspace()
        let workspace = try indexed(files)
        try files.write(".whet/corpus.state", "WHETCORP and then nonsense")
        let (_, report) = try workspace.openIndex()
        XCTAssertFalse(report.checkedByState)
        XCTAssertEqual(report.unchanged, 3)
        XCTAssertTrue(try workspace.openIndex().1.checkedByState, "written afresh")
    }

    func testAFileThatFailsToConvertIsConvertedOnceAndWarnedAboutByWhetIndexOnly() throws {
        let files = try makeWorkspace()
        let runs = files.root.appendingPathComponent("converter-runs.log").path
        try files.write(
            "whet.toml",
            TestWorkspace.defaultConfig + "\n[loaders]\nbad = \"echo run >> '\(runs)'; echo broken >&2; exit 3\"\n")
        try files.write("corpus/broken.bad", "not convertible")
        func converterRuns() -> Int {
            ((try? String(contentsOfFile: runs, encoding: .utf8)) ?? "").split(separator: "\n").count
        }
        try backdate(files)
        let workspace = try files.open()
        let (_, first) = try workspace.openIndex(thorough: true)
        XCTAssertEqual(first.skippedFiles, ["corpus/broken.bad"])
        XCTAssertEqual(first.warnings.count, 1)
        XCTAssertEqual(converterRuns(), 1)

        let (_, search) = try workspace.openIndex()
        XCTAssertEqual(search.warnings, [], "a search does not repeat the warning")
        let (_, index) = try workspace.openIndex(thorough: true)
        XCTAssertEqual(index.warnings.map(\.description), first.warnings.map(\.description), "whet index does")
        XCTAssertEqual(converterRuns(), 1, "and neither converts it again")

        try files.write("corpus/broken.bad", "still not convertible, but changed")
        let (_, changed) = try workspace.openIndex()
        XCTAssertEqual(changed.warnings.count, 1, "a changed file is new news")
        XCTAssertEqual(converterRuns(), 2)
    }
}
