import XCTest

@testable import WhetCore

/// One index, several processes: changes made elsewhere reach a built in-memory index, updates are serialised,
/// and "busy" is never confused with "damaged".
final class SharedIndexTests: XCTestCase {
    override func setUp() { setlocale(LC_ALL, "C.UTF-8") }

    func makeWorkspace() throws -> TestWorkspace {
        try TestWorkspace(files: [
            "corpus/keys.md":
                "# API keys\n\n## Rotation\n\nTo rotate a key, create a new key first, then revoke the old key.\n",
            "corpus/billing.txt": "Invoices are issued monthly.\nPay by card or bank transfer.\n",
        ])
    }

    /// Another process (here: another connection to the same file) changes the index under a built
    /// in-memory index: the next search sees the change and never returns a chunk that is gone.
    func testAnIndexChangedByAnotherProcessIsNoticedBeforeTheNextSearch() throws {
        var files: [String: String] = [:]
        for number in 0..<30 {
            files["corpus/doc\(number).md"] = "# Doc \(number)\n\nInvoices arrive monthly for account \(number).\n"
        }
        files["corpus/keys.md"] = "# Keys\n\nRotate the key, then revoke the old key.\n"
        let workspace = try TestWorkspace(files: files)
        let opened = try workspace.open()
        let (reader, _) = try opened.openIndex()
        XCTAssertEqual(try reader.search("revoke", topK: 1).first?.path, "corpus/keys.md")

        try workspace.write("corpus/keys.md", "# Keys\n\nKeys are rotated weekly.\n")
        try workspace.write("corpus/new.md", "# Webhooks\n\nVerify every webhook signature.\n")
        let writer = try LexicalIndex(url: opened.indexURL)
        _ = try CorpusIndexer(workspace: opened, index: writer).update()

        XCTAssertEqual(
            try reader.search("revoke", topK: 3), [], "the replaced chunk is not returned, even before the refresh")
        usleep(150_000)  // past LexicalIndex.freshnessInterval: the next search asks the store
        XCTAssertEqual(try reader.search("weekly rotated", topK: 1).first?.path, "corpus/keys.md")
        XCTAssertEqual(try reader.search("webhook signature", topK: 1).first?.path, "corpus/new.md")
        XCTAssertEqual(
            try reader.search("invoices account", topK: 50).map(\.location).sorted(),
            try writer.search("invoices account", topK: 50).map(\.location).sorted())
        try writer.removeAll()
        usleep(150_000)
        XCTAssertEqual(try reader.search("invoices", topK: 5), [], "an emptied index is empty for every reader")
    }

    /// Two updates at once are serialised by the index lock; a process that does not wait searches the index
    /// as it stands and says who is updating it.
    func testAnUpdateUnderWayElsewhereIsNotWaitedForButNamed() throws {
        let workspace = try makeWorkspace()
        let opened = try workspace.open()
        _ = try opened.openIndex()
        let held = try FileLock.acquire(opened.indexLockURL, purpose: "whet index")
        let (index, report) = try opened.openIndex()
        XCTAssertEqual(report.busyWith?.pid, getpid())
        XCTAssertTrue(report.warnings.first?.message.contains("being updated by whet index (pid \(getpid()))") ?? false)
        XCTAssertEqual(try index.search("rotate", topK: 1).first?.path, "corpus/keys.md")
        held.release()
        XCTAssertNil(try opened.openIndex().1.busyWith)
    }

    func testBusyAndDamagedIndexesSayDifferentThings() throws {
        let busy = RetrievalError.busy(path: ".whet/index.sqlite", seconds: 60).description
        XCTAssertFalse(busy.contains("delete"), busy)
        XCTAssertTrue(busy.contains("another whet process"), busy)
        let workspace = try makeWorkspace()
        try workspace.write(".whet/index.sqlite", String(repeating: "not a database ", count: 100))
        XCTAssertThrowsError(try workspace.open().openIndex()) { error in
            XCTAssertTrue("\(error)".contains("damaged"), "\(error)")
            XCTAssertTrue("\(error)".contains("delete it"), "\(error)")
        }
        let (rebuilt, _) = try workspace.open().openIndex(rebuild: true)
        XCTAssertEqual(try rebuilt.search("rotate", topK: 1).first?.path, "corpus/keys.md")
    }
}
