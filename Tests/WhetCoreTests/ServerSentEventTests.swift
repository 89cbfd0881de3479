import XCTest

@testable import WhetCore

final class ServerSentEventTests: XCTestCase {
    let stream =
        "event: message_start\r\ndata: {\"a\":1}\r\n\r\n: keep-alive comment\n\ndata: line one\ndata: line two\n\nevent:ping\ndata:\n\ndata: {\"b\":\"é東\"}\n\ndata: tail-without-blank-line"

    func parseAll(chunks: [[UInt8]]) -> [ServerSentEvent] {
        var parser = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        for chunk in chunks { events += (try? parser.feed(chunk)) ?? [] }
        return events + ((try? parser.finish()) ?? [])
    }

    var expected: [ServerSentEvent] {
        [
            ServerSentEvent(name: "message_start", data: "{\"a\":1}"),
            ServerSentEvent(data: "line one\nline two"),
            ServerSentEvent(name: "ping", data: ""),
            ServerSentEvent(data: "{\"b\":\"é東\"}"),
            ServerSentEvent(data: "tail-without-blank-line"),
        ]
    }

    func testWholeStream() {
        XCTAssertEqual(parseAll(chunks: [Array(stream.utf8)]), expected)
    }

    func testEverySplitPointGivesTheSameEvents() {
        let bytes = Array(stream.utf8)
        for split in 0...bytes.count {
            XCTAssertEqual(
                parseAll(chunks: [Array(bytes[..<split]), Array(bytes[split...])]), expected, "split at \(split)")
        }
    }

    func testOneByteAtATime() {
        XCTAssertEqual(parseAll(chunks: Array(stream.utf8).map { [$0] }), expected)
    }

    /// One endless line (or an event of endless data lines) fails at the limit, holding no more than it.
    func testALineOrEventOverTheLimitFailsAtTheLimit() throws {
        var parser = ServerSentEventParser(limit: 1_000)
        XCTAssertEqual(try parser.feed(Array("data: ".utf8) + Array(repeating: UInt8(ascii: "x"), count: 900)), [])
        XCTAssertThrowsError(try parser.feed(Array(repeating: UInt8(ascii: "x"), count: 200))) { error in
            XCTAssertEqual(error as? ServerSentEventParser.Overflow, .init(limit: 1_000))
        }
        var lines = ServerSentEventParser(limit: 1_000)
        let line = Array(("data: " + String(repeating: "y", count: 300) + "\n").utf8)
        XCTAssertNoThrow(try lines.feed(line + line + line))
        XCTAssertThrowsError(try lines.feed(line))
        // Exactly at the limit is fine.
        var exact = ServerSentEventParser(limit: 10)
        XCTAssertEqual(try exact.feed(Array("data: 1234\n\n".utf8)), [ServerSentEvent(data: "1234")])
    }
}
