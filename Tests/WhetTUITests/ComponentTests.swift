import XCTest

@testable import WhetCore
@testable import WhetTUI

/// The components driven directly: keys in, state and cells out, no terminal. Each of the bugs found using
/// the workbench as a new user would has a test here that failed before its fix.
@MainActor
final class ComponentTests: DemoWorkbenchTestCase {
    func type(_ workbench: Workbench, _ text: String) {
        for character in text { press(workbench, .character(character)) }
    }

    func screen(_ workbench: Workbench, _ width: Int = 120, _ height: Int = 40) -> Canvas {
        workbench.render(width: width, height: height, now: Date(timeIntervalSince1970: 0)).0
    }

    func testEscOnRecoveredEditsKeepsThem() async throws {
        let first = try opened()
        press(first, .character("Z"))
        first.writeRecovery()
        let recovery = RecoveryFile.url(for: first.state.prompt.path, in: first.state.workspace)
        let second = try opened()
        XCTAssertTrue(second.layers.top is RecoveryLayer)
        XCTAssertTrue(screen(second).text.contains("Esc decide later"), "the dialog says what Esc does")
        press(second, .escape)
        XCTAssertTrue(second.layers.isEmpty)
        XCTAssertTrue(FileManager.default.fileExists(atPath: recovery.path), "Esc must not delete the edits")
        XCTAssertTrue(second.state.message?.text.contains("kept in .whet/recovery/") ?? false)
        XCTAssertTrue(try opened().layers.top is RecoveryLayer, "offered again at the next start")
    }

    func testColonIsTextInTheEditorAndCtrlPOpensTheCommandLine() async throws {
        let workbench = try opened()
        let before = workbench.state.prompt.buffer.text
        press(workbench, .character(":"))
        XCTAssertTrue(workbench.layers.isEmpty)
        XCTAssertEqual(workbench.state.prompt.buffer.text.count, before.count + 1)
        XCTAssertTrue(screen(workbench).line(39).contains("^P cmd"), "the hint names the key that works here")
        press(workbench, .control("p"))
        XCTAssertTrue(workbench.layers.top is LineInputLayer)
        press(workbench, .escape, .tab)
        XCTAssertEqual(workbench.state.focus, .context)
        XCTAssertTrue(screen(workbench).line(39).contains(": cmd"))
        press(workbench, .character(":"))
        XCTAssertTrue(workbench.layers.top is LineInputLayer)
    }

    func testTheVariablesEditorCursorSitsAtTheInsertionPointAndMoves() async throws {
        let workbench = try opened()
        press(workbench, .function(2), .enter)
        let value = try XCTUnwrap(workbench.state.prompt.variables["question"])
        let (_, cursor) = workbench.render(width: 120, height: 40)
        let row = try XCTUnwrap(cursor).y
        let text = screen(workbench).line(row)
        let expectedX = DisplayWidth.of(String(text.prefix { $0 != "q" })) + DisplayWidth.of("question = \(value)")
        XCTAssertEqual(cursor?.x, expectedX, "the cursor is right after the value")
        press(workbench, .home)
        type(workbench, "Q: ")
        press(workbench, .end, .left, .backspace, .enter)
        XCTAssertEqual(workbench.state.prompt.variables["question"], "Q: " + value.dropLast(2) + value.suffix(1))
    }

    func testTheSidebarSaysTheRetrievalInUse() async throws {
        let workbench = try opened()
        press(workbench, .tab, .character("-"))
        XCTAssertEqual(workbench.state.context.topK, 4)
        XCTAssertTrue(screen(workbench).text.contains("top 4"), screen(workbench).text)
    }

    func testAnEarlierRunShowsItsInputAndItsContext() async throws {
        let workbench = try opened()
        for question in ["How do I rotate my API key?", "What does the Team plan cost?"] {
            workbench.state.prompt.variables["question"] = question
            workbench.context.refreshContext()
            press(workbench, .control("r"))
            for _ in 0..<500 where workbench.isRunning {
                try await Task.sleep(for: .milliseconds(10))
                workbench.applyEvents()
            }
        }
        XCTAssertEqual(workbench.state.runs.records.count, 2)
        press(workbench, .tab, .tab, .character("["))
        let text = screen(workbench).text
        XCTAssertTrue(text.contains("asked with question=How do I rotate my API key?"), text)
        XCTAssertTrue(text.contains("Context · run 1"), text)
        XCTAssertEqual(workbench.state.listedChunks, workbench.state.runs.records[0].retrieval?.chunks.map(\.chunk))
        press(workbench, .backTab, .character(" "))
        XCTAssertTrue(workbench.state.message?.text.contains("run 1's context") ?? false, "its context is not changed")
        press(workbench, .tab, .character("]"))
        XCTAssertNil(workbench.state.viewingEarlierRun)
    }

