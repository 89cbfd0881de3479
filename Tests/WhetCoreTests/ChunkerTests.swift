import XCTest

@testable import WhetCore

final class ChunkerTests: XCTestCase {
    func testHeadingsStartChunksAndFormThePath() {
        let chunks = Chunker(maxCharacters: 500, overlap: 0).chunks(
            of: """
                # Guide

                Intro text.

                ## Keys

                Rotate keys often.

                ### Leaks
                Revoke at once.
                """)
        XCTAssertEqual(chunks.map(\.headingPath), [["Guide"], ["Guide", "Keys"], ["Guide", "Keys", "Leaks"]])
        XCTAssertEqual(chunks[1].text, "## Keys\n\nRotate keys often.")
        XCTAssertEqual(chunks[1].startLine, 5)
        XCTAssertEqual(chunks[1].endLine, 7)
        XCTAssertEqual(chunks[2].startLine, 9)
        XCTAssertEqual(chunks[2].endLine, 10)
    }

    func testChunksRespectTheMaximumAndOverlap() {
        let paragraph = (1...40).map { "Sentence number \($0) is here." }.joined(separator: " ")
        let chunks = Chunker(maxCharacters: 200, overlap: 60).chunks(of: paragraph)
        XCTAssertGreaterThan(chunks.count, 4)
        for chunk in chunks { XCTAssertLessThanOrEqual(chunk.text.count, 200 + 60 + 2, chunk.text) }
        for (previous, next) in zip(chunks, chunks.dropFirst()) {
            let tail = String(previous.text.suffix(20))
            XCTAssertTrue(next.text.contains(tail), "overlap missing between\n\(previous.text)\nand\n\(next.text)")
        }
        let all = chunks.map(\.text).joined(separator: " ")
        for number in 1...40 { XCTAssertTrue(all.contains("Sentence number \(number) is"), "lost sentence \(number)") }
    }

    func testHeadingOnlySectionsMergeIntoTheNextChunk() {
        let chunks = Chunker(maxCharacters: 500, overlap: 0).chunks(of: "# A\n## B\nBody.\n")
        XCTAssertEqual(chunks.count, 1)
        XCTAssertEqual(chunks[0].headingPath, ["A", "B"])
        XCTAssertEqual(chunks[0].startLine, 1)
    }

    func testFencedCodeStaysWholeAndSetextHeadingsCount() {
        let chunks = Chunker(maxCharacters: 500, overlap: 0).chunks(of: "Title\n=====\n\n```\na = 1\n\nb = 2\n```\n")
        XCTAssertEqual(chunks.count, 1)
        XCTAssertEqual(chunks[0].headingPath, ["Title"])
        XCTAssertTrue(chunks[0].text.contains("a = 1\n\nb = 2"))
    }

    func testEmptyDocumentHasNoChunks() {
        XCTAssertEqual(Chunker(maxCharacters: 100, overlap: 10).chunks(of: "\n\n  \n"), [])
    }
}
