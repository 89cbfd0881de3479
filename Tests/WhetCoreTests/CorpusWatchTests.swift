import XCTest

@testable import WhetCore

/// With a corpus watch kept (`whet index --watch`, a workbench), a search reads the watch's journal instead
/// of `stat`ing every file. Every scenario of `CorpusStateTests` runs again here with a watch started right
/// after the first index, and must end the same; the tests below check that the journal is what was read,
/// and what happens when it cannot be trusted.
final class CorpusWatchTests: CorpusStateTests {
    private var watchers: [CorpusWatcher] = []

    override func tearDown() {
        for watcher in watchers { watcher.stop() }
        for watcher in watchers { waitUntil(watcher) { $0 == .stopped || $0.isUnavailable || $0.isElsewhere } }
        watchers = []
    }

    override func indexed(_ files: TestWorkspace) throws -> Workspace {
        let workspace = try super.indexed(files)
        try watch(workspace)
        return workspace
    }

    @discardableResult
    func watch(_ workspace: Workspace) throws -> CorpusWatcher {
        let watcher = CorpusWatcher(workspace: workspace)
        watchers.append(watcher)
        // A watch that cannot run here (a link to a folder) leaves searches comparing file by file: the tests
        // that need the journal check `checkedByWatch`.
        waitUntil(watcher) { $0 != .starting }
        return watcher
    }

    func waitUntil(_ watcher: CorpusWatcher, _ done: (CorpusWatcher.State) -> Bool) {
        let deadline = Date(timeIntervalSinceNow: 20)
        while !done(watcher.state), Date() < deadline { usleep(5_000) }
    }

    func testEveryKindOfChangeReachesTheNextSearchThroughTheJournal() throws {
        let files = try makeWorkspace()
        let workspace = try indexed(files)
        let (_, quiet) = try workspace.openIndex()
        XCTAssertTrue(quiet.checkedByWatch)
        XCTAssertEqual(quiet.added + quiet.updated + quiet.removed, 0)

        try files.write("corpus/billing/invoices.md", "# Invoices\n\nInvoices are now issued every week.\n")
        var (index, report) = try workspace.openIndex()
        XCTAssertTrue(report.checkedByWatch)
        XCTAssertEqual(report.updated, 1)
        XCTAssertEqual(try paths(index, "week"), ["corpus/billing/invoices.md"])

        try files.write("corpus/new/deeper/webhooks.md", "# Webhooks\n\nVerify the HMAC signature.\n")
        (index, report) = try workspace.openIndex()
        XCTAssertTrue(report.checkedByWatch)
        XCTAssertEqual(report.added, 1)
        XCTAssertEqual(try paths(index, "hmac"), ["corpus/new/deeper/webhooks.md"])

        let corpus = files.root.appendingPathComponent("corpus")
        try FileManager.default.moveItem(
            at: corpus.appendingPathComponent("keys.md"), to: corpus.appendingPathComponent("api-keys.md"))
        (index, report) = try workspace.openIndex()
        XCTAssertTrue(report.checkedByWatch)
        XCTAssertEqual(try paths(index, "revoke"), ["corpus/api-keys.md"])

        try FileManager.default.removeItem(at: corpus.appendingPathComponent("billing"))
        (index, report) = try workspace.openIndex()
        XCTAssertTrue(report.checkedByWatch)
        XCTAssertEqual(report.removed, 2)
        XCTAssertEqual(try paths(index, "refunds"), [])
    }

    func testAFolderMovedOutChangedAndMovedBackIsNoticed() throws {
        let files = try makeWorkspace()
        let workspace = try indexed(files)
        let billing = files.root.appendingPathComponent("corpus/billing")
        let outside = files.root.appendingPathComponent("elsewhere")
        try FileManager.default.moveItem(at: billing, to: outside)
        try "Refunds are paid within three days.\n".write(
            to: outside.appendingPathComponent("refunds.txt"), atomically: false, encoding: .utf8)
        try FileManager.default.moveItem(at: outside, to: billing)
        let (index, report) = try workspace.openIndex()
        XCTAssertTrue(report.checkedByWatch)
        XCTAssertEqual(try paths(index, "three"), ["corpus/billing/refunds.txt"])
    }

