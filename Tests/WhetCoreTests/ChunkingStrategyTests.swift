import XCTest

@testable import WhetCore

final class ChunkingStrategyTests: XCTestCase {
    func chunker(_ strategy: ChunkingStrategy, counter: TokenCounter = .estimate) -> DocumentChunker {
        var settings = RetrievalSettings()
        settings.chunking = strategy
        settings.chunkSize = 400
        settings.chunkOverlap = 50
        settings.chunkTokens = 60
        settings.chunkOverlapTokens = 10
        settings.sentencesPerChunk = 3
        settings.sentenceOverlap = 1
        return DocumentChunker(settings: settings, counter: counter)
    }

    /// What every strategy must hold on any input: no empty chunk, lines within the file, in order.
    func assertWellFormed(
        _ chunks: [Chunk], lineCount: Int, _ message: String, file: StaticString = #filePath, line: UInt = #line
    ) {
        for chunk in chunks {
            XCTAssertFalse(
                chunk.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, message, file: file, line: line)
            XCTAssertTrue(
                1 <= chunk.startLine && chunk.startLine <= chunk.endLine && chunk.endLine <= max(lineCount, 1),
                "\(message): lines \(chunk.startLine)-\(chunk.endLine) of \(lineCount)", file: file, line: line)
        }
        XCTAssertEqual(chunks.map(\.startLine), chunks.map(\.startLine).sorted(), message, file: file, line: line)
    }

    func testEmptyFileGivesNoChunks() {
        for strategy in ChunkingStrategy.allCases {
            XCTAssertEqual(chunker(strategy).chunks(of: ""), [], strategy.rawValue)
            XCTAssertEqual(chunker(strategy).chunks(of: "\n\n  \n"), [], strategy.rawValue)
        }
    }

    func testOneHugeParagraphIsCutWithinLimits() {
        let sentence = "The compressor stage raises the pressure of the incoming air before combustion. "
        let text = String(repeating: sentence, count: 120)  // ~9,700 characters on one line
        for strategy in ChunkingStrategy.allCases {
            let chunks = chunker(strategy).chunks(of: text)
            XCTAssertGreaterThan(chunks.count, 5, strategy.rawValue)
            assertWellFormed(chunks, lineCount: 1, strategy.rawValue)
            switch strategy {
            case .heading, .paragraph: XCTAssertTrue(chunks.allSatisfy { $0.text.count <= 400 }, strategy.rawValue)
            case .fixed:
                XCTAssertTrue(
                    chunks.allSatisfy { estimateTokens($0.text) <= 60 + 4 },
                    "fixed: \(chunks.map { estimateTokens($0.text) })")
            case .sentence:
                XCTAssertTrue(chunks.allSatisfy { SentenceSplitter.split($0.text).count <= 3 }, strategy.rawValue)
            }
        }
    }

    func testCJKWithoutSpacesIsCutAndCovered() {
        let text = String(repeating: "東京都の人口は多いです。大阪府は商業の中心です。", count: 60)
        for strategy in ChunkingStrategy.allCases {
            let chunks = chunker(strategy).chunks(of: text)
            XCTAssertGreaterThan(chunks.count, 1, strategy.rawValue)
            assertWellFormed(chunks, lineCount: 1, strategy.rawValue)
            // Every character of the source appears in some chunk.
            let covered = Set(chunks.flatMap { Array($0.text) })
            XCTAssertTrue(Set(text).isSubset(of: covered), strategy.rawValue)
        }
    }

    func testHeadingsOnlyDocument() {
        let text = "# Guide\n\n## Install\n\n## Configure\n\n### Advanced\n"
        for strategy in ChunkingStrategy.allCases {
            let chunks = chunker(strategy).chunks(of: text)
            assertWellFormed(chunks, lineCount: 7, strategy.rawValue)
            if strategy == .sentence { XCTAssertEqual(chunks, [], "headings are not sentences") }
        }
        XCTAssertEqual(chunker(.heading).chunks(of: text).last?.headingPath, ["Guide", "Configure", "Advanced"])
    }

