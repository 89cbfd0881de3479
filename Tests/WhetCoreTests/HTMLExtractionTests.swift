import XCTest

@testable import WhetCore

/// Messy HTML as help centres serve it, through libxml2's HTML parser: every named entity, attributes
/// holding `>`, nested navigation, wrapped headings, table cells, scripts holding markup.
final class HTMLExtractionTests: XCTestCase {
    /// (page, what its text must contain, what it must not).
    static let cases: [(String, [String], [String])] = [
        (
            "<p>Gr&uuml;&szlig;e: die Garantie f&uuml;r 3&nbsp;Jahre kostet 10&nbsp;&euro; &ndash; AT&T</p>",
            ["Grüße: die Garantie für 3 Jahre kostet 10 € – AT&T"], ["&uuml;", "&euro;"]
        ),
        ("<p><a title=\"a > b\" href=\"/x\">Link</a> text</p>", ["Link text"], ["b\"", "href"]),
        (
            "<nav><ul><li>Home</li><nav>Inner</nav><li>Pricing menu</li></ul></nav><p>Body text</p>",
            ["Body text"], ["Pricing menu", "Inner"]
        ),
        ("<h2>\n   Getting\n   started\n</h2><p>First steps.</p>", ["## Getting started\n", "First steps."], []),
        (
            "<table><tr><th>Plan</th><th>Price</th></tr><tr><td>Team</td><td>49</td></tr></table>",
            ["Plan\tPrice", "Team\t49"], ["PlanPrice", "Team49"]
        ),
        (
            "<script>var s = \"<p>not text</p></div>\";</script><p>Real text</p><!-- <h1>Old</h1> -->",
            ["Real text"], ["not text", "Old"]
        ),
        (
            "<P>Unclosed paragraph<P>Another<UL><LI>one<LI>two</UL>",
            ["Unclosed paragraph", "Another", "one\n", "two"], []
        ),
        ("<p>Caf&eacute; &amp; cr&egrave;me br&ucirc;l&eacute;e</p>", ["Café & crème brûlée"], ["&eacute;"]),
    ]

    func testMessyPagesGiveTheirText() {
        for (page, wanted, unwanted) in Self.cases {
            let text = HTMLText.plainText(page)
            for piece in wanted {
                XCTAssertTrue(text.contains(piece), "expected \(piece.debugDescription) in \(text.debugDescription)")
            }
            for piece in unwanted {
                XCTAssertFalse(text.contains(piece), "unexpected \(piece.debugDescription) in \(text.debugDescription)")
            }
        }
    }

    func testHostileInputStaysText() {
        XCTAssertEqual(HTMLText.plainText(""), "\n")
        _ = HTMLText.plainText(String(repeating: "<div>", count: 20_000) + "deep")
        _ = HTMLText.plainText("<\u{0}p>\u{0}</p>")
        XCTAssertTrue(HTMLText.plainText("just text, no tags").contains("just text, no tags"))
    }
}
