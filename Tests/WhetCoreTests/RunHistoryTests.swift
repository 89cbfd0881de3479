import XCTest

@testable import WhetCore

/// A session followed while other writers append to it: the reader sees their runs and ratings on its next
/// refresh, and a refresh with nothing new reads nothing.
final class RunHistoryTests: XCTestCase {
    func record(_ id: String, output: String = "answer") -> RunRecord {
        RunRecord(
            run: 0, id: id, time: "2026-11-25T00:00:00Z",
            prompt: .init(name: "p", path: "prompts/p.prompty", hash: "abc"), variables: ["q": "x"],
            messages: [ChatMessage(role: .user, content: "x")], retrieval: nil,
            backend: .init(name: "offline", kind: "offline"), model: "m", parameters: [:],
            output: output, finishReason: .stop,
            usage: TokenUsage(promptTokens: 3, completionTokens: 4, estimated: true),
            latency: .init(firstTokenMs: 1.5, totalMs: 10), error: nil, rating: nil)
    }

    func testRunsAndRatingsAppendedByTwoOtherWritersAreFollowed() throws {
        let workspace = try TestWorkspace()
        let opened = try workspace.open()
        let store = SessionStore(workspace: opened)
        let id = try store.create(title: nil)
        // Two writers with their own handles on the same log, as two processes have.
        let first = store.log(id)
        let second = SessionStore(workspace: try workspace.open()).log(id)

        var history = RunHistory(session: id, in: opened)
        XCTAssertEqual(history.records, [])
        XCTAssertFalse(history.refresh(), "nothing was appended: nothing is read")

        let one = try first.appendNumbered(record("a"))
        let two = try second.appendNumbered(record("b"))
        XCTAssertTrue(history.refresh())
        XCTAssertEqual(history.records.map(\.id), ["a", "b"])
        XCTAssertEqual(history.records.map(\.run), [one.run, two.run])
        XCTAssertEqual(two.run, one.run + 1, "the log numbers runs whoever wrote them")
        XCTAssertFalse(history.refresh())

        try SessionStore(workspace: try workspace.open()).rate(
            RunRating(of: two, verdict: .good, time: "2026-11-25T00:00:01Z"), inSession: id)
        XCTAssertTrue(history.refresh(), "a rating alone is news")
        XCTAssertEqual(history.ratings["b"]?.verdict, .good)

        _ = try first.appendNumbered(record("c"))
        history.noteRecorded(record("c"))
        XCTAssertEqual(history.records.map(\.id), ["a", "b", "c"], "a run noted and read is listed once")
        XCTAssertTrue(history.refresh())
        XCTAssertEqual(history.records.map(\.id), ["a", "b", "c"])
    }

    func testATornLastLineIsSkippedUntilItsWriterFinishesIt() throws {
        let workspace = try TestWorkspace()
        let opened = try workspace.open()
        let store = SessionStore(workspace: opened)
        let id = try store.create(title: nil)
        let log = store.log(id)
        _ = try log.appendNumbered(record("a"))
        let handle = try FileHandle(forWritingTo: log.url)
        handle.seekToEndOfFile()
        handle.write(Data("{\"version\":1,\"run\":2,\"outp".utf8))
        try handle.close()

        let history = RunHistory(session: id, in: opened)
        XCTAssertEqual(history.records.map(\.id), ["a"])
        XCTAssertEqual(history.warnings.count, 1)
    }
}