    func testAStoppedWatchIsNotTrustedAndTheCorpusIsComparedFileByFile() throws {
        let files = try makeWorkspace()
        let workspace = try indexed(files)
        let watcher = try XCTUnwrap(watchers.last)
        watcher.stop()
        waitUntil(watcher) { $0 == .stopped }
        try files.write("corpus/billing/invoices.md", "# Invoices\n\nInvoices are now issued every week.\n")
        let (index, report) = try workspace.openIndex()
        XCTAssertFalse(report.checkedByWatch)
        XCTAssertTrue(report.checkedByState)
        XCTAssertEqual(try paths(index, "week"), ["corpus/billing/invoices.md"])
    }

    func testARecordWrittenByAnUpdateThatBeganBeforeTheWatchIsComparedAgainByTheWatch() throws {
        let files = try makeWorkspace()
        let workspace = try indexed(files)
        // An update that began looking before the watch started writes its record now: the journal alone
        // does not cover it, so the watch compares the corpus with it again and says so in the journal.
        let url = workspace.derivedDirectory.appendingPathComponent("corpus.state")
        var state = try XCTUnwrap(CorpusState.read(url))
        state.lookedAt = 1
        try files.write("corpus/keys.md", "# API keys\n\nKeys expire after ninety days.\n")
        try state.write(to: url)
        let (index, report) = try workspace.openIndex()
        XCTAssertTrue(report.checkedByWatch)
        XCTAssertEqual(try paths(index, "ninety"), ["corpus/keys.md"])
    }

    func testOneProcessWatchesAWorkspaceAndTheOthersReadItsJournal() throws {
        let files = try makeWorkspace()
        let workspace = try indexed(files)
        let second = CorpusWatcher(workspace: workspace)
        watchers.append(second)
        waitUntil(second) { $0 != .starting }
        guard case .elsewhere(let holder) = second.state else { return XCTFail("\(second.state)") }
        XCTAssertTrue(holder.contains("whet watching the corpus"), holder)
        XCTAssertTrue(CorpusWatcher.isWatched(workspace))
    }

    func testALinkedFileIsWatchedThroughItsTarget() throws {
        let files = try makeWorkspace()
        try files.write("outside/linked.md", "# Linked\n\nThe linked page talks about quotas.\n")
        try FileManager.default.createSymbolicLink(
            atPath: files.root.appendingPathComponent("corpus/linked.md").path,
            withDestinationPath: files.root.appendingPathComponent("outside/linked.md").path)
        let workspace = try indexed(files)
        try files.write("outside/linked.md", "# Linked\n\nThe linked page now talks about webhooks.\n")
        let (index, report) = try workspace.openIndex()
        XCTAssertTrue(report.checkedByWatch)
        XCTAssertEqual(try paths(index, "webhooks"), ["corpus/linked.md"])
    }

    func testAFileWrittenThroughAHardLinkOutsideTheCorpusIsNoticed() throws {
        let files = try makeWorkspace()
        try files.write("outside/shared.md", "# Shared\n\nThe shared page talks about quotas.\n")
        let corpusPath = files.root.appendingPathComponent("corpus/shared.md").path
        XCTAssertEqual(link(files.root.appendingPathComponent("outside/shared.md").path, corpusPath), 0)
        let workspace = try indexed(files)
        // Written through the other name: the kernel tells the watch of the outside folder, not the corpus.
        let handle = try FileHandle(forWritingTo: files.root.appendingPathComponent("outside/shared.md"))
        handle.seekToEndOfFile()
        handle.write(Data("Webhooks are signed.\n".utf8))
        try handle.close()
        let (index, report) = try workspace.openIndex()
        XCTAssertTrue(report.checkedByWatch)
        XCTAssertEqual(try paths(index, "webhooks"), ["corpus/shared.md"])
    }

    func testALinkToAFolderIsNotWatchedAndSearchesCompareFileByFile() throws {
        let files = try makeWorkspace()
        let workspace = try indexed(files)
        let watcher = try XCTUnwrap(watchers.last)
        try FileManager.default.createSymbolicLink(
            atPath: files.root.appendingPathComponent("corpus/billing-link").path, withDestinationPath: "billing")
        waitUntil(watcher) { $0.isUnavailable }
        guard case .unavailable(let reason) = watcher.state else { return XCTFail("\(watcher.state)") }
        XCTAssertTrue(reason.contains("symbolic link to a folder (billing-link)"), reason)
        try files.write("corpus/billing/invoices.md", "# Invoices\n\nInvoices are now issued every week.\n")
        let (index, report) = try workspace.openIndex()
        XCTAssertFalse(report.checkedByWatch)
        XCTAssertEqual(
            Set(try paths(index, "week")), ["corpus/billing/invoices.md", "corpus/billing-link/invoices.md"])
        // A watch started with the link in place refuses at once.
        let second = try watchExpectingRefusal(workspace)
        XCTAssertTrue(second.isUnavailable)
    }

