import XCTest

@testable import WhetCore
@testable import WhetTUI

/// The eval results view and the prompt versions list: their data (rows, filters, comparisons, sparkline)
/// and what they draw on an in-memory grid, driven with the same keys a person presses.
@MainActor
final class EvalBrowserTests: XCTestCase {
    var root: URL!

    override func setUp() async throws {
        DisplayWidth.prepareLocale()
        root = try copyOfDemoWorkspace()
    }

    override func tearDown() async throws { try? FileManager.default.removeItem(at: root) }

    func result(
        _ line: Int, _ label: String, passed: Bool, eval: String, hash: String = "aaaa1111", time: String,
        reason: String = "\"x\" not found in the output"
    ) -> EvalResult {
        let assertion = AssertionResult(
            type: "icontains", status: passed ? .passed : .failed, score: passed ? 1 : 0,
            reason: passed ? "\"x\" found in the output" : reason)
        return EvalResult(
            evalID: eval, cell: "\(eval)-\(line)", time: time,
            caseRef: .init(file: "evals/support.jsonl", line: line, description: label),
            prompt: .init(name: "support-answer", path: "prompts/support-answer.prompty", hash: hash),
            backend: "offline", model: "extractive-v1", repeatIndex: 0, variables: ["question": label],
            retrieval: nil, output: "answer to \(label)", latencyMs: 120, costUSD: nil, cached: nil, error: nil,
            assertions: [assertion], status: passed ? .passed : .failed, score: passed ? 1 : 0)
    }

    /// Two evals: the older passes a and b, fails c; the newer fails b (a regression) and passes c (a fix).
    func writeTwoEvals() throws {
        let directory = root.appendingPathComponent("evals/results")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for item in [
            result(1, "alpha", passed: true, eval: "old", time: "2026-11-24T10:00:00Z"),
            result(2, "beta", passed: true, eval: "old", time: "2026-11-24T10:00:01Z"),
            result(3, "gamma", passed: false, eval: "old", time: "2026-11-24T10:00:02Z"),
        ] {
            try JSONLines.append(item, to: directory.appendingPathComponent("old.jsonl"))
        }
        for item in [
            result(1, "alpha", passed: true, eval: "new", hash: "bbbb2222", time: "2026-11-25T10:00:00Z"),
            result(
                2, "beta", passed: false, eval: "new", hash: "bbbb2222", time: "2026-11-25T10:00:01Z",
                reason: "\"refund\" not found"),
            result(3, "gamma", passed: true, eval: "new", hash: "bbbb2222", time: "2026-11-25T10:00:02Z"),
        ] {
            try JSONLines.append(item, to: directory.appendingPathComponent("new.jsonl"))
        }
    }

    func makeWorkbench() throws -> Workbench { try openWorkbench(root: root) }

    func press(_ workbench: Workbench, _ keys: Key...) {
        for key in keys { workbench.handle(key, layout: Layout.make(width: 100, height: 30)) }
    }

    func screen(_ workbench: Workbench) -> String {
        workbench.render(width: 100, height: 30, now: Date(timeIntervalSince1970: 0)).0.text
    }

