import XCTest

@testable import WhetCore

final class TextProcessingTests: XCTestCase {
    override func setUp() { setlocale(LC_ALL, "C.UTF-8") }

    func testTermsAreFoldedAndStopWordsDropped() {
        XCTAssertEqual(TextTokenizer.terms("How do I rotate my API key?"), ["rotate", "api", "key"])
        XCTAssertEqual(TextTokenizer.terms("Café NAÏVE résumé"), ["cafe", "naive", "resume"])
    }

    func testCJKRunsBecomeBigrams() {
        XCTAssertEqual(TextTokenizer.terms("东京都"), ["东京", "京都"])
        XCTAssertEqual(TextTokenizer.terms("APIキー"), ["api", "キー"])
        XCTAssertEqual(TextTokenizer.terms("猫 dog"), ["猫", "dog"])
    }

    func testHTMLIsStrippedToTextWithHeadings() {
        let text = HTMLText.plainText(
            """
            <html><head><title>T</title><style>p{}</style></head><body>
            <h2>Install &amp; run</h2><p>Use <b>pip</b>&nbsp;now &#x263A;.</p><!-- hidden --><script>alert(1)</script>
            </body></html>
            """)
        XCTAssertEqual(text, "## Install & run\n\nUse pip now ☺.\n")
    }

    func testBinaryAndNonUTF8FilesAreRefused() {
        XCTAssertThrowsError(try CorpusDocument.decode(Data([0x50, 0x4B, 0x00, 0x01]), path: "a.txt", hash: "")) {
            error in
            XCTAssertEqual(error as? CorpusDocument.Refusal, .binary)
        }
        XCTAssertThrowsError(try CorpusDocument.decode(Data([0x61, 0x62, 0xFF, 0x63]), path: "a.txt", hash: "")) {
            error in
            XCTAssertEqual(error as? CorpusDocument.Refusal, .notUTF8(byteOffset: 2))
        }
    }

    func testOutsideTextIsShownVisiblyNeverObeyed() {
        XCTAssertEqual(
            TerminalText.visible("a\u{1B}[31mred\u{1B}]0;title\u{07}b\u{08}\tc\nd"), "a^[[31mred^[]0;title^Gb^H\tc\nd")
        XCTAssertEqual(TerminalText.visible("plain 東京 ✓ é"), "plain 東京 ✓ é")
        XCTAssertEqual(
            TerminalText.visible("abc\u{202E}fed\u{202C} \u{2066}x\u{2069}"), "abc<U+202E>fed<U+202C> <U+2066>x<U+2069>"
        )
        XCTAssertEqual(TerminalText.visible("csi\u{9B}31m del\u{7F}"), "csi<U+009B>31m del^?")
        XCTAssertEqual(TerminalText.visible("line\r\nnext\rover"), "line\nnext^Mover")
        // Hebrew with its own marks (LRM/RLM) is text, not a trick: left alone.
        XCTAssertEqual(TerminalText.visible("שלום\u{200F} world"), "שלום\u{200F} world")
        // Per character, so a stream split anywhere comes out the same.
        let hostile = "ev\u{1B}]0;NAME\u{07}il \u{202E}txt.exe"
        let whole = TerminalText.visible(hostile)
        for split in 1..<hostile.count {
            let index = hostile.index(hostile.startIndex, offsetBy: split)
            XCTAssertEqual(
                TerminalText.visible(String(hostile[..<index])) + TerminalText.visible(String(hostile[index...])), whole
            )
        }
        XCTAssertFalse(whole.unicodeScalars.contains { $0.value < 0x20 || TerminalText.isHidden($0) })
    }

    func testSentencesSkipCodeAndHeadings() {
        let sentences = SentenceSplitter.sentences(
            "# Title\n\nFirst one. Second, e.g. this one!\n\n    code line\n>>> x = 1\n最初の文。次の文。")
        XCTAssertEqual(sentences, ["First one.", "Second, e.g. this one!", "最初の文。", "次の文。"])
    }

    func testTokenEstimateCountsCJKPerCharacter() {
        XCTAssertEqual(estimateTokens("abcdefgh"), 2)
        XCTAssertEqual(estimateTokens("东京都"), 3)
    }

    func testTrimmingWhitespaceMatchesFoundationsSet() {
        for text in [
            "  plain  ", "\tTabbed\t", "\u{00A0}no-break\u{00A0}", "\u{3000}全角スペース\u{3000}", "   ", "", "in side  kept",
        ] {
            XCTAssertEqual(
                text.trimmedWhitespace, text.trimmingCharacters(in: .whitespaces), "\(text.debugDescription)")
        }
        XCTAssertEqual("\n line \n".trimmedWhitespace, "\n line \n", "newlines are not horizontal white space")
    }
}