    func testToolCallsAndTheSchemaVerdictShowInTheOutputPane() async throws {
        let workbench = try opened()
        let plan = try RunPlan.make(RunInput(), in: workbench.state.workspace, retrieved: nil)
        var record = RunRecord(
            run: 1, id: "r1", time: "t",
            prompt: .init(name: plan.prompt.name, path: plan.prompt.path, hash: plan.prompt.contentHash),
            variables: [:], messages: plan.messages, retrieval: nil, backend: .init(name: "offline", kind: "offline"),
            model: "m", parameters: [:], output: "Checking.", finishReason: .stop, usage: nil,
            latency: .init(firstTokenMs: 1, totalMs: 2), error: nil, rating: nil)
        record.toolCalls = [ToolCall(id: "c1", name: "lookup_order", arguments: "{\"number\": 42}")]
        record.schemaCheck = RunRecord.SchemaCheck(conforms: false, problems: ["the answer is not JSON"])
        workbench.state.runs.records = [record]
        let text = screen(workbench).text
        XCTAssertTrue(text.contains("── tool call lookup_order"), text)
        XCTAssertTrue(text.contains("\"number\" : 42"), text)
        XCTAssertTrue(text.contains("schema ✗"), text)
    }

    func testAConversationGoesOnWithAFollowUpTurn() async throws {
        let workbench = try opened()
        workbench.context.refreshContext()
        func waitForRun() async throws {
            for _ in 0..<500 where workbench.isRunning {
                try await Task.sleep(for: .milliseconds(10))
                workbench.applyEvents()
            }
        }
        press(workbench, .control("r"))
        try await waitForRun()
        press(workbench, .tab, .tab, .character("c"))
        XCTAssertEqual((workbench.layers.top as? LineInputLayer)?.kind, .reply)
        type(workbench, "And how do I revoke the old one?")
        press(workbench, .enter)
        try await waitForRun()
        XCTAssertEqual(workbench.state.runs.records.count, 2)
        let first = workbench.state.runs.records[0]
        let second = workbench.state.runs.records[1]
        XCTAssertEqual(second.continues, first.run)
        XCTAssertEqual(second.turn, 1)
        XCTAssertEqual(
            Array(second.messages.suffix(2)),
            [
                ChatMessage(role: .assistant, content: first.output),
                ChatMessage(role: .user, content: "And how do I revoke the old one?"),
            ])
        XCTAssertEqual(second.messages.count, first.messages.count + 2, "the session records the whole thread")
        let text = screen(workbench).text
        XCTAssertTrue(text.contains("you: And how do I revoke the old one?"), text)
        XCTAssertTrue(text.contains("run 2/2"), text)
    }

    func testUnknownEscapeSequencesAreNeverTyped() async {
        XCTAssertEqual(EscapeSequence.decode(introducer: "[", body: "1~"), .home)
        XCTAssertEqual(EscapeSequence.decode(introducer: "[", body: "4~"), .end)
        XCTAssertEqual(EscapeSequence.decode(introducer: "[", body: "1;5C"), .wordRight)
        XCTAssertEqual(EscapeSequence.decode(introducer: "O", body: "P"), .function(1))
        XCTAssertNil(EscapeSequence.decode(introducer: "[", body: "200~"), "bracketed paste marker: dropped")
    }

