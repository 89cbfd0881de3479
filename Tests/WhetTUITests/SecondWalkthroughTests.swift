import XCTest

@testable import WhetCore
@testable import WhetTUI

/// What a second walkthrough found once the centre was split, each with a test that failed before its fix: a
/// run another process made shown with the editor's context, runs made without the context they asked for and
/// no word of it, notes that said the wrong thing, keys a viewer swallowed, help that missed a mode, files
/// changed on disk that the workbench did not notice.
@MainActor
final class SecondWalkthroughTests: DemoWorkbenchTestCase {
    func screen(_ workbench: Workbench, width: Int = 120, height: Int = 40) -> String {
        workbench.render(width: width, height: height, now: Date(timeIntervalSince1970: 0)).0.text
    }

    func testARunAnotherProcessMadeIsShownWithItsOwnInputAndContext() async throws {
        let workbench = try opened()
        press(workbench, .control("r"))
        try await settle(workbench) { !workbench.isRunning }
        let session = try XCTUnwrap(workbench.state.runs.sessionID)

        // Another process records a run with another question into the same session.
        let workspace = try Workspace.open(root: root)
        let (context, _) = try await ContextSession.open(workspace)
        let input = RunInput(variables: ["question": "How do webhooks retry?"])
        _ = try await context.search(try RunPlan.query(for: input, in: workspace))
        let other = try RunSession(
            plan: try RunPlan.make(input, in: workspace, context: context), workspace: workspace, session: session,
            useCache: false)
        let record = try await other.execute { _ in }

        workbench.followOtherProcesses()
        XCTAssertEqual(workbench.state.runs.records.count, 2)
        XCTAssertEqual(workbench.state.viewingEarlierRun?.id, record.id, "shown as the recorded run it is")
        let text = screen(workbench)
        XCTAssertTrue(text.contains("Context · run 2"), text)
        XCTAssertTrue(text.contains("webhooks.md"), "its own context, not the editor's search: \(text)")
        XCTAssertTrue(text.contains("How do webhooks retry?"), "its own input: \(text)")
    }

    func testARunWithRetrievalUnavailableIsRefusedAndOneWithRetrievalOffSaysSo() async throws {
        let workbench = try opened()
        workbench.context.attach(.failure(StoreError.unreachable(server: "db:5432", message: "connection refused")))
        press(workbench, .control("r"))
        XCTAssertFalse(workbench.isRunning)
        XCTAssertEqual(workbench.state.runs.records.count, 0, "nothing recorded as if it had context")
        XCTAssertTrue(
            workbench.state.message?.text.hasPrefix("run refused (:retrieval off runs without context)") ?? false,
            "a refusal that reads apart from the start-up message, its way out first")

        command(workbench, "retrieval off")
        XCTAssertTrue(screen(workbench).contains("Context · off ─"), "no count of chunks a run does not use")
        press(workbench, .control("r"))
        try await settle(workbench) { !workbench.isRunning }
        XCTAssertEqual(workbench.state.runs.records.count, 1)
        XCTAssertEqual(workbench.state.message?.kind, .warning)
        XCTAssertTrue(workbench.state.message?.text.contains("retrieval is off") ?? false)
    }

    func testAPromptThatDoesNotParseSaysSoInTheContextPane() async throws {
        try "---\nname: broken\n---\nuser:\nAnswer {{ question\n".write(
            to: root.appendingPathComponent("prompts/broken.prompty"), atomically: true, encoding: .utf8)
        let workbench = try opened()
        command(workbench, "prompt broken")
        XCTAssertNotNil(workbench.state.prompt.problem)
        XCTAssertEqual(workbench.state.context.results.count, 0)
        XCTAssertTrue(screen(workbench).contains("no query: the prompt does not parse"))
    }

    func testPInTheChunkViewPinsTheChunk() async throws {
        let workbench = try opened()
        press(workbench, .tab, .character("j"), .enter)
        XCTAssertTrue(workbench.layers.top is ChunkLayer)
        let chunk = workbench.state.context.results[1]
        press(workbench, .character("p"))
        XCTAssertEqual(workbench.state.context.pinned.map(\.location), [chunk.location])
        XCTAssertEqual(workbench.state.context.results.first?.location, chunk.location)
    }

