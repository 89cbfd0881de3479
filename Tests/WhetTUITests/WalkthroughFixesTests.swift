import XCTest

@testable import WhetCore
@testable import WhetTUI

/// What a newcomer's hour in the workbench found, each with a test that failed before its fix: kept edits a
/// save deleted, a run on stale context, runs another process appended that could not be reached, keys that a
/// viewer swallowed, help that missed whole overlays, commands that did nothing and said nothing.
@MainActor
final class WalkthroughFixesTests: DemoWorkbenchTestCase {
    func testCtrlQQuitsThroughAViewerAndF1ListsEveryOverlay() async throws {
        let workbench = try opened()
        press(workbench, .function(1))
        XCTAssertTrue(workbench.layers.top is HelpLayer)
        let titles = workbench.helpSections().map(\.title)
        for title in ["Variables", "Conversation", "Eval results (F3)", "Prompt versions"] {
            XCTAssertTrue(titles.contains(title), "F1 has a \(title) section: \(titles)")
        }
        let help = KeyHelp.lines(workbench.helpSections(), width: 200, reviewMode: false).map(\.text).joined()
        XCTAssertTrue(help.contains("cancel a streaming run"), "Esc's meaning while a run streams is in the help")
        XCTAssertFalse(help.contains("F1 or ?"), "`?` types into the editor: the help does not promise it there")
        press(workbench, .control("q"))
        XCTAssertTrue(workbench.shouldQuit, "Ctrl-Q under a viewer quits instead of closing the viewer")
    }

    func testSetOfAnUnknownVariableAndPromptWithEditsSayWhatToDo() async throws {
        let workbench = try opened()
        command(workbench, "set foo=bar")
        XCTAssertEqual(
            workbench.state.message?.text, "support-answer.prompty has no variable 'foo'; it uses 'question'")
        command(workbench, "set context=mine")
        XCTAssertTrue(workbench.state.message?.text.contains("filled by retrieval") ?? false)
        command(workbench, "prompt")
        XCTAssertTrue(workbench.state.message?.text.hasPrefix("expected :prompt NAME; the prompts are ") ?? false)
        press(workbench, .character("X"))
        command(workbench, "prompt handbuch")
        let message = workbench.state.message?.text ?? ""
        XCTAssertTrue(message.contains(":e! drops them") && !message.contains(":q!"), message)
    }

    func testRunsAnotherProcessAppendedAreReached() async throws {
        let workbench = try opened()
        press(workbench, .control("r"))
        try await waitForRun(workbench)
        let session = try XCTUnwrap(workbench.state.runs.sessionID)
        let log = SessionStore(workspace: workbench.state.workspace).log(session)
        // Another process records three more runs in the same session.
        var other = try XCTUnwrap(workbench.state.runs.records.first)
        for number in 2...4 {
            other.run = number
            other.id = UUID().uuidString.lowercased()
            other.output = "answer \(number) from elsewhere"
            try JSONLines.append(other, to: log.url)
        }
        press(workbench, .tab, .tab, .character("["))
        XCTAssertEqual(workbench.state.runs.records.count, 4, "the log is followed as others append")
        press(workbench, .control("r"))
        try await waitForRun(workbench)
        XCTAssertEqual(workbench.state.runs.records.map(\.run), [1, 2, 3, 4, 5])
        XCTAssertTrue(
            workbench.render(width: 120, height: 40, now: Date(timeIntervalSince1970: 0)).0.text.contains("run 5/5"))
    }

    func testARunUsesTheIndexAsAnotherProcessLeftIt() async throws {
        let workbench = try opened()
        workbench.context.openIndex()
        await workbench.context.denseJob.settled()
        // Another process adds a document and indexes it while the workbench shows the old context.
        try """
        # Key rotation, the short version
        To rotate your API key: rotate the API key, rotate it again, API key rotation done. Rotate my API key.
        """.write(
            to: root.appendingPathComponent("corpus/support/zz-rotation.md"), atomically: true, encoding: .utf8)
        _ = try Workspace.open(root: root).openIndex()
        XCTAssertFalse(workbench.state.context.results.contains { $0.path.hasSuffix("zz-rotation.md") })
        press(workbench, .control("r"))
        try await waitForRun(workbench)
        let used = workbench.state.runs.records.last?.retrieval?.chunks.map(\.chunk.path) ?? []
        XCTAssertTrue(used.contains { $0.hasSuffix("zz-rotation.md") }, "the run searched the index as it is: \(used)")
    }

