import XCTest

@testable import WhetCore
@testable import WhetTUI

/// The real panes rendered into an in-memory grid, compared with text snapshots.
@MainActor
final class WorkbenchRenderTests: XCTestCase {
    var root: URL!

    override func setUp() async throws {
        DisplayWidth.prepareLocale()
        root = try copyOfDemoWorkspace()
    }

    override func tearDown() async throws { try? FileManager.default.removeItem(at: root) }

    /// A workbench on the demo with its index open and its (offline) embeddings computed, so every render
    /// sees the same state.
    func makeWorkbench(readOnly: Bool = false) async throws -> Workbench {
        let workbench = try openWorkbench(root: root, readOnly: readOnly)
        workbench.finishStartup()
        await workbench.context.denseJob.settled()
        workbench.applyEvents()
        return workbench
    }

    func render(_ workbench: Workbench, _ width: Int, _ height: Int) -> Canvas {
        workbench.render(width: width, height: height, now: Date(timeIntervalSince1970: 0)).0
    }

    func testFourPanesAt80x24() async throws {
        let workbench = try await makeWorkbench()
        assertSnapshot(render(workbench, 80, 24).text, named: "workbench-80x24")
    }

    func testFourPanesAt120x40() async throws {
        let workbench = try await makeWorkbench()
        assertSnapshot(render(workbench, 120, 40).text, named: "workbench-120x40")
    }

    func testWideCharactersInVariablesAndContext() async throws {
        let workbench = try await makeWorkbench()
        workbench.state.focus = .context
        workbench.handle(.character(":"), layout: Layout.make(width: 80, height: 24))
        for character in "set question=发票在哪里下载" {
            workbench.handle(.character(character), layout: Layout.make(width: 80, height: 24))
        }
        workbench.handle(.enter, layout: Layout.make(width: 80, height: 24))
        let canvas = render(workbench, 80, 24)
        assertSnapshot(canvas.text, named: "workbench-cjk-80x24")
        XCTAssertEqual(workbench.state.context.results.first?.path, "corpus/cjk/billing-zh.md")
    }

    func testNarrowScreensHideTheSidebarThenStack() async throws {
        let workbench = try await makeWorkbench()
        assertSnapshot(render(workbench, 70, 20).text, named: "workbench-70x20")
        assertSnapshot(render(workbench, 50, 18).text, named: "workbench-50x18")
        XCTAssertTrue(render(workbench, 30, 8).text.contains("whet needs at least 40×10"))
    }

    func testThemeAttributesReachTheGrid() async throws {
        let workbench = try await makeWorkbench()
        var canvas = render(workbench, 80, 24)
        XCTAssertTrue(canvas[0, 0].style.bold, "the focused pane's border is bold")
        XCTAssertEqual(canvas[0, 0].style.foreground, .indexed(39))
        workbench.state.theme.usesColor = false
        workbench.state.focus = .context
        canvas = render(workbench, 80, 24)
        let selectedRow = 1
        let contextX = Layout.make(width: 80, height: 24).context.x + 1
        XCTAssertTrue(canvas[contextX, selectedRow].style.reverse, "selection stays visible without colour")
        XCTAssertEqual(canvas[contextX, selectedRow].style.background, .default)
        XCTAssertTrue(canvas[0, 23].style.reverse, "status bar is reversed in monochrome")
    }

    func testHelpOverlayListsKeys() async throws {
        let workbench = try await makeWorkbench()
        workbench.handle(.function(1), layout: Layout.make(width: 100, height: 30))
        let text = render(workbench, 100, 30).text
        XCTAssertTrue(text.contains("Ctrl-R"))
        XCTAssertTrue(text.contains("cut line"))
        workbench.handle(.escape, layout: Layout.make(width: 100, height: 30))
        XCTAssertTrue(workbench.layers.isEmpty)
    }