    func watchExpectingRefusal(_ workspace: Workspace) throws -> CorpusWatcher.State {
        let watcher = CorpusWatcher(workspace: workspace)
        watchers.append(watcher)
        waitUntil(watcher) { $0 != .starting }
        return watcher.state
    }

    func testTheCorpusFolderMovedAwayAndBackIsWatchedAgain() throws {
        let files = try makeWorkspace()
        let workspace = try indexed(files)
        let watcher = try XCTUnwrap(watchers.last)
        let corpus = files.root.appendingPathComponent("corpus")
        let away = files.root.appendingPathComponent("corpus-away")
        try FileManager.default.moveItem(at: corpus, to: away)
        waitUntil(watcher) { $0.isUnavailable }
        try FileManager.default.moveItem(at: away, to: corpus)
        waitUntil(watcher) { if case .watching = $0 { true } else { false } }
        guard case .watching = watcher.state else { return XCTFail("\(watcher.state)") }
        try files.write("corpus/billing/invoices.md", "# Invoices\n\nInvoices are now issued every week.\n")
        let (index, report) = try workspace.openIndex()
        XCTAssertTrue(report.checkedByWatch)
        XCTAssertEqual(try paths(index, "week"), ["corpus/billing/invoices.md"])
    }

    func testTheWatchFolderRemovedUnderTheWatchIsMadeAgainWithANewLock() throws {
        let files = try makeWorkspace()
        let workspace = try indexed(files)
        let watcher = try XCTUnwrap(watchers.last)
        try FileManager.default.removeItem(at: workspace.derivedDirectory.appendingPathComponent("watch"))
        let deadline = Date(timeIntervalSinceNow: 20)
        while !FileManager.default.fileExists(
            atPath: workspace.derivedDirectory.appendingPathComponent("watch/journal").path), Date() < deadline
        {
            usleep(5_000)
        }
        waitUntil(watcher) { if case .watching = $0 { true } else { false } }
        XCTAssertTrue(CorpusWatcher.isWatched(workspace), "the new lock is held")
        let second = try watchExpectingRefusal(workspace)
        guard case .elsewhere = second else { return XCTFail("one watch at a time: \(second)") }
    }

    func testTheJournalIgnoresATornRecordAndNeedsItsHeader() {
        let records: [CorpusJournal.Record] = [
            .header(pid: 42, bootID: "boot", watchStart: 7, corpus: "/w/corpus dir"), .file("a/b.md"), .directory(""),
            .ready(checkedToken: "T"),
        ]
        let bytes = records.flatMap(CorpusJournal.encode)
        let journal = CorpusJournal.parse(bytes + Array("Fhalf-writ".utf8))
        XCTAssertEqual(journal?.files, ["a/b.md"])
        XCTAssertEqual(journal?.directories, [""])
        XCTAssertEqual(journal?.checkedToken, "T")
        XCTAssertNil(CorpusJournal.parse(Array(bytes.dropFirst(CorpusJournal.encode(records[0]).count))))
        let stopped = CorpusJournal.parse(bytes + CorpusJournal.encode(.stopped("overflow")))
        XCTAssertEqual(stopped?.stopped, "overflow")
        var header = CorpusState.Header(storeID: "s", generation: 1, settings: "", failures: [:], token: "T")
        let corpus = "/w/corpus dir"
        XCTAssertEqual(journal?.corpus, corpus)
        XCTAssertTrue(journal?.covers(header, corpus: corpus) == true)
        XCTAssertFalse(journal?.covers(header, corpus: "/w/other") == true, "a watch of another directory")
        XCTAssertFalse(stopped?.covers(header, corpus: corpus) == true)
        header.token = "other"
        XCTAssertFalse(journal?.covers(header, corpus: corpus) == true)
        header.bootID = "boot"
        header.lookedAt = 7
        XCTAssertTrue(journal?.covers(header, corpus: corpus) == true, "looked at the corpus after the watch began")
        header.lookedAt = 6
        XCTAssertFalse(journal?.covers(header, corpus: corpus) == true)
        header.lookedAt = 9
        header.bootID = "another boot"
        XCTAssertFalse(journal?.covers(header, corpus: corpus) == true)
    }
}

extension CorpusWatcher.State {
    var isUnavailable: Bool { if case .unavailable = self { true } else { false } }
    var isElsewhere: Bool { if case .elsewhere = self { true } else { false } }
}
