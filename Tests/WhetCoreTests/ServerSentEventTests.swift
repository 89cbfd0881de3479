import XCTest
@testable import WhetCore

final class ServerSentEventTests: XCTestCase {
    let stream = "event: message_start\r\ndata: {\"a\":1}\r\n\r\n: keep-alive comment\n\ndata: line one\ndata: line two\n\nevent:ping\ndata:\n\ndata: {\"b\":\"é東\"}\n\ndata: tail-without-blank-line"

    func parseAll(chunks: [[UInt8]]) -> [ServerSentEvent] {
        var parser = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        for chunk in chunks { events += parser.feed(chunk) }
        return events + parser.finish()
    }

    var expected: [ServerSentEvent] {
        [ServerSentEvent(name: "message_start", data: "{\"a\":1}"),
         ServerSentEvent(data: "line one\nline two"),
         ServerSentEvent(name: "ping", data: ""),
         ServerSentEvent(data: "{\"b\":\"é東\"}"),
         ServerSentEvent(data: "tail-without-blank-line")]
    }

    func testWholeStream() {
        XCTAssertEqual(parseAll(chunks: [Array(stream.utf8)]), expected)
    }

    func testEverySplitPointGivesTheSameEvents() {
        let bytes = Array(stream.utf8)
        for split in 0...bytes.count {
            XCTAssertEqual(parseAll(chunks: [Array(bytes[..<split]), Array(bytes[split...])]), expected, "split at \(split)")
        }
    }

    func testOneByteAtATime() {
        XCTAssertEqual(parseAll(chunks: Array(stream.utf8).map { [$0] }), expected)
    }
}