    func testEditingRunningAndSteppingThroughContextWithoutATerminal() async throws {
        let workbench = try await makeWorkbench()
        let layout = Layout.make(width: 100, height: 30)
        for _ in 0..<40 { workbench.handle(.down, layout: layout) }
        workbench.handle(.end, layout: layout)
        for character in "\n日本語で答えてください。" {
            workbench.handle(character == "\n" ? .enter : .character(character), layout: layout)
        }
        XCTAssertTrue(workbench.state.prompt.buffer.isModified)
        XCTAssertTrue(render(workbench, 100, 30).line(0).contains("●"), "unsaved marker")

        workbench.handle(.tab, layout: layout)
        XCTAssertEqual(workbench.state.focus, .context)
        workbench.handle(.character("j"), layout: layout)
        workbench.handle(.character(" "), layout: layout)
        let excluded = workbench.state.context.results[1].location
        XCTAssertTrue(workbench.state.context.excluded.contains(excluded))

        workbench.handle(.control("r"), layout: layout)
        XCTAssertTrue(workbench.isRunning)
        for _ in 0..<500 where workbench.isRunning {
            try await Task.sleep(for: .milliseconds(10))
            workbench.applyEvents()
        }
        XCTAssertFalse(workbench.isRunning)
        let run = try XCTUnwrap(workbench.state.runs.records.last)
        XCTAssertTrue(run.messages.last?.content.contains("日本語で答えてください。") ?? false, "the run uses the unsaved edit")
        XCTAssertEqual(run.retrieval?.chunks.first { $0.chunk.location == excluded }?.omitted, "excluded")
        XCTAssertTrue(render(workbench, 100, 30).text.contains("run 1/1"))

        workbench.handle(.control("s"), layout: layout)
        XCTAssertFalse(workbench.state.prompt.buffer.isModified)
        let saved = try String(
            contentsOf: root.appendingPathComponent("prompts/support-answer.prompty"), encoding: .utf8)
        XCTAssertTrue(saved.hasSuffix("日本語で答えてください。"))
    }

    func testMouseClicksFocusPanesAndTheWheelScrolls() async throws {
        let workbench = try await makeWorkbench()
        let layout = Layout.make(width: 100, height: 30)
        workbench.handle(.mouseClick(x: layout.context.x + 2, y: layout.context.y + 2), layout: layout)
        XCTAssertEqual(workbench.state.focus, .context)
        workbench.handle(.wheelDown(x: layout.context.x + 2, y: layout.context.y + 2), layout: layout)
        XCTAssertEqual(workbench.state.selectedChunk, 3)
        workbench.handle(.mouseClick(x: 1, y: 1), layout: layout)
        XCTAssertEqual(workbench.state.focus, .prompt)
    }

    func testCommandLineSwitchesThemeAndRejectsUnknownCommands() async throws {
        let workbench = try await makeWorkbench()
        let layout = Layout.make(width: 100, height: 30)
        workbench.state.focus = .context
        for key: Key in [.character(":")] + "theme light".map({ .character($0) }) + [.enter] {
            workbench.handle(key, layout: layout)
        }
        XCTAssertEqual(workbench.state.theme.name, "light")
        for key: Key in [.character(":")] + "frobnicate".map({ .character($0) }) + [.enter] {
            workbench.handle(key, layout: layout)
        }
        XCTAssertEqual(workbench.state.message?.isError, true)
        XCTAssertTrue(render(workbench, 100, 30).line(29).contains("unknown command ':frobnicate'"))
    }

    func testQuittingWithUnsavedEditsAsksFirst() async throws {
        let workbench = try await makeWorkbench()
        let layout = Layout.make(width: 80, height: 24)
        workbench.handle(.character("x"), layout: layout)
        workbench.handle(.control("q"), layout: layout)
        XCTAssertTrue(workbench.layers.top is ConfirmQuitLayer)
        XCTAssertFalse(workbench.shouldQuit)
        workbench.handle(.escape, layout: layout)
        XCTAssertFalse(workbench.shouldQuit)
        workbench.handle(.control("q"), layout: layout)
        workbench.handle(.character("q"), layout: layout)
        XCTAssertTrue(workbench.shouldQuit)
        let onDisk = try String(
            contentsOf: root.appendingPathComponent("prompts/support-answer.prompty"), encoding: .utf8)
        XCTAssertFalse(onDisk.hasPrefix("x"), "quitting without saving leaves the file alone")
    }

