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

/// An eval searches the corpus as it is: a second `:eval` after a corpus edit indexes the edit first and is
/// a new eval (its answers are made from the new corpus), not a resume of the first.
@MainActor
final class EvalAfterACorpusEditTests: DemoWorkbenchTestCase {
    func testASecondEvalAfterACorpusEditUsesTheEdit() async throws {
        try
            #"{"description": "zebracorn limit", "vars": {"question": "What is the zebracorn limit?"}, "assert": [{"type": "icontains", "value": "zebracorn"}]}"#
            .write(to: root.appendingPathComponent("evals/zz.jsonl"), atomically: true, encoding: .utf8)
        let workbench = try opened()
        await workbench.context.denseJob.settled()
        try await runEval(workbench, "evals/zz.jsonl")
        let first = try XCTUnwrap(workbench.evals.state.lastEvalID)
        XCTAssertTrue(workbench.state.message?.text.contains("0.0%") == true, workbench.state.message?.text ?? "")
        try "# Limits\n\nThe zebracorn limit is 42 requests a minute.\n".write(
            to: root.appendingPathComponent("corpus/support/zz-limits.md"), atomically: true, encoding: .utf8)
        try await runEval(workbench, "evals/zz.jsonl")
        let second = try XCTUnwrap(workbench.evals.state.lastEvalID)
        XCTAssertNotEqual(second, first, "the corpus changed: another eval")
        XCTAssertTrue(workbench.state.message?.text.contains("100.0%") == true, workbench.state.message?.text ?? "")
    }
}
