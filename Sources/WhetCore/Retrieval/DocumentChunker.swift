/// Cuts a document into chunks with the workspace's chosen strategy. Heading and paragraph chunking follow
/// the document's structure (`Chunker`); fixed-size chunking counts tokens with the workspace's tokenizer;
/// sentence windows slide over the sentences of each section. Every strategy keeps line numbers and the
/// Markdown heading path, so results can always be opened at their place.
public struct DocumentChunker: Sendable {
    let settings: RetrievalSettings
    let counter: TokenCounter

    /// A chunker for `settings`, counting tokens with `counter` (fixed-size chunking).
    public init(settings: RetrievalSettings, counter: TokenCounter) {
        self.settings = settings
        self.counter = counter
    }

    /// The chunks of `text`, in document order; empty text gives none.
    public func chunks(of text: String) -> [Chunk] {
        switch settings.chunking {
        case .heading:
            Chunker(maxCharacters: settings.chunkSize, overlap: settings.chunkOverlap).chunks(of: text)
        case .paragraph:
            Chunker(maxCharacters: settings.chunkSize, overlap: settings.chunkOverlap, breaksAtHeadings: false).chunks(
                of: text)
        case .fixed:
            fixedTokenChunks(text)
        case .sentence:
            sentenceWindows(text)
        }
    }

    /// A source line with the headings above it.
    struct Line {
        var number: Int
        var text: String
        var headingPath: [String]
        var isHeading: Bool
        var startsBlock: Bool
    }

    /// Every non-blank line of `text` with its heading path (a heading line's path includes itself).
    static func lines(of text: String) -> [Line] {
        var headings: [(level: Int, title: String)] = []
        var lines: [Line] = []
        for block in Chunker.blocks(of: text) {
            if let heading = block.heading {
                while let last = headings.last, last.level >= heading.level { headings.removeLast() }
                headings.append(heading)
            }
            for (index, line) in block.lines.enumerated() {
                lines.append(
                    Line(
                        number: line.number, text: String(line.text), headingPath: headings.map(\.title),
                        isHeading: block.heading != nil, startsBlock: index == 0))
            }
        }
        return lines
    }

    /// Windows of `chunkTokens` tokens, each starting `chunkOverlapTokens` before the previous one ended.
    func fixedTokenChunks(_ text: String) -> [Chunk] {
        struct Piece {
            var text: Substring
            var line: Int
            var tokens: Int
            var path: [String]
            var isHeading: Bool
        }
        var pieces: [Piece] = []
        for line in DocumentChunker.lines(of: text) {
            if !pieces.isEmpty {
                pieces.append(
                    Piece(
                        text: line.startsBlock ? "\n\n" : "\n", line: line.number, tokens: 1, path: line.headingPath,
                        isHeading: line.isHeading))
            }
            for piece in BPETokenizer.pieces(of: line.text) {
                pieces.append(
                    Piece(
                        text: piece, line: line.number, tokens: max(1, counter.count(String(piece))),
                        path: line.headingPath,
                        isHeading: line.isHeading))
            }
        }
        var chunks: [Chunk] = []
        var start = 0
        while start < pieces.count {
            var end = start
            var tokens = 0
            while end < pieces.count, end == start || tokens + pieces[end].tokens <= settings.chunkTokens {
                tokens += pieces[end].tokens
                end += 1
            }
            let window = pieces[start..<end]
            let body = window.map { String($0.text) }.joined().trimmingCharacters(in: .whitespacesAndNewlines)
            if !body.isEmpty, let first = window.first(where: { !$0.text.allSatisfy(\.isWhitespace) }),
                let last = window.last(where: { !$0.text.allSatisfy(\.isWhitespace) })
            {
                // The section the chunk's first body text belongs to, which is what the chunk is about.
                let path =
                    window.first(where: { !$0.isHeading && !$0.text.allSatisfy(\.isWhitespace) })?.path ?? first.path
                chunks.append(Chunk(text: body, startLine: first.line, endLine: last.line, headingPath: path))
            }
            guard end < pieces.count else { break }
            // Step back over the overlap, but always move forward.
            var next = end
            var overlap = 0
            while next > start + 1, overlap + pieces[next - 1].tokens <= settings.chunkOverlapTokens {
                overlap += pieces[next - 1].tokens
                next -= 1
            }
            start = next
        }
        return chunks
    }

    /// Windows of `sentencesPerChunk` sentences within one section, stepping by that minus `sentenceOverlap`.
    func sentenceWindows(_ text: String) -> [Chunk] {
        struct Sentence {
            var text: String
            var startLine: Int
            var endLine: Int
        }
        var sections: [(path: [String], sentences: [Sentence])] = []
        var paragraph: [Line] = []

        func flushParagraph() {
            guard let first = paragraph.first else { return }
            // Join the paragraph's lines, remembering where each line starts, to give each sentence its lines.
            var joined = ""
            var lineStarts: [(offset: Int, line: Int)] = []
            for line in paragraph {
                if !joined.isEmpty { joined += " " }
                lineStarts.append((joined.count, line.number))
                joined += line.text.trimmedSpaces
            }
            var offset = 0
            var sentences: [Sentence] = []
            for sentence in SentenceSplitter.split(joined) {
                let startOffset = offset
                offset += sentence.count + 1
                let startLine = lineStarts.last(where: { $0.offset <= startOffset })?.line ?? first.number
                let endLine = lineStarts.last(where: { $0.offset < startOffset + sentence.count })?.line ?? startLine
                sentences.append(Sentence(text: sentence, startLine: startLine, endLine: endLine))
            }
            if sections.last?.path != first.headingPath { sections.append((first.headingPath, [])) }
            sections[sections.count - 1].sentences += sentences
            paragraph = []
        }

        for line in DocumentChunker.lines(of: text) {
            if line.isHeading || line.startsBlock { flushParagraph() }
            if line.isHeading {
                if sections.last?.path != line.headingPath { sections.append((line.headingPath, [])) }
                continue
            }
            paragraph.append(line)
        }
        flushParagraph()

        let size = max(1, settings.sentencesPerChunk)
        let step = max(1, size - settings.sentenceOverlap)
        var chunks: [Chunk] = []
        for section in sections where !section.sentences.isEmpty {
            var start = 0
            while start < section.sentences.count {
                let window = section.sentences[start..<min(section.sentences.count, start + size)]
                if let first = window.first, let last = window.last {
                    chunks.append(
                        Chunk(
                            text: window.map(\.text).joined(separator: " "), startLine: first.startLine,
                            endLine: last.endLine, headingPath: section.path))
                }
                if start + size >= section.sentences.count { break }
                start += step
            }
        }
        return chunks
    }
}
