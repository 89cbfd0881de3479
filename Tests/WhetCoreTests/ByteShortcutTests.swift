import XCTest

@testable import WhetCore

/// Trims, replacements and word splitting that indexing now does on UTF-8 bytes, pinned to the String and
/// Foundation operations they replaced: the chunks, and so the rankings, must stay exactly what they were.
final class ByteShortcutTests: XCTestCase {
    /// Ends that look like spaces but combine with their neighbours, ends of other scripts, nothing to trim.
    static let lines = [
        "", " ", "\t", " \t ", "a", " a", "a ", "\ta\t", "  a b  ", " \u{301}a", "a \u{301}", " \u{301}",
        "\u{600} a", "a \u{600} ", " ü ", "ü ", " ü", "\t東京\t", " x\r", "\r ", " 🙂 ", "# Title #", " - item",
    ]

    func testLinesAreTrimmedAsTheCharacterRulesTrimThem() {
        for line in Self.lines {
            XCTAssertEqual(String(Chunker.trimmed(Substring(line))), line.trimmedSpaces, line.debugDescription)
            // A line is a slice of its document: the trim must look only inside the slice's bounds.
            let document = "x\u{301}\n" + line + "\ny"
            let start = document.utf8.index(document.utf8.startIndex, offsetBy: 4)
            let end = document.utf8.index(start, offsetBy: line.utf8.count)
            XCTAssertEqual(String(Chunker.trimmed(document[start..<end])), line.trimmedSpaces, line.debugDescription)
        }
    }

    /// Texts whose lines are cut on the bytes, with their edge cases: no line feed, line feeds at the ends,
    /// empty lines, carriage returns (then the Character split decides), combining marks after a line feed.
    static let documents = [
        "", "\n", "\n\n", "a", "a\n", "\na", "a\nb", "a\n\nb\n", "ü\n東京\n🙂", "a\r\nb\n", "\r\n", "a\rb",
        "x\n\u{301}y\n", " \t\n# T\n===\n", "line one\nline two\n\n## Heading\n\n```\ncode\n```\n",
    ]

    func testFencesAreFoundAsHasPrefixFoundThem() {
        for line in [
            "", "`", "``", "```", "````", "```swift", "~~~", "~~", "~~~ ", "``~", "~``", "```\u{301}", "``\u{301}`",
            "\u{1FEF}\u{1FEF}\u{1FEF}", "``\u{1FEF}", "```ü", "```\r", "ü```", " ```", "--- ", "```\u{1FEF}",
        ] {
            XCTAssertEqual(
                Chunker.isFence(Substring(line)), line.hasPrefix("```") || line.hasPrefix("~~~"), line.debugDescription)
        }
    }

    func testLinesAreCutAsTheCharacterSplitCutThem() {
        for text in Self.documents {
            let lines = Chunker.lines(of: text)
            XCTAssertEqual(
                lines.map(String.init), text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init),
                text.debugDescription)
            // Each slice counts and trims as the String of its bytes does.
            for line in lines {
                XCTAssertEqual(line.count, String(line).count, text.debugDescription)
                XCTAssertEqual(Chunker.characterCount(line), String(line).count, text.debugDescription)
                XCTAssertEqual(String(Chunker.trimmed(line)), String(line).trimmedSpaces, text.debugDescription)
            }
        }
    }

    func testHeadingTitlesAreCutAsFoundationCutThem() {
        for title in ["", " ", "#", " Title ", " Title #", " Ti#tle ##", " # # ", " ü #", " \u{301}Title", " 東京 # "] {
            XCTAssertEqual(
                Chunker.trimmingSpacesAndHashes(Substring(title)),
                title.trimmingCharacters(in: CharacterSet(charactersIn: " #")), title.debugDescription)
        }
    }

    func testPageEndsAreTrimmedAsFoundationTrimmedThem() {
        for text in [
            "", "\n", "\n\n a \n\n", "a", "\u{A0}a\u{A0}", "\n\u{3000}a\u{2003}\n", "\t\u{0B}\u{0C}x\r\n",
            "\u{1C}a\u{1F}", "\u{85}a\u{85}", "ü\n", "\n\n# Title\n\ntext\n\n",
        ] {
            XCTAssertEqual(
                HTMLText.trimmedEnds(text), text.trimmingCharacters(in: .whitespacesAndNewlines),
                text.debugDescription)
        }
    }

    func testNoBreakSpacesBecomeSpacesAsFoundationReplacedThem() {
        for text in ["", "a\u{A0}b", "\u{A0}\u{A0}", "no spaces", "x\u{A0}\u{301}y", "ü\u{A0}東\u{A0}", "\u{A0}"] {
            var output = "start "
            var bytes = Array(text.utf8) + [0]
            bytes.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                HTMLDocument.appendText(UnsafePointer(base), to: &output)
            }
            XCTAssertEqual(
                output, "start " + text.replacingOccurrences(of: "\u{00A0}", with: " "), text.debugDescription)
        }
    }

    func testLongWordsAndASCIIApostrophesSplitAsTheScalarRulesDid() {
        let long = String(repeating: "ab", count: 400)
        for sample in [
            "ü " + long + "é" + long + " end", "It's the user's key: don't 'em ''a a'' 'b' x'", long, "A'B'C",
        ] {
            var words: [String] = []
            TextTokenizer.forEachWordBytes(in: sample) { words.append(String(decoding: $0, as: UTF8.self)) }
            XCTAssertEqual(words, TokenizerEquivalenceTests.referenceWords(sample), sample)
        }
    }

    func testWordsCompareByEveryByte() {
        let words = ["", "a", "ab", "abcdefgh", "abcdefgi", "abcdefghijklmnop", "abcdefghijklmnoq", "bcdefghijklmnop"]
        for left in words {
            for right in words where left.utf8.count == right.utf8.count {
                var leftCopy = left
                var rightCopy = right
                let same = leftCopy.withUTF8 { leftBytes in
                    rightCopy.withUTF8 { rightBytes in WordTable.same(leftBytes, rightBytes) }
                }
                XCTAssertEqual(same, left == right, "\(left) \(right)")
            }
        }
    }
}