    func testPanesScrollBackAfterTheScreenShrinksAndGrows() async throws {
        let workbench = try opened()
        let small = Layout.make(width: 40, height: 10)
        workbench.resize(to: small)
        for _ in 0..<24 { press(workbench, .down, at: small) }
        press(workbench, .up, at: small)
        XCTAssertGreaterThan(workbench.state.prompt.editorView.line, 10)
        workbench.resize(to: layout)
        let rows = PromptEditorPane.textArea(layout.prompt).height
        XCTAssertEqual(
            workbench.state.prompt.editorView.line, workbench.state.prompt.buffer.lines.count - rows,
            "scrolled no further than the text needs: no blank space below it")
        XCTAssertTrue(screen(workbench).line(rows).contains(" \(workbench.state.prompt.buffer.lines.count) "))
    }

    func testHelpIsAsWideAsItsTextAndPagesWithAPosition() async throws {
        let workbench = try opened()
        press(workbench, .function(1))
        let help = try XCTUnwrap(workbench.layers.top as? HelpLayer)
        let box = help.box(Rect(x: 0, y: 0, width: 120, height: 40))
        XCTAssertEqual(box.width, KeyHelp.naturalWidth(help.sections) + 4, "as wide as the longest line")
        XCTAssertTrue(
            help.lines(Rect(x: 0, y: 0, width: 120, height: 40)).allSatisfy { DisplayWidth.of($0.text) <= 118 })
        var text = screen(workbench).text
        XCTAssertTrue(text.contains("Help · 1-37/"), text)
        press(workbench, .pageDown)
        XCTAssertEqual(help.scroll.offset, 36, "a page is the view's height less one line")
        text = screen(workbench).text
        XCTAssertTrue(text.contains("Help · 37-73/"), text)
        press(workbench, .character("x"))
        XCTAssertTrue(workbench.layers.isEmpty, "any other key closes the help")
    }

    func testTheQuitDialogSaysEveryAnswerWhole() async throws {
        let workbench = try opened()
        press(workbench, .character("x"), .control("q"))
        let text = screen(workbench, 80, 24).text
        XCTAssertTrue(text.contains("s save and quit · q quit without saving · Esc stay"), text)
    }

    func testStatusMessagesAreCutAtAWord() async {
        XCTAssertEqual(StatusBar.fitting("one two three four", width: 12), "one two …")
        XCTAssertEqual(StatusBar.fitting("short", width: 12), "short")
    }

    func testCtrlFRemembersAndHighlightsTheSearch() async throws {
        let workbench = try opened()
        press(workbench, .control("f"))
        type(workbench, "sample")
        press(workbench, .enter)
        XCTAssertEqual(workbench.state.prompt.lastSearch, "sample")
        let canvas = screen(workbench)
        let row = (0..<40).first { canvas.line($0).contains("sample:") } ?? 0
        let x = Array(canvas.line(row)).firstIndex(of: "s").map { $0 } ?? 0
        XCTAssertEqual(canvas[x, row].style, workbench.state.theme.style(.match), canvas.line(row))
        press(workbench, .control("f"))
        XCTAssertEqual((workbench.layers.top as? LineInputLayer)?.editor.text, "sample", "offered again")
        type(workbench, "name")
        XCTAssertEqual(
            (workbench.layers.top as? LineInputLayer)?.editor.text, "name", "typing replaces the offered search")
    }

    func testUndoDoesNotReachBackPastASave() async throws {
        let workbench = try opened()
        type(workbench, "ab")
        press(workbench, .control("s"))
        type(workbench, "cd")
        press(workbench, .control("z"))
        XCTAssertTrue(workbench.state.prompt.buffer.text.hasPrefix("ab---"), workbench.state.prompt.buffer.text)
        XCTAssertFalse(workbench.state.prompt.buffer.isModified)
    }

    func testChunkAndDiffOverlaysCoverTheWholeWidth() async throws {
        let workbench = try opened()
        press(workbench, .tab, .enter)
        XCTAssertTrue(workbench.layers.top is ChunkLayer)
        let canvas = screen(workbench)
        XCTAssertEqual(canvas.line(0).first, "┌", "no strip of the pane is left at the edge")
        XCTAssertEqual(canvas.line(0).last, "┐")
    }

    func testRanksInARunsContextAreUniqueAfterPinning() async {
        func chunk(_ rank: Int, _ path: String) -> RetrievedChunk {
            RetrievedChunk(
                rank: rank, path: path, startLine: 1, endLine: 2, headingPath: [], score: 1, matchedTerms: [], text: "x"
            )
        }
        let placed = RunPlan.place(
            [chunk(1, "a"), chunk(2, "b"), chunk(3, "c")], pinned: [chunk(3, "p")], budget: 10_000, excluded: [])
        XCTAssertEqual(placed.map(\.chunk.rank), [1, 2, 3, 4])
    }

