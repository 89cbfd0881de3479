import XCTest

@testable import WhetTUI

final class CanvasTests: XCTestCase {
    override func setUp() { DisplayWidth.prepareLocale() }

    func testWideCharactersTakeTwoCellsAndCombiningMarksNone() {
        XCTAssertEqual(DisplayWidth.of("東京"), 4)
        XCTAssertEqual(DisplayWidth.of("e\u{301}"), 1)
        XCTAssertEqual(DisplayWidth.of("😀"), 2)
        XCTAssertEqual(DisplayWidth.of("❤\u{FE0F}"), 2)
        var canvas = Canvas(width: 8, height: 1)
        let used = canvas.draw("a東京e\u{301}", x: 0, y: 0, style: .plain)
        XCTAssertEqual(used, 6)
        XCTAssertEqual(canvas.line(0), "a東京e\u{301}")
        XCTAssertEqual(canvas[1, 0].text, "東")
        XCTAssertEqual(canvas[2, 0].text, "", "continuation cell")
    }

    func testAWideCharacterNeverStraddlesTheEdge() {
        var canvas = Canvas(width: 4, height: 1)
        canvas.draw("ab東京", x: 0, y: 0, maxWidth: 3, style: .plain)
        XCTAssertEqual(canvas.text, "ab  ")
    }

    func testOverwritingHalfAWideCharacterClearsTheOtherHalf() {
        var canvas = Canvas(width: 4, height: 1)
        canvas.draw("東京", x: 0, y: 0, style: .plain)
        canvas.draw("x", x: 1, y: 0, style: .plain)
        XCTAssertEqual(canvas.text, " x京")
    }

    func testControlCharactersAreShownEscapedNotSent() {
        XCTAssertEqual(VisibleText.escape("a\u{1B}[31mb\u{07}\tc"), "a^[[31mb^G    c")
        var canvas = Canvas(width: 12, height: 1)
        canvas.draw(VisibleText.escape("x\u{1B}y"), x: 0, y: 0, style: .plain)
        XCTAssertEqual(canvas.line(0), "x^[y")
        XCTAssertFalse(canvas.cells.contains { $0.text.unicodeScalars.contains { $0.value < 0x20 } })
        // Even text a view forgot to escape is escaped on its way into the grid, bidi overrides included.
        var raw = Canvas(width: 30, height: 1)
        raw.draw("a\u{1B}]0;t\u{07}b\u{202E}c", x: 0, y: 0, style: .plain)
        XCTAssertEqual(raw.line(0), "a^[]0;t^Gb<U+202E>c")
    }

    func testWrapBreaksAtWordsByDisplayWidth() {
        XCTAssertEqual(wrapText("one two three", width: 7), ["one two", "three"])
        XCTAssertEqual(wrapText("東京東京東京", width: 4), ["東京", "東京", "東京"])
        XCTAssertEqual(wrapText("a\n\nb", width: 5), ["a", "", "b"])
    }

    func testLayoutAdaptsToSmallScreens() {
        let full = Layout.make(width: 80, height: 24)
        XCTAssertNotNil(full.sidebar)
        XCTAssertEqual(full.status, Rect(x: 0, y: 23, width: 80, height: 1))
        XCTAssertNil(Layout.make(width: 70, height: 24).sidebar)
        let stacked = Layout.make(width: 50, height: 20)
        XCTAssertEqual(stacked.prompt.width, 50)
        XCTAssertEqual(stacked.context.y, stacked.prompt.y + stacked.prompt.height)
        XCTAssertTrue(Layout.make(width: 30, height: 8).tooSmall)
    }

    func testWordDiffMarksChangedWords() {
        let pieces = WordDiff.diff("the old key works", "the new key works")
        XCTAssertEqual(pieces.map(\.kind), [.same, .removed, .added, .same], "a change reads old → new")
        XCTAssertEqual(pieces.filter { $0.kind != .removed }.map(\.text).joined(), "the new key works")
    }
}
