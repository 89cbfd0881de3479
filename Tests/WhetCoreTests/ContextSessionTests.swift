import XCTest

@testable import WhetCore

/// The context session is the one place retrieval's rules live for both front ends: pins and exclusions
/// combined with a search, the index's status, and freshness before a run — an open session (the workbench)
/// and a new one (`whet run`) must answer alike after the corpus changed.
final class ContextSessionTests: XCTestCase {
    override func setUp() { setlocale(LC_ALL, "C.UTF-8") }

    func makeFiles() throws -> TestWorkspace {
        try TestWorkspace(files: [
            "corpus/keys.md": "# API keys\n\nRotate a key by creating a new key, then revoke the old key.\n",
            "corpus/billing.md": "# Invoices\n\nInvoices are issued monthly. Refunds take ten days.\n",
            "corpus/limits.md": "# Rate limits\n\nEach key may send 60 requests a minute.\n",
        ])
    }

    func opened(_ workspace: Workspace) throws -> ContextSession {
        let session = ContextSession(workspace: workspace)
        try session.attach(Result { try ContextSession.openIndex(workspace) })
        return session
    }

    func testPinsComeFirstAndAPinTheSearchMissedIsUnranked() throws {
        let files = try makeFiles()
        let session = try opened(try files.open())
        XCTAssertEqual(session.status, .ready)
        _ = try session.searchWithoutModels("invoices monthly")
        let invoice = try XCTUnwrap(session.results.first)
        XCTAssertEqual(invoice.path, "corpus/billing.md")
        XCTAssertTrue(session.togglePin(invoice))

        _ = try session.searchWithoutModels("rotate key")
        XCTAssertEqual(session.results.first?.location, invoice.location, "a pin is listed first")
        XCTAssertEqual(session.results.first?.pinned, true)
        XCTAssertEqual(session.unrankedPins, [invoice.location])
        XCTAssertFalse(
            session.outcomeForRun?.chunks.contains { $0.location == invoice.location } ?? true,
            "a run gets pins apart from the search")

        XCTAssertFalse(session.togglePin(invoice))
        XCTAssertFalse(session.results.contains { $0.location == invoice.location }, "unpinned, it leaves the list")
        XCTAssertEqual(session.unrankedPins, [])
    }

    func testPinningPutsAnExcludedChunkBack() throws {
        let files = try makeFiles()
        let session = try opened(try files.open())
        _ = try session.searchWithoutModels("rotate key")
        let chunk = try XCTUnwrap(session.results.first)
        XCTAssertTrue(session.toggleExcluded(chunk.location))
        XCTAssertEqual(session.excluded, [chunk.location])
        session.togglePin(chunk)
        XCTAssertEqual(session.excluded, [], "a pinned chunk is always in context")
        XCTAssertFalse(session.toggleExcluded(chunk.location) && session.toggleExcluded(chunk.location))
    }

    /// The workbench keeps a session open while files change; before a run it must see what `whet run` in a
    /// new process sees, without `whet index`.
    func testAnOpenSessionAndANewOneAgreeAfterTheCorpusChanged() async throws {
        let files = try makeFiles()
        let workspace = try files.open()
        let open = try opened(workspace)
        _ = try open.searchWithoutModels("quota overage")
        XCTAssertEqual(open.results.map(\.path), [])

        try files.write("corpus/quota.md", "# Quota\n\nAn overage of the quota is billed at the end of the month.\n")
        try files.write("corpus/keys.md", "# API keys\n\nKeys never expire. Quota is per key.\n")
        try open.refreshForRun("quota overage")

        let (fresh, _) = try await ContextSession.open(workspace)
        _ = try await fresh.search("quota overage")
        XCTAssertEqual(open.results.map(\.location), fresh.results.map(\.location))
        XCTAssertEqual(open.results.first?.path, "corpus/quota.md")
        XCTAssertEqual(open.status, .ready)
        // The edited file's new text is what both find.
        _ = try open.searchWithoutModels("expire")
        XCTAssertEqual(open.results.first?.path, "corpus/keys.md")
    }

