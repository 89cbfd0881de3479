import XCTest

@testable import WhetCore

final class RunTests: XCTestCase {
    override func setUp() { setlocale(LC_ALL, "C.UTF-8") }

    func makeWorkspace() throws -> TestWorkspace {
        try TestWorkspace(files: [
            "prompts/answer.prompty": TestWorkspace.answerPrompt,
            "corpus/settings.md": "# Settings\n\nThe default timeout is 60 seconds. It can be raised to 300 seconds.\n",
            "corpus/other.md": "# Other\n\nUnrelated text about colours and timeout.\n",
        ])
    }

    func testPlanRetrievesFillsContextAndRendersMessages() async throws {
        let files = try makeWorkspace()
        let workspace = try files.open()
        let (index, _) = try workspace.openIndex()
        let plan = try await RunPlan.make(
            RunInput(variables: ["question": "What is the default timeout?"]), in: workspace, retriever: index)
        XCTAssertEqual(plan.retrieval?.query, "What is the default timeout?")
        XCTAssertEqual(plan.retrieval?.chunks.first?.chunk.path, "corpus/settings.md")
        XCTAssertEqual(plan.retrieval?.chunks.first?.citation, 1)
        XCTAssertTrue(
            plan.messages[0].content.contains("[1] corpus/settings.md:1-3 (Settings)\n# Settings"),
            plan.messages[0].content)
        XCTAssertEqual(plan.messages[1], ChatMessage(role: .user, content: "What is the default timeout?"))
        XCTAssertNil(plan.variables["context"], "context is recorded under retrieval, not duplicated as a variable")
    }

    func testExcludedAndOverBudgetChunksAreKeptOutButRecorded() throws {
        let results = (1...3).map {
            RetrievedChunk(
                rank: $0, path: "d\($0).md", startLine: 1, endLine: 2, headingPath: [], score: 1, matchedTerms: [],
                text: String(repeating: "word ", count: 40))
        }
        let placed = RunPlan.place(
            results, budget: 70, excluded: [ChunkLocation(path: "d1.md", startLine: 1, endLine: 2)])
        XCTAssertEqual(placed.map(\.citation), [nil, 1, nil])
        XCTAssertEqual(placed.map(\.omitted), ["excluded", nil, "over token budget"])
    }

    func testRetrievalOffLeavesContextEmptyWithAWarning() async throws {
        let files = try makeWorkspace()
        let workspace = try files.open()
        let plan = try await RunPlan.make(RunInput(retrievalEnabled: false), in: workspace, retriever: nil)
        XCTAssertNil(plan.retrieval)
        XCTAssertEqual(plan.messages[1].content, "What is the default?")
        XCTAssertTrue(plan.warnings.contains { $0.message.contains("retrieval is off") })
    }

    func testExecutedRunIsRecordedWithEverythingNeededLater() async throws {
        let files = try makeWorkspace()
        let workspace = try files.open()
        let (index, _) = try workspace.openIndex()
        let plan = try await RunPlan.make(
            RunInput(variables: ["question": "default timeout"]), in: workspace, retriever: index)
        let recorder = RunRecorder(workspace: workspace)
        let (session, number) = try recorder.nextRun(session: nil)
        XCTAssertEqual(number, 1)
        let backend = OfflineBackend(config: plan.backend, pieceDelay: .zero)
        let record = await RunExecutor().execute(plan, on: backend, runNumber: number)
        try recorder.record(record, session: session)

        XCTAssertEqual(record.finishReason, .stop)
        XCTAssertTrue(record.output.contains("The default timeout is 60 seconds. [1]"), record.output)
        XCTAssertNotNil(record.latency.firstTokenMs)
        XCTAssertEqual(record.prompt.hash, plan.prompt.contentHash)
        let stored = SessionStore(workspace: workspace).log(session).read().records
        XCTAssertEqual(stored, [record])
        XCTAssertEqual(try recorder.nextRun(session: nil).run, 2)
        XCTAssertEqual(try recorder.nextRun(session: "new").run, 1)
    }

    func testCancelledRunKeepsPartialOutput() async throws {
        let files = try makeWorkspace()
        let workspace = try files.open()
        let (index, _) = try workspace.openIndex()
        let plan = try await RunPlan.make(
            RunInput(variables: ["question": "default timeout"]), in: workspace, retriever: index)
        let slow = OfflineBackend(
            config: BackendConfig(name: "offline", kind: .offline, model: "m", streamPieceSize: 4),
            pieceDelay: .milliseconds(40))
        let task = Task { await RunExecutor().execute(plan, on: slow, runNumber: 1) }
        try await Task.sleep(for: .milliseconds(150))
        task.cancel()
        let record = await task.value
        XCTAssertEqual(record.finishReason, .cancelled)
        XCTAssertFalse(record.output.isEmpty)
        XCTAssertLessThan(record.output.count, slow.compose(plan.request).count)
    }
}