    func testTheMatrixFiltersFailuresAndOpensACell() async throws {
        try writeTwoEvals()
        let versions = PromptVersions(workspace: try Workspace.open(root: root)).directory
        try FileManager.default.createDirectory(at: versions, withIntermediateDirectories: true)
        try "system:\nAnswer briefly.\n\nuser:\nQ: {{question}}\n".write(
            to: versions.appendingPathComponent("bbbb2222.prompty"), atomically: true, encoding: .utf8)
        let workbench = try makeWorkbench()
        press(workbench, .function(3))
        var text = screen(workbench)
        XCTAssertTrue(text.contains("Evals · new · 2026-11-25 10:00 · pass rate 66.7% [20.8–93.9] of 3"), text)
        XCTAssertTrue(text.contains("history ▆▆ (2 of 2)"), text)
        XCTAssertTrue(text.contains("67% [21–94] support-answer@bbbb2222 · offline/extractive-v1"), text)
        XCTAssertTrue(text.contains("alpha") && text.contains("✓ 1.00 120ms"), text)
        XCTAssertTrue(text.contains("✗ 0.00 120ms"), text)

        press(workbench, .character("f"))
        text = screen(workbench)
        XCTAssertTrue(text.contains("showing failures only"), text)
        XCTAssertFalse(text.contains("alpha"), "passing cases are hidden: \(text)")
        XCTAssertEqual(workbench.evalBrowser?.rows.map(\.label), ["beta"])

        press(workbench, .enter)
        text = screen(workbench)
        XCTAssertTrue(text.contains("case     beta (evals/support.jsonl:2) · repeat 1"), text)
        XCTAssertTrue(text.contains("✗ icontains 0.00: \"refund\" not found"), text)
        XCTAssertTrue(text.contains("answer to beta"), text)
        XCTAssertTrue(text.contains("── prompt as sent · prompts/support-answer.prompty @ bbbb2222"), text)
        XCTAssertTrue(text.contains("Q: beta"), "the version rendered with the cell's variables: \(text)")
        press(workbench, .escape, .escape)
        XCTAssertTrue(workbench.layers.isEmpty)
    }

    func testTheSelectedRowStaysOnScreenInALongEval() async throws {
        let directory = root.appendingPathComponent("evals/results")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for line in 1...60 {
            try JSONLines.append(
                result(line, "case number \(line)", passed: line % 2 == 0, eval: "long", time: "2026-11-25T10:00:00Z"),
                to: directory.appendingPathComponent("long.jsonl"))
        }
        let workbench = try makeWorkbench()
        press(workbench, .function(3), .character("G"))
        var text = screen(workbench)
        XCTAssertTrue(text.contains("case number 60"), text)
        XCTAssertFalse(text.contains("case number 1 "), "the top has scrolled away: \(text)")
        press(workbench, .character("g"))
        text = screen(workbench)
        XCTAssertTrue(text.contains("case number 1 "), text)
        XCTAssertFalse(text.contains("case number 60"), text)
    }

    func testRepeatsShowAsAShareAndEachCanBeOpened() async throws {
        let directory = root.appendingPathComponent("evals/results")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var second = result(
            1, "flaky", passed: false, eval: "r", time: "2026-11-25T10:00:01Z", reason: "\"x\" missing this time")
        second.repeatIndex = 1
        second.cell = "r-1-again"
        for item in [result(1, "flaky", passed: true, eval: "r", time: "2026-11-25T10:00:00Z"), second] {
            try JSONLines.append(item, to: directory.appendingPathComponent("r.jsonl"))
        }
        let workbench = try makeWorkbench()
        press(workbench, .function(3))
        XCTAssertTrue(screen(workbench).contains("1/2 0.50 120ms"), screen(workbench))
        press(workbench, .enter)
        var text = screen(workbench)
        XCTAssertTrue(text.contains("repeat 1") && text.contains("r next repeat (1 of 2)"), text)
        press(workbench, .character("r"))
        text = screen(workbench)
        XCTAssertTrue(text.contains("repeat 2") && text.contains("missing this time"), text)
    }

    func testEveryEvalViewDrawsAtAnySize() async throws {
        try writeTwoEvals()
        let workbench = try makeWorkbench()
        let states: [(String, EvalBrowser.Mode)] = [
            ("evals", .matrix), ("evals", .cell(scroll: 3)), ("evals", .compare), ("versions", .matrix),
        ]
        for (overlay, mode) in states {
            workbench.evals.openEvals()
            workbench.evalBrowser?.baseline = 0
            workbench.evalBrowser?.mode = mode
            if overlay == "versions" { workbench.evals.openVersions() }
            for (width, height) in [(12, 5), (30, 8), (45, 12), (80, 24), (200, 60)] {
                let text = workbench.render(
                    width: width, height: height, now: Date(timeIntervalSince1970: 0)
                ).0.text
                XCTAssertEqual(
                    text.split(separator: "\n", omittingEmptySubsequences: false).count, height,
                    "\(overlay) \(mode) at \(width)×\(height)")
            }
        }
    }

