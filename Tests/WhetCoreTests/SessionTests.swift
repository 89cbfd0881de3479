import XCTest

@testable import WhetCore

final class SessionTests: XCTestCase {
    func record(_ run: Int, output: String = "answer") -> RunRecord {
        RunRecord(
            run: run, id: "id-\(run)", time: "2026-11-25T00:00:00Z",
            prompt: .init(name: "p", path: "prompts/p.prompty", hash: "abc"), variables: ["q": "x"],
            messages: [ChatMessage(role: .user, content: "x")], retrieval: nil,
            backend: .init(name: "offline", kind: "offline"), model: "m", parameters: ["temperature": .number(0.2)],
            output: output, finishReason: .stop,
            usage: TokenUsage(promptTokens: 3, completionTokens: 4, estimated: true),
            latency: .init(firstTokenMs: 1.5, totalMs: 10), error: nil, rating: nil)
    }

    func testRecordsRoundTripOneLineEach() throws {
        let workspace = try TestWorkspace()
        let log = SessionLog(url: workspace.root.appendingPathComponent("runs.jsonl"), displayPath: "runs.jsonl")
        try log.append(record(1))
        try log.append(record(2, output: "multi\nline"))
        let text = try workspace.read("runs.jsonl")
        XCTAssertEqual(text.split(separator: "\n").count, 2)
        XCTAssertTrue(text.contains("\"finish_reason\":\"stop\""))
        XCTAssertTrue(text.contains("\"rating\":null"), "the rating slot is written even when empty")
        let (records, warnings) = log.read()
        XCTAssertEqual(records, [record(1), record(2, output: "multi\nline")])
        XCTAssertEqual(warnings, [])
    }

    func testTornLastLineIsReportedSkippedAndNeverRewritten() throws {
        let workspace = try TestWorkspace()
        let log = SessionLog(
            url: workspace.root.appendingPathComponent("runs.jsonl"), displayPath: "sessions/s/runs.jsonl")
        try log.append(record(1))
        let handle = try FileHandle(forWritingTo: log.url)
        handle.seekToEndOfFile()
        handle.write(Data("{\"version\":1,\"run\":2,\"outp".utf8))
        try handle.close()
        let before = try workspace.read("runs.jsonl")

        let (records, warnings) = log.read()
        XCTAssertEqual(records.map(\.run), [1])
        XCTAssertEqual(
            warnings.map(\.description),
            ["sessions/s/runs.jsonl:2: warning: torn last line (the write was interrupted); skipped, file left as is"])
        XCTAssertEqual(try workspace.read("runs.jsonl"), before)

        try log.append(record(3))
        let after = try workspace.read("runs.jsonl")
        XCTAssertTrue(after.hasPrefix(before), "existing bytes must stay as they were")
        let reread = log.read()
        XCTAssertEqual(reread.records.map(\.run), [1, 3])
        XCTAssertEqual(reread.warnings.count, 1)
    }

    func testSessionsAreListedResolvedAndTitled() throws {
        let workspace = try TestWorkspace()
        let store = SessionStore(workspace: try workspace.open())
        let first = try store.create(title: "baseline", now: Date(timeIntervalSince1970: 0))
        let second = try store.create(title: nil, now: Date(timeIntervalSince1970: 100_000))
        try store.log(first).append(record(1))
        XCTAssertEqual(store.ids(), [first, second])
        XCTAssertEqual(try store.resolve("latest"), second)
        XCTAssertEqual(try store.resolve(String(first.prefix(10))), first)
        XCTAssertThrowsError(try store.resolve("zzz"))
        XCTAssertEqual(store.title(first), "baseline")
        XCTAssertEqual(try store.currentOrNew(), second)
        let summary = store.summaries().first
        XCTAssertEqual(summary?.runs, 1)
        XCTAssertEqual(summary?.models, ["m"])
    }

    /// Numbering reads only the end of the log and passes over a torn last line.
    func testAppendNumberedContinuesFromTheLastWholeRecord() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("whet-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = SessionLog(url: directory.appendingPathComponent("runs.jsonl"), displayPath: "runs.jsonl")
        let template = record(0)
        XCTAssertEqual(try log.appendNumbered(template).run, 1)
        XCTAssertEqual(try log.appendNumbered(template).run, 2)
        let handle = try FileHandle(forWritingTo: log.url)
        handle.seekToEndOfFile()
        handle.write(Data(#"{"run": 99, "torn"#.utf8))
        try handle.close()
        XCTAssertEqual(try log.appendNumbered(template).run, 3, "a torn line's number does not count")
        let (records, warnings) = log.read()
        XCTAssertEqual(records.map(\.run), [1, 2, 3])
        XCTAssertEqual(warnings.count, 1)
        // A long log: the number comes from the last block, whatever came before.
        var big = template
        big.output = String(repeating: "x", count: 200_000)
        XCTAssertEqual(try log.appendNumbered(big).run, 4)
        XCTAssertEqual(try log.appendNumbered(template).run, 5)
    }
}
