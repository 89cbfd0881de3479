import XCTest

@testable import WhetCore
@testable import WhetTUI

/// The workbench keeps the corpus watch while it is open: an edit to the corpus shows in the context pane's
/// title at once, the next run indexes it and uses it, and quitting ends the watch.
@MainActor
final class CorpusWatchWorkbenchTests: DemoWorkbenchTestCase {
    func testAnEditToTheCorpusIsShownAndTheNextRunUsesIt() async throws {
        let workbench = try opened()
        let watch = try XCTUnwrap(workbench.context.session.corpusWatch, "the workbench keeps a watch")
        for _ in 0..<500 {
            if case .watching = watch.state { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        guard case .watching = watch.state else { return XCTFail("\(watch.state)") }
        workbench.followOtherProcesses()
        XCTAssertFalse(workbench.state.context.corpusChanged, "nothing changed yet")
        try """
        # Key rotation, the short version
        To rotate your API key: rotate the API key, rotate it again, API key rotation done. Rotate my API key.
        """.write(
            to: root.appendingPathComponent("corpus/support/zz-rotation.md"), atomically: false, encoding: .utf8)
        for _ in 0..<500 where !workbench.state.context.corpusChanged {
            try await Task.sleep(for: .milliseconds(10))
            workbench.followOtherProcesses()
        }
        XCTAssertTrue(workbench.state.context.corpusChanged)
        XCTAssertTrue(workbench.render(width: 120, height: 40).0.text.contains("· corpus changed"))
        press(workbench, .control("r"))
        try await waitForRun(workbench)
        let used = workbench.state.runs.records.last?.retrieval?.chunks.map(\.chunk.path) ?? []
        XCTAssertTrue(used.contains { $0.hasSuffix("zz-rotation.md") }, "the run indexed the edit first: \(used)")
        XCTAssertFalse(workbench.state.context.corpusChanged)
        XCTAssertFalse(workbench.render(width: 120, height: 40).0.text.contains("corpus changed"))
        let workspace = try Workspace.open(root: root)
        XCTAssertTrue(CorpusWatcher.isWatched(workspace))
        workbench.quitNow()
        for _ in 0..<500 where CorpusWatcher.isWatched(workspace) { try await Task.sleep(for: .milliseconds(10)) }
        XCTAssertFalse(CorpusWatcher.isWatched(workspace), "quitting ends the watch")
    }
}