    func testComparingTwoEvalsMarksFixesAndRegressions() async throws {
        try writeTwoEvals()
        let workbench = try makeWorkbench()
        press(workbench, .function(3), .character("c"))
        let changes = workbench.evalBrowser?.changes ?? []
        XCTAssertEqual(changes.map(\.label), ["alpha", "beta", "gamma"])
        XCTAssertEqual(changes.map(\.kind), [.same, .regressed, .fixed])
        var text = screen(workbench)
        XCTAssertTrue(
            text.contains("baseline old (67% [21–94]) → new (67% [21–94]) · 1 fixed, 1 regressed · +0 cases"), text)
        XCTAssertTrue(text.contains("▼ regressed"), text)
        XCTAssertTrue(text.contains("▲ fixed"), text)
        press(workbench, .character("f"))
        text = screen(workbench)
        XCTAssertFalse(text.contains("alpha"), "only changes: \(text)")
        press(workbench, .character("c"))
        XCTAssertEqual(workbench.evalBrowser?.mode, .matrix)
    }

    func testWithoutResultsTheViewSaysHowToGetSome() async throws {
        try? FileManager.default.removeItem(at: root.appendingPathComponent("evals/results"))
        let workbench = try makeWorkbench()
        press(workbench, .function(3))
        XCTAssertTrue(screen(workbench).contains("no eval results yet: run `:eval` here or `whet eval`"))
        press(workbench, .character("c"))
        XCTAssertEqual(workbench.state.message?.text, "comparing needs two evals; this workspace has 0")
    }

    func testPromptVersionsListPassRatesAndDiffTwo() async throws {
        try writeTwoEvals()
        let workspace = try Workspace.open(root: root)
        let store = PromptVersions(workspace: workspace)
        for (hash, text) in [
            ("aaaa1111", "system:\nAnswer briefly.\n"), ("bbbb2222", "system:\nAnswer briefly and cite.\n"),
        ] {
            try FileManager.default.createDirectory(at: store.directory, withIntermediateDirectories: true)
            try text.write(
                to: store.directory.appendingPathComponent("\(hash).prompty"), atomically: true, encoding: .utf8)
        }
        let workbench = try makeWorkbench()
        workbench.state.focus = .output
        press(workbench, .character(":"))
        for character in "versions" { press(workbench, .character(character)) }
        press(workbench, .enter)
        var text = screen(workbench)
        XCTAssertTrue(text.contains("Versions of prompts/support-answer.prompty"), text)
        XCTAssertTrue(text.contains("aaaa1111  2026-11-24 10:00"), text)
        XCTAssertTrue(text.contains("66.7% [20.8–93.9] of 3"), text)
        XCTAssertEqual(workbench.versionBrowser?.versions.map(\.hash).suffix(2), ["aaaa1111", "bbbb2222"])
        press(workbench, .character("d"))
        text = screen(workbench)
        XCTAssertTrue(text.contains("aaaa1111 → bbbb2222"), text)
        XCTAssertTrue(text.contains("Answer briefly.") && text.contains("briefly and cite."), text)
    }

    func testRatingTheShownRunIsAppendedAndShownInTheTitle() async throws {
        let workbench = try makeWorkbench()
        workbench.context.openIndex()
        await workbench.context.denseJob.settled()
        press(workbench, .control("r"))
        for _ in 0..<200 where workbench.isRunning {
            try await Task.sleep(nanoseconds: 20_000_000)
            workbench.applyEvents()
        }
        workbench.state.focus = .output
        press(workbench, .character("+"))
        XCTAssertEqual(workbench.state.message?.text, "run 1 rated good")
        XCTAssertTrue(
            workbench.render(width: 200, height: 40, now: Date(timeIntervalSince1970: 0)).0
                .text.contains("· rated good"))
        press(workbench, .character("-"))
        XCTAssertTrue(
            workbench.render(width: 200, height: 40, now: Date(timeIntervalSince1970: 0)).0
                .text.contains("· rated bad"))
        let session = try XCTUnwrap(workbench.state.runs.sessionID)
        let store = SessionStore(workspace: workbench.state.workspace)
        XCTAssertEqual(store.ratings(session).byRun.values.map(\.verdict), [.bad], "the later rating wins")
        let lines = try String(contentsOf: store.ratingsURL(session), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 2, "ratings are appended, never rewritten")
    }

