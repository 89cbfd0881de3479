import XCTest

@testable import WhetCore

/// The tokenizer and the document decoder were rewritten to work on bytes for speed; these pin them to the
/// rules they replaced, so chunks and rankings stay exactly what they were.
final class TokenizerEquivalenceTests: XCTestCase {
    /// The scalar-by-scalar rules as first written (a String per word), kept here as the reference.
    static func referenceWords(_ text: String) -> [String] {
        var words: [String] = []
        var word = String.UnicodeScalarView()
        var cjkPrevious: Unicode.Scalar? = nil
        var cjkRunLength = 0
        func flushWord() {
            if !word.isEmpty {
                words.append(String(word))
                word.removeAll()
            }
        }
        func flushCJK() {
            if cjkRunLength == 1, let single = cjkPrevious { words.append(String(single)) }
            cjkPrevious = nil
            cjkRunLength = 0
        }
        for original in text.unicodeScalars {
            let folded =
                original.value < 0x80
                ? [original.value >= 0x41 && original.value <= 0x5A ? Unicode.Scalar(original.value + 32)! : original]
                : Array(
                    String(original).folding(
                        options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil
                    ).unicodeScalars)
            for scalar in folded {
                if TextTokenizer.isCJK(scalar) {
                    flushWord()
                    if let previous = cjkPrevious {
                        var pair = String.UnicodeScalarView()
                        pair.append(previous)
                        pair.append(scalar)
                        words.append(String(pair))
                    }
                    cjkPrevious = scalar
                    cjkRunLength += 1
                } else if scalar.value < 0x80
                    ? (scalar.value >= 0x61 && scalar.value <= 0x7A) || (scalar.value >= 0x30 && scalar.value <= 0x39)
                    : scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                {
                    flushCJK()
                    word.append(scalar)
                } else if scalar == "'" || scalar == "’", !word.isEmpty {
                    continue
                } else {
                    flushCJK()
                    flushWord()
                }
            }
        }
        flushCJK()
        flushWord()
        return words
    }

    static let samples = [
        "Die Garantie gilt drei Jahre für Häuser, Straße und Maße — „schön“ oder nicht.",
        "東京都の人口は多いです。東京 and Kyoto, 日本語テキスト、한국어 텍스트 ok",
        "It’s the user's key: don't rotate 'em; l’été à Paris. ’Leading apostrophe",
        "ＡＢＣ full-width, ﬁ ligature, Ⅻ roman, ½ half, ２０２６ year, café Café CAFÉ",
        "Mixed: naïve coöperation résumé — ΑΘΗΝΑ Αθήνα, Москва МОСКВА, 42nd 3.14 x²",
        "東", "", "   ", "a", "emoji 🙂 in text 🙂🙂 end",
        "ABC東京DEF x'東 東'a ' a''b Ünïcödé's 東京A東 ÄÖÜ-straße 10€ naïve’s “quoted” ‘single’ end’",
    ]

    func testTheByteTokenizerSplitsAndFoldsAsTheScalarRulesDid() {
        for sample in Self.samples {
            var words: [String] = []
            TextTokenizer.forEachWordBytes(in: sample) { words.append(String(decoding: $0, as: UTF8.self)) }
            XCTAssertEqual(words, Self.referenceWords(sample), sample)
        }
    }

    func testStoppingEarlySeesTheSameFirstWords() {
        let sample = Self.samples[0] + " " + Self.samples[1]
        let all = Self.referenceWords(sample)
        var first: [String] = []
        TextTokenizer.forWordBytes(
            in: sample,
            while: { word in
                first.append(String(decoding: word, as: UTF8.self))
                return first.count < 5
            })
        XCTAssertEqual(first, Array(all.prefix(5)))
    }

    func testCarriageReturnsGoAsFoundationRemovedThem() {
        for sample in ["a\r\nb", "\r\r\n", "x\ry\r", "\r\n\r\n", "no returns", "ü\r\nß\r", "\r"] {
            XCTAssertEqual(
                CorpusDocument.withoutCarriageReturns(sample), sample.replacingOccurrences(of: "\r\n", with: "\n"),
                sample.debugDescription)
        }
    }
}