    func testSmallNotesAndHelpAreWhole() async throws {
        let workbench = try opened()
        let small = screen(workbench, width: 30, height: 8)
        XCTAssertTrue(small.contains("30×8"), small)
        let help = KeyHelp.lines(workbench.helpSections(), width: 200, reviewMode: false).map(\.text).joined()
        XCTAssertTrue(help.contains("in a cell: other variant"), "the eval cell view's keys are in F1")
        XCTAssertTrue(help.contains("while editing: keep the typed value"))
        press(workbench, .character("x"))
        command(workbench, "prompt nosuch")
        XCTAssertTrue(
            workbench.state.message?.text.contains("no prompt") ?? false,
            "a wrong name is said before the unsaved edits: \(workbench.state.message?.text ?? "")")
    }

    func testFilesChangedOnDiskReachTheOpenWorkbench() async throws {
        let workbench = try opened()
        workbench.followOtherProcesses()
        let cases = workbench.state.evals.evalCaseCount
        try #"{"vars": {"question": "How do I pay?"}, "assert": [{"type": "icontains", "value": "invoice"}]}"#
            .appending("\n").write(
                to: root.appendingPathComponent("evals/extra.jsonl"), atomically: true, encoding: .utf8)
        let prompt = root.appendingPathComponent("prompts/support-answer.prompty")
        let text = try String(contentsOf: prompt, encoding: .utf8) + "\nAnswer in one paragraph.\n"
        try Data(text.utf8).write(to: prompt)
        workbench.followOtherProcesses()
        try await settle(workbench) { workbench.state.evals.evalCaseCount != cases }
        XCTAssertEqual(workbench.state.evals.evalCaseCount, cases + 1, "an eval case file added is counted")
        XCTAssertEqual(workbench.state.prompt.buffer.text, text, "a prompt with no edits is reloaded")
        XCTAssertTrue(workbench.state.message?.text.contains("changed on disk") ?? false)
    }
}

/// Dense and hybrid search in an open workbench after the corpus changed: the vectors catch up before a run,
/// so the run's context is the one `whet search --method hybrid` gives in a new process.
@MainActor
final class VectorsFollowTheIndexTests: DemoWorkbenchTestCase {
    func testAHybridRunAfterACorpusEditUsesTheNewChunksAsANewProcessWould() async throws {
        let config = root.appendingPathComponent("whet.toml")
        let text = try String(contentsOf: config, encoding: .utf8)
        try text.replacingOccurrences(of: "method = \"bm25\"", with: "method = \"hybrid\"")
            .write(to: config, atomically: true, encoding: .utf8)
        let workbench = try opened()
        try await settle(workbench) { workbench.state.context.retrievalOptions.method == .hybrid }
        XCTAssertEqual(workbench.state.context.retrievalOptions.method, .hybrid)

        try "# Key rotation policy\n\nHow do I rotate my API key? Rotate your API key every 90 days.\n".write(
            to: root.appendingPathComponent("corpus/support/rotation-policy.md"), atomically: true, encoding: .utf8)
        press(workbench, .control("r"))
        try await settle(workbench) { !workbench.state.runs.records.isEmpty && !workbench.isRunning }
        let record = try XCTUnwrap(workbench.state.runs.records.last)
        let used = record.retrieval?.chunks.map(\.chunk) ?? []

        let workspace = try Workspace.open(root: root)
        let (fresh, _) = try await ContextSession.open(workspace)
        let outcome = try await fresh.search(try XCTUnwrap(record.retrieval?.query))
        XCTAssertEqual(used.map(\.location), outcome.chunks.map(\.location))
        XCTAssertTrue(used.contains { $0.path == "corpus/support/rotation-policy.md" }, "\(used.map(\.location))")
        for (a, b) in zip(used, outcome.chunks) { XCTAssertEqual(a.score, b.score, accuracy: 1e-9) }
    }
}