    func testReviewModeRefusesWhatWouldChangeTheWorkspaceAndSaysWhy() async throws {
        let workbench = try opened(readOnly: true)
        workbench.layers.pop()
        press(workbench, .control("r"))
        XCTAssertEqual(
            workbench.state.message?.text, "review mode is read-only: Ctrl-R (run the prompt) is not available")
        let hints = workbench.statusHints().map(\.label)
        XCTAssertFalse(hints.contains("save"), "a refused key is not offered")
    }

    func testEveryComponentsKeysAreDistinctAndDocumented() async throws {
        let workbench = try opened()
        let sets: [(String, [KeyBinding])] = [
            ("global", workbench.globalBindings()),
            ("prompt", PromptEditorPane.bindings(workbench)),
            ("context", ContextPane.bindings(workbench) + workbench.paneCommonBindings()),
            ("output", OutputPane.bindings(workbench) + workbench.paneCommonBindings()),
            ("sidebar", FrameworkSidebar.bindings(workbench) + workbench.paneCommonBindings()),
            ("evals", EvalsLayer.helpBindings(workbench.state)),
            ("versions", VersionsLayer.helpBindings(workbench.state)),
            ("variables", VariablesLayer().bindings(workbench.state)),
            ("conversation", ThreadLayer.helpBindings(workbench.state)),
        ]
        for (name, bindings) in sets {
            let keys = bindings.flatMap(\.keys)
            XCTAssertEqual(keys.count, Set(keys).count, "\(name) binds a key twice")
            XCTAssertNotNil(bindings.first?.help, "\(name)'s first binding is documented")
        }
        let help = KeyHelp.lines(workbench.helpSections(), width: 200, reviewMode: false).map(\.text).joined()
        for binding in ContextPane.bindings(workbench) where binding.help != nil {
            XCTAssertTrue(help.contains(binding.help ?? ""), "the help lists \(binding.label)")
        }
    }

    func testScrollAndListStatesClampTheSameWayEverywhere() async {
        var scroll = ScrollState()
        scroll.apply(.pages(1), count: 100, height: 10)
        XCTAssertEqual(scroll.offset, 9)
        scroll.apply(.bottom, count: 100, height: 10)
        XCTAssertEqual(scroll.offset, 90)
        scroll.clamp(count: 20, height: 10)
        XCTAssertEqual(scroll.offset, 10)
        XCTAssertEqual(scroll.position(count: 20, height: 10), "11-20/20")
        var list = ListState()
        list.apply(.lines(15), count: 12, height: 5)
        XCTAssertEqual(list.selected, 11)
        XCTAssertEqual(list.top, 7)
        list.fit(count: 12, height: 20)
        XCTAssertEqual(list.top, 0, "no blank rows below the end while rows are above")
    }

    func testTheLineEditorMovesAndEdits() async {
        var line = LineEditor("set q=x")
        XCTAssertTrue(line.apply(.home))
        XCTAssertTrue(line.apply(.character(":")))
        XCTAssertTrue(line.apply(.control("e")))
        XCTAssertTrue(line.apply(.backspace))
        XCTAssertEqual(line.text, ":set q=")
        XCTAssertTrue(line.apply(.wordLeft))
        XCTAssertEqual(line.cursor, 5)
        XCTAssertTrue(line.apply(.control("k")))
        XCTAssertEqual(line.text, ":set ")
        XCTAssertFalse(line.apply(.function(5)))
        var wide = LineEditor("发票")
        XCTAssertEqual(wide.cursorColumn, 4)
        XCTAssertTrue(wide.apply(.left))
        XCTAssertEqual(wide.cursorColumn, 2)
    }
}

/// A thread input edited as a conversation: its messages listed, a turn added and edited, a role changed and
/// a message deleted, each written back to the variable as the JSON the prompt reads.
@MainActor
final class ThreadEditorTests: XCTestCase {
    var root: URL!

    override func setUp() async throws {
        DisplayWidth.prepareLocale()
        root = try copyOfDemoWorkspace()
    }

