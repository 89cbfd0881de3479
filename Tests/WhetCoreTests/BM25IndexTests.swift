import XCTest

@testable import WhetCore

final class BM25IndexTests: XCTestCase {
    /// Three documents, stemming and heading weight off, so scores can be worked out by hand.
    func testScoresMatchHandComputedBM25() {
        var parameters = BM25Parameters()
        parameters.stemming = false
        parameters.headingWeight = 0
        var index = BM25Index(parameters: parameters)
        index.add(text: "apple apple banana", heading: "")  // length 3
        index.add(text: "banana cherry", heading: "")  // length 2
        index.add(text: "cherry cherry cherry durian", heading: "")  // length 4
        index.finish()
        let hits = index.search(["apple"], topK: 10)
        // N = 3, df = 1: idf = ln(1 + (3 - 1 + 0.5) / (1 + 0.5)) = ln(8/3)
        // avgdl = 3, doc 0: tf = 2, norm = 1.2 × (1 − 0.75 + 0.75 × 3/3) = 1.2
        // score = idf × tf × (k1 + 1) / (tf + norm) = ln(8/3) × 2 × 2.2 / 3.2
        let expected = log(8.0 / 3.0) * 2 * 2.2 / 3.2
        XCTAssertEqual(hits.count, 1)
        XCTAssertEqual(hits[0].document, 0)
        XCTAssertEqual(hits[0].score, expected, accuracy: 1e-5)

        // "banana cherry": doc 1 has both (length 2 → norm = 1.2 × (0.25 + 0.5) = 0.9).
        let both = index.search(["banana", "cherry"], topK: 10)
        let idf = log(1 + (3 - 2 + 0.5) / (2 + 0.5))  // df = 2 for both terms
        let doc1 = 2 * idf * 1 * 2.2 / (1 + 0.9)
        XCTAssertEqual(both.first?.document, 1)
        XCTAssertEqual(both.first?.score ?? 0, doc1, accuracy: 1e-5)
        // doc 2: cherry tf 3, length 4 → norm = 1.2 × (0.25 + 1) = 1.5
        let doc2 = idf * 3 * 2.2 / (3 + 1.5)
        XCTAssertEqual(both.first(where: { $0.document == 2 })?.score ?? 0, doc2, accuracy: 1e-5)
    }

    func testHeadingWordsWeighMore() {
        var index = BM25Index()
        index.add(text: "notes about setup and other things", heading: "")
        index.add(text: "notes about other things", heading: "setup")
        index.finish()
        XCTAssertEqual(index.search(index.analyze("setup"), topK: 2).first?.document, 1)
    }

    func testStemmingJoinsWordForms() {
        var index = BM25Index()
        index.add(text: "Connection pooling keeps connections open.", heading: "")
        index.add(text: "Unrelated text about billing.", heading: "")
        index.finish()
        XCTAssertEqual(index.search(index.analyze("connecting"), topK: 5).map(\.document), [0])
        var unstemmed = BM25Parameters()
        unstemmed.stemming = false
        var plain = BM25Index(parameters: unstemmed)
        plain.add(text: "Connection pooling keeps connections open.", heading: "")
        plain.finish()
        XCTAssertEqual(plain.search(plain.analyze("connecting"), topK: 5), [])
    }

    func testParallelBuildEqualsSequentialBuild() {
        let documents = (0..<3000).map { number in
            (
                text: "document \(number) talks about topic\(number % 17) and word\(number % 101) "
                    + String(repeating: "filler text ", count: 30),
                heading: "title \(number % 7)"
            )
        }
        var sequential = BM25Index()
        for document in documents { sequential.add(text: document.text, heading: document.heading) }
        sequential.finish()
        let parallel = BM25Index.build(documents, parameters: BM25Parameters(), threads: 4)
        for query in ["topic3 word7", "title 5 document", "filler"] {
            let a = sequential.search(sequential.analyze(query), topK: 20)
            let b = parallel.search(parallel.analyze(query), topK: 20)
            XCTAssertEqual(a.map(\.document), b.map(\.document), query)
            for (x, y) in zip(a, b) { XCTAssertEqual(x.score, y.score, accuracy: 1e-4) }
        }
    }

    func testTopKKeepsTheBestAndBreaksTiesByIndex() {
        let items: [(Int, Float)] = [(0, 1), (1, 5), (2, 3), (3, 5), (4, 2), (5, 3)]
        XCTAssertEqual(TopK.select(3, from: items).map(\.index), [1, 3, 2])
        XCTAssertEqual(TopK.select(0, from: items).count, 0)
        XCTAssertEqual(TopK.select(10, from: items).map(\.index), [1, 3, 2, 5, 4, 0])
    }

    func testEnglishStemmerOnKnownWords() {
        let expected = [
            "caresses": "caress", "ponies": "poni", "ties": "tie", "cats": "cat", "feed": "feed", "agreed": "agre",
            "plastered": "plaster", "motoring": "motor", "sing": "sing", "conflated": "conflat", "troubled": "troubl",
            "sized": "size", "hopping": "hop", "falling": "fall", "hissing": "hiss", "filing": "file", "happy": "happi",
            "relational": "relat", "generalization": "general", "generously": "generous", "consigned": "consign",
            "knightly": "knight", "connection": "connect", "connected": "connect", "skies": "sky", "news": "news",
            "running": "run", "abundantly": "abund", "communication": "communic", "aerodynamic": "aerodynam",
        ]
        for (word, stem) in expected { XCTAssertEqual(TermAnalyzer.analyze(word, stemming: true), stem, word) }
        XCTAssertEqual(TermAnalyzer.analyze("東京", stemming: true), "東京")
        XCTAssertEqual(TermAnalyzer.analyze("x86", stemming: true), "x86")
    }

    func testTokenizerByteAndUnicodePathsAgree() {
        let ascii = "Don't split O'Brien's API-keys: rotate_them NOW 42x"
        var fast: [String] = []
        TextTokenizer.forEachWord(in: ascii) { fast.append($0) }
        var slow: [String] = []
        TextTokenizer.forEachWord(in: ascii + " é") { slow.append($0) }  // a non-ASCII scalar forces the Unicode path
        XCTAssertEqual(fast + ["e"], slow)
    }
}
