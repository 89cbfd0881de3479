import XCTest

@testable import WhetCore
@testable import WhetTUI

/// The workbench states an eval the way the core's `EvalVerdict` does: the status line after `:eval`, the
/// sidebar's numbers and checklist, the results view's title and comparison. An eval whose runs all failed
/// says so everywhere, ticks nothing and is nobody's baseline.
@MainActor
final class VerdictInTheWorkbenchTests: XCTestCase {
    var root: URL!

    override func setUp() async throws {
        DisplayWidth.prepareLocale()
        root = try copyOfDemoWorkspace()
        try? FileManager.default.removeItem(at: root.appendingPathComponent("evals/results"))
    }

    override func tearDown() async throws { try? FileManager.default.removeItem(at: root) }

    func runEval(_ workbench: Workbench, _ file: String) async throws { try await runEvalToTheEnd(workbench, file) }

    func screen(_ workbench: Workbench) -> String {
        workbench.render(width: 140, height: 45, now: Date(timeIntervalSince1970: 0)).0.text
    }

    func testAnAllErrorEvalAndARealOneReadTheSameHereAsInTheCore() async throws {
        // Cases that do not set the variable the prompt uses: every run fails before it starts.
        try (1...3).map {
            #"{"description": "broken \#($0)", "vars": {"topic": "keys"}, "assert": [{"type": "icontains", "value": "key"}]}"#
        }
        .joined(separator: "\n").write(
            to: root.appendingPathComponent("evals/broken.jsonl"), atomically: true, encoding: .utf8)
        let workbench = try openWorkbench(root: root)
        workbench.finishStartup()
        await workbench.context.denseJob.settled()

        try await runEval(workbench, "evals/broken.jsonl")
        let message = try XCTUnwrap(workbench.state.message)
        XCTAssertEqual(message.kind, .error, message.text)
        XCTAssertTrue(message.text.contains("the eval checked nothing: 3 of 3 runs failed"), message.text)
        var text = screen(workbench)
        XCTAssertTrue(text.contains("✗ eval baseline"), "an eval that checked nothing is no baseline: \(text)")
        XCTAssertTrue(text.contains("evals: checked nothing"), text)
        XCTAssertTrue(text.contains("fix the runs"), text)

        try await runEval(workbench, "evals/support.jsonl")
        let id = try XCTUnwrap(workbench.state.evals.lastEvalID)
        let url = EvalRunner(workspace: workbench.state.workspace).resultsURL(id)
        let verdict = EvalVerdict(id: id, results: EvalResultsFile.read(url, displayPath: id).results)
        let rate = try XCTUnwrap(verdict.rate)
        XCTAssertTrue(
            workbench.state.message?.text.contains(verdict.headline) ?? false, "\(workbench.state.message?.text ?? "")")
        text = screen(workbench)
        XCTAssertTrue(text.contains("✓ eval baseline"), text)
        XCTAssertTrue(text.contains("evals: \(rate.shortText)"), "the sidebar states the same rate: \(text)")

        workbench.handle(.function(3), layout: Layout.make(width: 140, height: 45))
        text = screen(workbench)
        XCTAssertTrue(text.contains(verdict.headline), "the results view's title: \(text)")
        // Comparing with the only earlier eval, which checked nothing: no case can be called fixed.
        workbench.handle(.character("c"), layout: Layout.make(width: 140, height: 45))
        XCTAssertEqual(workbench.evalBrowser?.comparison?.fixed.count, 0)
        text = screen(workbench)
        XCTAssertTrue(text.contains("0 fixed, 0 regressed · no case was checked in both evals"), text)
    }
}