    override func tearDown() async throws { try? FileManager.default.removeItem(at: root) }

    func testAConversationIsEditedAsMessages() async throws {
        let workbench = try openWorkbench(root: root)
        let layout = Layout.make(width: 120, height: 40)
        workbench.finishStartup()
        workbench.resize(to: layout)
        func press(_ keys: Key...) { for key in keys { workbench.handle(key, layout: layout) } }
        func type(_ text: String) { for character in text { press(.character(character)) } }
        func screen() -> String { workbench.render(width: 120, height: 40, now: Date(timeIntervalSince1970: 0)).0.text }

        press(.control("p"))
        type("prompt support-chat")
        press(.enter)
        XCTAssertEqual(workbench.state.prompt.path, "prompts/support-chat.prompty")
        XCTAssertEqual(workbench.state.prompt.threadInputs, ["history"])
        press(.function(2))
        XCTAssertEqual(VariablesLayer.names(workbench.state).first, "history")
        press(.enter)
        let layer = try XCTUnwrap(workbench.layers.top as? ThreadLayer)
        XCTAssertEqual(layer.messages.map(\.role), [.user, .assistant])
        var text = screen()
        XCTAssertTrue(text.contains("Conversation: history"), text)
        XCTAssertTrue(text.contains("user      My API key stopped working this morning."), text)

        press(.character("j"), .character("a"))
        type("Yes, yesterday.")
        press(.enter)
        XCTAssertEqual(layer.messages.map(\.role), [.user, .assistant, .user])
        press(.character("k"), .character("k"), .character("r"))
        XCTAssertEqual(layer.messages.first?.role, .assistant)
        press(.character("r"), .character("r"))
        XCTAssertEqual(layer.messages.first?.role, .user)
        press(.character("j"), .character("d"))
        let stored = try ThreadValue.messages(from: workbench.state.prompt.variables["history"] ?? "", input: "history")
        XCTAssertEqual(stored.map(\.content), ["My API key stopped working this morning.", "Yes, yesterday."])
        press(.escape)
        XCTAssertTrue(workbench.layers.top is VariablesLayer)
        text = screen()
        XCTAssertTrue(text.contains("history = 2 messages"), text)

        // What is not a message list is said, and edited as text instead of being lost.
        workbench.state.prompt.variables["history"] = "not json"
        press(.enter)
        XCTAssertFalse(workbench.layers.top is ThreadLayer)
        XCTAssertTrue(workbench.state.message?.text.contains("edit it as text") ?? false)
    }

    func testThreadTextRoundTripsToolCalls() async throws {
        let messages = [
            ChatMessage(role: .user, content: "Where is 42?"),
            ChatMessage(
                role: .assistant, content: "", toolCalls: [ToolCall(id: "c1", name: "lookup", arguments: "{\"n\":42}")]),
            ChatMessage(role: .tool, content: "shipped", toolCallID: "c1"),
        ]
        XCTAssertEqual(try ThreadValue.messages(from: ThreadValue.text(messages), input: "h"), messages)
    }
}

/// Opening another prompt fills its variables with its own samples, unless the user typed a value.
@MainActor
final class PromptSampleTests: XCTestCase {
    func testAnotherPromptBringsItsSampleButKeepsWhatWasTyped() async throws {
        let root = try copyOfDemoWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let workbench = try openWorkbench(root: root)
        let layout = Layout.make(width: 120, height: 40)
        workbench.finishStartup()
        workbench.resize(to: layout)
        func command(_ text: String) {
            workbench.handle(.control("p"), layout: layout)
            for character in text { workbench.handle(.character(character), layout: layout) }
            workbench.handle(.enter, layout: layout)
        }
        XCTAssertEqual(workbench.state.prompt.variables["question"], "How do I rotate my API key?")
        command("prompt handbuch")
        XCTAssertEqual(workbench.state.prompt.variables["question"], "Wie zeige ich auch versteckte Dateien an?")
        command("set question=Wie kopiere ich Verzeichnisse?")
        command("prompt support-answer")
        XCTAssertEqual(
            workbench.state.prompt.variables["question"], "Wie kopiere ich Verzeichnisse?", "a typed value stays")
    }
}