    func testTheDatasetViewShowsTheExamplesAndWritesThem() async throws {
        let workbench = try makeWorkbench()
        workbench.context.openIndex()
        await workbench.context.denseJob.settled()
        workbench.state.focus = .output
        press(workbench, .character(":"))
        for character in "finetune" { press(workbench, .character(character)) }
        press(workbench, .enter)
        for _ in 0..<250 where workbench.state.evals.dataset == nil {
            try await Task.sleep(nanoseconds: 20_000_000)
            workbench.applyEvents()
        }
        let text = workbench.render(
            width: 120, height: 40, now: Date(timeIntervalSince1970: 0)
        ).0.text
        XCTAssertTrue(text.contains("Fine-tuning dataset"), text)
        XCTAssertTrue(text.contains("3 examples (0 from rated runs, 3 from eval cases)"), text)
        XCTAssertTrue(text.contains("at least 10 are required [too_few_examples]"), text)
        XCTAssertTrue(text.contains("evals/support.jsonl:1 (expected_answer)"), text)
        press(workbench, .character("w"))
        let train = root.appendingPathComponent("finetune/train.jsonl")
        let written = try String(contentsOf: train, encoding: .utf8).split(separator: "\n").count
        XCTAssertEqual(written, workbench.state.evals.dataset?.split.train.count)
        XCTAssertTrue(
            workbench.state.message?.text.hasPrefix("wrote finetune/train.jsonl") ?? false,
            workbench.state.message?.text ?? "")
    }

    /// A cell no assertion could check shows as not evaluated, and the title's rate says what it covers.
    func testACellNothingCheckedShowsAsNotEvaluated() async throws {
        let directory = root.appendingPathComponent("evals/results")
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var unchecked = result(2, "unchecked", passed: true, eval: "one", time: "2026-11-25T10:00:01Z")
        unchecked.assertions = [
            AssertionResult(type: "llm-rubric", status: .notRun, score: 0, reason: "needs a grader")
        ]
        unchecked.status = .notRun
        for item in [result(1, "checked", passed: true, eval: "one", time: "2026-11-25T10:00:00Z"), unchecked] {
            try JSONLines.append(item, to: directory.appendingPathComponent("one.jsonl"))
        }
        let workbench = try makeWorkbench()
        press(workbench, .function(3))
        var text = screen(workbench)
        XCTAssertTrue(text.contains("pass rate 100.0% [20.7–100.0] of 1; 1 not evaluated"), text)
        XCTAssertTrue(text.contains("? not evaluated"), text)
        press(workbench, .down, .enter)
        text = screen(workbench)
        XCTAssertTrue(
            text.contains("not evaluated: no assertion could run (llm-rubric: needs a grader); not a pass"), text)
    }

    /// `:report` writes the shown eval's HTML report and says where.
    func testReportCommandWritesTheShownEvalsReport() async throws {
        try writeTwoEvals()
        let workbench = try makeWorkbench()
        press(workbench, .function(3))
        workbench.runCommand("report")
        let target = root.appendingPathComponent("evals/reports/new.html")
        XCTAssertEqual(workbench.state.message?.text, "report of eval new written to evals/reports/new.html")
        let html = try String(contentsOf: target, encoding: .utf8)
        XCTAssertTrue(html.contains("<title>whet eval new</title>"))
        XCTAssertTrue(html.contains("gamma"))
    }
}
