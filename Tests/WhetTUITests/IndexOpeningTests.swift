import Foundation
import WhetCore
import XCTest

@testable import WhetTUI

/// The index opens after the first frame, in the background: the pane says so, and a run or an eval asked
/// for meanwhile waits for it instead of going without the context it would have had.
@MainActor
final class IndexOpeningTests: XCTestCase {
    func screen(_ workbench: Workbench) -> String {
        workbench.render(width: 120, height: 40, now: Date(timeIntervalSince1970: 0)).0.text
    }

    func testARunAskedForWhileTheIndexOpensStartsWithItsContext() async throws {
        let root = try copyOfDemoWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let workbench = try openWorkbench(root: root)
        workbench.context.openIndex(background: true)
        XCTAssertEqual(workbench.state.context.status, .connecting)
        XCTAssertTrue(screen(workbench).contains("opening the index…"))
        XCTAssertFalse(screen(workbench).contains("0/0"), "no count before anything can be listed")

        workbench.runs.startRun()
        XCTAssertEqual(workbench.state.message?.text, "opening the index; the run starts when it is ready")
        XCTAssertFalse(workbench.isRunning)

        for _ in 0..<1000 where workbench.state.runs.records.isEmpty {
            try await Task.sleep(for: .milliseconds(10))
            workbench.applyEvents()
        }
        XCTAssertEqual(workbench.state.context.status, .ready)
        let record = try XCTUnwrap(workbench.state.runs.records.first)
        XCTAssertEqual(record.retrieval?.chunks.first?.chunk.path, "corpus/support/api-keys.md")
    }

    func testAnIndexThatCannotOpenSaysWhyInThePane() async throws {
        let root = try copyOfDemoWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let workbench = try openWorkbench(root: root)
        workbench.context.attach(.failure(RetrievalError.missingCorpus("corpus")))
        XCTAssertTrue(screen(workbench).contains("retrieval is unavailable"), screen(workbench))
        workbench.runs.startRun()
        XCTAssertNotEqual(
            workbench.state.message?.text, "opening the index; the run starts when it is ready",
            "an unavailable index is not waited for")
    }
}