    func testConversationAddsTheNextTurnAtTheEnd() async throws {
        let workbench = try opened()
        command(workbench, "prompt support-chat")
        press(workbench, .function(2), .enter)
        let layer = try XCTUnwrap(workbench.layers.top as? ThreadLayer)
        XCTAssertEqual(layer.messages.map(\.role), [.user, .assistant])
        // With the first message selected, `a` still adds the next turn after the last one.
        press(workbench, .character("a"))
        for character in "It is the production key." { press(workbench, .character(character)) }
        press(workbench, .enter)
        XCTAssertEqual(layer.messages.map(\.role), [.user, .assistant, .user])
        XCTAssertEqual(layer.messages.last?.content, "It is the production key.")
    }
}

/// Messages the status line cuts can be read whole.
@MainActor
final class MessageLogTests: XCTestCase {
    func testMessagesKeepsEveryStatusMessageWhole() async throws {
        DisplayWidth.prepareLocale()
        let root = try copyOfDemoWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let workbench = try openWorkbench(root: root)
        let layout = Layout.make(width: 80, height: 24)
        workbench.resize(to: layout)
        let long = "a long message " + String(repeating: "that goes on and on ", count: 10) + "and ends here"
        workbench.state.message = .warning(long)
        workbench.state.message = .error("second")
        for key: Key in [.control("p")] + Array(":messages".dropFirst()).map({ .character($0) }) + [.enter] {
            workbench.handle(key, layout: layout)
        }
        XCTAssertTrue(workbench.layers.top is MessagesLayer)
        let text = workbench.render(width: 80, height: 24, now: Date(timeIntervalSince1970: 0)).0.text
        XCTAssertTrue(text.contains("Messages (2)"), text)
        XCTAssertTrue(text.contains("and ends here"), "the whole message, wrapped: \(text)")
        XCTAssertTrue(text.contains("second"), text)
    }
}

/// The rule for typed values across a prompt switch: a value comes along when the next prompt has a variable of
/// the same name and kind; otherwise it is set aside with its prompt and given back when that prompt reopens.
@MainActor
final class PromptSwitchValuesTests: XCTestCase {
    func testATypedConversationDoesNotBecomeAnotherPromptsTextAndComesBack() async throws {
        DisplayWidth.prepareLocale()
        let root = try copyOfDemoWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        try """
        ---
        name: history-notes
        inputs:
          history:
            type: string
            sample: notes from the last call
        ---
        user:
        Summarise {{history}}
        """.write(to: root.appendingPathComponent("prompts/history-notes.prompty"), atomically: true, encoding: .utf8)
        let workbench = try openWorkbench(root: root)
        workbench.runCommand("prompt support-chat")
        let typed = #"[{"role":"user","content":"Mine, typed."}]"#
        workbench.state.prompt.variables["history"] = typed
        workbench.state.prompt.variables["question"] = "My own question"
        workbench.runCommand("prompt history-notes")
        XCTAssertEqual(
            workbench.state.prompt.variables["history"], "notes from the last call", "the text prompt's sample")
        workbench.runCommand("prompt support-chat")
        XCTAssertEqual(workbench.state.prompt.variables["history"], typed, "the conversation is given back")
        XCTAssertEqual(workbench.state.prompt.variables["question"], "My own question")
        XCTAssertTrue(workbench.state.message?.text.contains("kept what you typed for") ?? false)
    }
}

/// The status bar gives the focused pane's own keys room after run, pane, help and quit; review mode's sidebar
/// has no prompt to tick before a run is shown.
@MainActor
final class StatusHintsTests: XCTestCase {
    func testTheOutputPanesKeysReachTheStatusBar() async throws {
        DisplayWidth.prepareLocale()
        let root = try copyOfDemoWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let workbench = try openWorkbench(root: root)
        let layout = Layout.make(width: 200, height: 40)
        workbench.resize(to: layout)
        workbench.state.focus = .output
        let own = try XCTUnwrap(workbench.paneBindings(.output).hints.first)
        let status = workbench.render(width: 200, height: 40, now: Date(timeIntervalSince1970: 0)).0.line(39)
        XCTAssertTrue(status.contains("\(own.key) \(own.label)"), status)
        XCTAssertTrue(status.contains("^Q quit"), status)

        let review = try openWorkbench(root: root, readOnly: true)
        let text = review.render(width: 120, height: 40, now: Date(timeIntervalSince1970: 0)).0.text
        XCTAssertFalse(text.contains("✗ clear instructions"), "no crosses for a prompt that is not shown: \(text)")
    }
}

/// An overlay's footer shows whole hints only, and says there are more.
@MainActor
final class FooterTests: XCTestCase {
    func testTheEvalResultsFooterIsWholeHintsAt80Columns() async throws {
        DisplayWidth.prepareLocale()
        let text = "j/k h/l move · Enter open · f failures · c compare · [ ] older/newer eval · v versions · w report"
        let fitted = OverlayDrawing.fitted(text, width: 78)
        XCTAssertEqual(fitted, "j/k h/l move · Enter open · f failures · c compare · F1 more")
        XCTAssertEqual(OverlayDrawing.fitted("a b · c d", width: 40), "a b · c d")
    }
}