    func testAnUpdateAnotherProcessHoldsIsNotWaitedForAndTheStatusSaysWho() throws {
        let files = try makeFiles()
        let workspace = try files.open()
        let session = try opened(workspace)
        let held = try XCTUnwrap(FileLock.tryAcquire(workspace.indexLockURL, purpose: "whet index").0)
        defer { held.release() }
        try files.write("corpus/new.md", "# New\n\nSomething new.\n")
        // `flock` locks are per open file description: a second acquisition in this process is refused too.
        let report = try session.bringUpToDate(unlessCheckedWithin: .zero)
        XCTAssertNotNil(report?.busyWith)
        guard case .updating(let by) = session.status else {
            return XCTFail("expected updating, found \(session.status)")
        }
        XCTAssertEqual(by?.contains("whet index"), true)
        XCTAssertTrue(session.status.isSearchable, "an index being updated elsewhere is searched as it stands")
    }

    func testAnIndexThatCannotBeOpenedIsUnavailableWithItsReason() throws {
        let files = try makeFiles()
        let session = ContextSession(workspace: try files.open())
        try session.attach(.failure(RetrievalError.missingCorpus("corpus")))
        guard case .unavailable(let reason) = session.status else { return XCTFail("\(session.status)") }
        XCTAssertEqual(reason.underlying as? RetrievalError, .missingCorpus("corpus"))
        XCTAssertNil(try session.searchWithoutModels("anything"))
        XCTAssertEqual(session.results, [])
        XCTAssertNil(session.outcomeForRun)
    }

    func testRetrievalSwitchedOffIsOffAndARunGetsNoContext() throws {
        let files = try makeFiles()
        let workspace = try files.open()
        let session = ContextSession(workspace: workspace, enabled: false)
        XCTAssertEqual(session.status, .off)
        try session.attach(Result { try ContextSession.openIndex(workspace) })
        XCTAssertEqual(session.status, .off)
        XCTAssertNil(session.lexical)
    }

    func testADenseMethodWithoutAnEmbedderIsRefusedAndTheOptionsStay() throws {
        let files = try makeFiles()
        let session = try opened(try files.open())
        let before = session.options
        XCTAssertThrowsError(try session.setOptions(RetrievalOptions(method: .dense, rerank: false, expansion: .none)))
        XCTAssertEqual(session.options, before)
        XCTAssertNil(session.waitingOptions)
    }

    func testARunPlanUsesTheSessionsSearchPinsAndExclusions() throws {
        let files = try makeFiles()
        try files.write("prompts/answer.prompty", TestWorkspace.answerPrompt)
        let workspace = try files.open()
        let session = try opened(workspace)
        var input = RunInput(variables: ["question": "How do I rotate a key?"])
        input.promptName = "answer"
        _ = try session.searchWithoutModels(try RunPlan.query(for: input, in: workspace))
        let excluded = try XCTUnwrap(session.results.first)
        session.toggleExcluded(excluded.location)
        let plan = try RunPlan.make(input, in: workspace, context: session)
        let record = try XCTUnwrap(plan.retrieval)
        XCTAssertEqual(record.chunks.first { $0.chunk.location == excluded.location }?.omitted, "excluded")
        XCTAssertEqual(record.chunks.map(\.chunk.location), session.results.map(\.location))
    }

    func testChunkLocationsReadAndWriteTheirText() throws {
        let location = try XCTUnwrap(ChunkLocation(parsing: "docs/a:b.md:3-9"))
        XCTAssertEqual(location, ChunkLocation(path: "docs/a:b.md", startLine: 3, endLine: 9))
        XCTAssertEqual(location.description, "docs/a:b.md:3-9")
        for bad in ["notes.md", "a.md:3", "a.md:x-y", ":1-2", "a.md:9-3"] {
            XCTAssertNil(ChunkLocation(parsing: bad), bad)
        }
        let data = try JSONEncoder().encode([location])
        XCTAssertEqual(String(decoding: data, as: UTF8.self), #"["docs\/a:b.md:3-9"]"#)
        XCTAssertEqual(try JSONDecoder().decode([ChunkLocation].self, from: data), [location])
        XCTAssertThrowsError(try JSONDecoder().decode([ChunkLocation].self, from: Data(#"["a.md"]"#.utf8)))
    }
}