    func testHeadingPathIsKeptByEveryStrategy() {
        let text =
            "# Billing\n\n## Refunds\n\nRefunds take five days. They go to the original card. Contact support for help.\n"
        for strategy in ChunkingStrategy.allCases {
            let chunks = chunker(strategy).chunks(of: text)
            let refund = chunks.first { $0.text.contains("Refunds take") }
            XCTAssertEqual(refund?.headingPath, ["Billing", "Refunds"], strategy.rawValue)
            XCTAssertEqual(refund?.endLine, 5, strategy.rawValue)
        }
    }

    func testSentenceWindowsOverlapByTheConfiguredCount() {
        let text = (1...7).map { "Sentence number \($0) is here." }.joined(separator: " ")
        let chunks = chunker(.sentence).chunks(of: text)
        XCTAssertEqual(chunks.map { SentenceSplitter.split($0.text).count }, [3, 3, 3])
        XCTAssertTrue(chunks[1].text.hasPrefix("Sentence number 3"))
    }

    func testParagraphChunkingPacksAcrossHeadings() {
        let text = "# A\n\nShort one.\n\n# B\n\nShort two.\n"
        XCTAssertEqual(chunker(.heading).chunks(of: text).count, 2)
        let packed = chunker(.paragraph).chunks(of: text)
        XCTAssertEqual(packed.count, 1)
        XCTAssertEqual(packed.first?.headingPath, ["A"], "the path where the chunk starts")
    }

    // MARK: BPE

    func vocabulary(_ tokens: [String]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vocab-\(UUID().uuidString).tiktoken")
        let lines = tokens.enumerated().map { "\(Data($0.element.utf8).base64EncodedString()) \($0.offset)" }
        try lines.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    func testBPEMergesLowestRankFirst() throws {
        let url = try vocabulary(["a", "b", "c", " ", "ab", "abc", " ab"])
        defer { try? FileManager.default.removeItem(at: url) }
        let tokenizer = try BPETokenizer(contentsOf: url, displayPath: "vocab")
        XCTAssertEqual(tokenizer.count("abc"), 1)
        XCTAssertEqual(tokenizer.count("abcab"), 2)  // abc + ab
        XCTAssertEqual(tokenizer.count("abc ab"), 2)  // "abc" + " ab"
        XCTAssertEqual(tokenizer.count("cab"), 2)  // c + ab
        XCTAssertEqual(tokenizer.count("xyz"), 3, "bytes outside the vocabulary count one each")
        XCTAssertEqual(
            BPETokenizer.pieces(of: "Hello, world 12345!").map(String.init),
            ["Hello", ",", " world", " ", "123", "45", "!"])
    }

    func testBrokenVocabularyNamesTheLine() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vocab-\(UUID().uuidString).tiktoken")
        try "YQ== 0\nnot a pair here\n".write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        XCTAssertThrowsError(try BPETokenizer(contentsOf: url, displayPath: "tok/vocab.tiktoken")) { error in
            XCTAssertTrue(
                "\(error)".hasPrefix("tok/vocab.tiktoken:2: error: tokenizer vocabulary: expected"), "\(error)")
        }
    }

    func testFixedChunkingCountsWithTheVocabulary() throws {
        let url = try vocabulary(["a", "b", " ", " ab", "ab"])
        defer { try? FileManager.default.removeItem(at: url) }
        let counter = TokenCounter.bpe(try BPETokenizer(contentsOf: url, displayPath: "vocab"))
        let text = String(repeating: "ab ", count: 200)
        let chunks = chunker(.fixed, counter: counter).chunks(of: text)
        XCTAssertTrue(chunks.allSatisfy { counter.count($0.text) <= 60 }, "\(chunks.map { counter.count($0.text) })")
        XCTAssertGreaterThan(chunks.count, 3)
    }
}
