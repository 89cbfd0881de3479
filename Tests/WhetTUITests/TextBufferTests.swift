import XCTest

@testable import WhetTUI

final class TextBufferTests: XCTestCase {
    override func setUp() { DisplayWidth.prepareLocale() }

    func testTypingIsOneUndoStepPerWord() {
        var buffer = TextBuffer(text: "")
        for character in "hello world" { buffer.insert(character) }
        XCTAssertEqual(buffer.text, "hello world")
        XCTAssertTrue(buffer.isModified)
        buffer.undo()
        XCTAssertEqual(buffer.text, "hello ")
        buffer.undo()
        XCTAssertEqual(buffer.text, "hello")
        buffer.redo()
        XCTAssertEqual(buffer.text, "hello ")
    }

    func testNewlineBackspaceAndDeleteJoinLines() {
        var buffer = TextBuffer(text: "abcd")
        buffer.moveTo(TextPosition(line: 0, column: 2))
        buffer.insert("\n")
        XCTAssertEqual(buffer.lines.map { String($0) }, ["ab", "cd"])
        buffer.backspace()
        XCTAssertEqual(buffer.text, "abcd")
        buffer.move(.end)
        buffer.insert("\n")
        buffer.insert("e")
        buffer.moveTo(TextPosition(line: 0, column: 4))
        buffer.deleteForward()
        XCTAssertEqual(buffer.text, "abcde")
    }

    func testVerticalMovesKeepTheDisplayColumnAcrossWideCharacters() {
        var buffer = TextBuffer(text: "abcdef\n東京都\nab")
        buffer.moveTo(TextPosition(line: 0, column: 4))
        buffer.move(.down)
        XCTAssertEqual(buffer.cursor, TextPosition(line: 1, column: 2), "column 4 is after 東京")
        buffer.move(.down)
        XCTAssertEqual(buffer.cursor, TextPosition(line: 2, column: 2))
        buffer.move(.up)
        buffer.move(.up)
        XCTAssertEqual(buffer.cursor, TextPosition(line: 0, column: 4), "the wanted column survives a short line")
    }

    func testWordMovesAndCutPasteLines() {
        var buffer = TextBuffer(text: "one two_three four\nsecond\nthird")
        buffer.move(.wordRight)
        XCTAssertEqual(buffer.cursor.column, 3)
        buffer.move(.wordRight)
        XCTAssertEqual(buffer.cursor.column, 13)
        buffer.move(.wordLeft)
        XCTAssertEqual(buffer.cursor.column, 4)
        buffer.cutLine()
        buffer.cutLine()
        XCTAssertEqual(buffer.text, "third")
        buffer.move(.end)
        buffer.pasteLines()
        XCTAssertEqual(buffer.text, "one two_three four\nsecond\nthird")
    }

    func testSearchWrapsAroundCaseInsensitively() {
        var buffer = TextBuffer(text: "Alpha beta\ngamma ALPHA")
        let first = buffer.find("alpha", after: buffer.cursor)
        XCTAssertEqual(first, TextPosition(line: 1, column: 6))
        buffer.moveTo(first!)
        XCTAssertEqual(buffer.find("alpha", after: buffer.cursor), TextPosition(line: 0, column: 0))
        XCTAssertNil(buffer.find("delta", after: buffer.cursor))
    }

    func testSavingClearsTheModifiedMark() {
        var buffer = TextBuffer(text: "x")
        buffer.insert("y")
        buffer.markSaved()
        XCTAssertFalse(buffer.isModified)
    }
}