    func testRecoveredEditsAreOfferedOnTheNextStart() async throws {
        let first = try await makeWorkbench()
        first.handle(.character("Z"), layout: Layout.make(width: 80, height: 24))
        first.writeRecovery()
        let second = try await makeWorkbench()
        guard second.layers.top is RecoveryLayer else { return XCTFail("no recovery offered") }
        second.handle(.character("r"), layout: Layout.make(width: 80, height: 24))
        XCTAssertTrue(second.state.prompt.buffer.text.hasPrefix("Z---"))
        XCTAssertTrue(second.state.prompt.buffer.isModified)
    }

    func testReviewModeShowsARecordedRunAndCannotEdit() async throws {
        let editor = try await makeWorkbench()
        let workspace = try Workspace.open(root: root)
        let plan = try await RunPlan.make(RunInput(), in: workspace, retriever: editor.context.index)
        let recorder = RunRecorder(workspace: workspace)
        let (session, number) = try recorder.nextRun(session: nil)
        let record = RunRecord(
            run: number, id: "x", time: "t",
            prompt: .init(name: plan.prompt.name, path: plan.prompt.path, hash: plan.prompt.contentHash),
            variables: plan.variables, messages: plan.messages, retrieval: plan.retrieval,
            backend: .init(name: "offline", kind: "offline"), model: "extractive-v1", parameters: [:],
            output: "Recorded answer [1]", finishReason: .stop, usage: nil,
            latency: .init(firstTokenMs: 5, totalMs: 50), error: nil, rating: nil)
        try recorder.record(record, session: session)

        let review = try await makeWorkbench(readOnly: true)
        guard review.layers.top is SessionsLayer else { return XCTFail("review starts with the session list") }
        let layout = Layout.make(width: 100, height: 30)
        review.handle(.enter, layout: layout)
        let text = render(review, 100, 30).text
        XCTAssertTrue(text.contains("Recorded answer"))
        XCTAssertTrue(text.contains("support/api-keys.md"))
        XCTAssertTrue(text.contains("review"))
        let before = review.state.prompt.buffer.text
        review.state.focus = .prompt
        review.handle(.character("x"), layout: layout)
        review.handle(.control("s"), layout: layout)
        review.handle(.control("r"), layout: layout)
        XCTAssertEqual(review.state.prompt.buffer.text, before)
        XCTAssertFalse(review.isRunning)
        review.state.focus = .output
        for key: Key in [.character(":")] + "run".map({ .character($0) }) + [.enter] {
            review.handle(key, layout: layout)
        }
        XCTAssertFalse(review.isRunning)
        XCTAssertEqual(review.state.message?.text, "review mode is read-only: ':run' is not available")
    }

    func testSidebarShowsTheAdvisorsMoveFromTheLatestEval() async throws {
        // One failed cell whose expected fact is in neither the answer nor the context: a knowledge failure.
        var assertion = AssertionResult(
            type: "icontains", status: .failed, score: 0, reason: "\"SAML\" not found in the output")
        assertion.expected = ["SAML"]
        let result = EvalResult(
            evalID: "e1", cell: "c1", time: "",
            caseRef: .init(file: "evals/support.jsonl", line: 1, description: "SSO"),
            prompt: .init(name: "support-answer", path: "prompts/support-answer.prompty", hash: "h"),
            backend: "offline", model: "extractive-v1", repeatIndex: 0, variables: [:], retrieval: nil,
            output: "I do not know.", latencyMs: 5, costUSD: nil, cached: nil, error: nil, assertions: [assertion],
            status: .failed, score: 0)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("evals/results"), withIntermediateDirectories: true)
        try JSONLines.append(result, to: root.appendingPathComponent("evals/results/e1.jsonl"))
        let workbench = try await makeWorkbench()
        let text = render(workbench, 120, 40).text
        XCTAssertTrue(text.contains("context optimisation"), text)
        XCTAssertTrue(text.contains("evals: 0% [0–79] of 1"), text)
        XCTAssertTrue(text.contains("knowledge: 1 (key 1)"), "the count carries the key that lists its cases: \(text)")
        XCTAssertTrue(text.contains("fine-tuning: 3"), "the demo's three expected answers: \(text)")
    }
}
