import Foundation

/// Splits a document into chunks along its own structure: a heading starts a new chunk and is remembered in
/// the heading path, paragraphs (and fenced code blocks) are kept whole while they fit, a paragraph larger
/// than a chunk is split at sentence and then word boundaries, and a chunk that continues a section repeats
/// the tail of the one before it (the overlap), so text cut at a boundary is still found whole.
public struct Chunker: Sendable {
    /// The largest chunk in characters.
    public let maxCharacters: Int
    /// How many characters of the previous chunk a continuation starts with.
    public let overlap: Int
    /// Whether a heading ends the chunk before it (heading chunking) or is packed like a paragraph
    /// (paragraph chunking); the heading path is kept either way.
    public let breaksAtHeadings: Bool

    /// Makes a chunker; `overlap` is clamped below `maxCharacters`.
    public init(maxCharacters: Int, overlap: Int, breaksAtHeadings: Bool = true) {
        self.maxCharacters = max(maxCharacters, 16)
        self.overlap = max(0, min(overlap, self.maxCharacters / 2))
        self.breaksAtHeadings = breaksAtHeadings
    }

    /// A line (or part of one) placed in a chunk, with its length in characters counted once: counting
    /// characters walks the whole string, and chunking asked for each line's length several times. The text
    /// is a slice of the document: no String is made per line, only one per chunk.
    struct Unit {
        var text: Substring
        var line: Int
        var startsBlock: Bool
        var count: Int

        init(text: Substring, line: Int, startsBlock: Bool, count: Int? = nil) {
            self.text = text
            self.line = line
            self.startsBlock = startsBlock
            self.count = count ?? text.count
        }
    }

    /// The chunks of `text`, in document order.
    public func chunks(of text: String) -> [Chunk] {
        var chunks: [Chunk] = []
        var headings: [(level: Int, title: String)] = []
        var current: [Unit] = []
        var currentSize = 0
        var hasNewContent = false
        var onlyHeadings = true
        var chunkPath: [String] = []
        var chunkPathFromBody = false

        func flush(keepOverlap: Bool) {
            defer { hasNewContent = false }
            guard hasNewContent, let first = current.first, let last = current.last else {
                current = []
                currentSize = 0
                return
            }
            let body = joined(current)
            chunks.append(
                Chunk(
                    text: body, startLine: first.line, endLine: last.line,
                    headingPath: breaksAtHeadings ? headings.map(\.title) : chunkPath))
            current = keepOverlap ? overlapTail(current) : []
            // Separators are line breaks, which never join the characters around them into one.
            currentSize = current.enumerated().reduce(0) { size, item in
                size + item.element.count + (item.offset == 0 ? 0 : (item.element.startsBlock ? 2 : 1))
            }
        }

        func add(_ unit: Unit, isHeading: Bool) {
            let separator = current.isEmpty ? 0 : (unit.startsBlock ? 2 : 1)
            if !current.isEmpty, currentSize + separator + unit.count > maxCharacters {
                flush(keepOverlap: true)
            }
            let addedSeparator = current.isEmpty ? 0 : (unit.startsBlock ? 2 : 1)
            // A chunk is about the section its first body text is in, not a heading it happens to start with.
            if !hasNewContent || (!chunkPathFromBody && !isHeading) {
                chunkPath = headings.map(\.title)
                chunkPathFromBody = !isHeading
            }
            current.append(unit)
            currentSize += addedSeparator + unit.count
            hasNewContent = true
        }

        for block in Chunker.blocks(of: text) {
            if let heading = block.heading {
                if !onlyHeadings && breaksAtHeadings {
                    flush(keepOverlap: false)
                    current = []
                    currentSize = 0
                }
                while let last = headings.last, last.level >= heading.level { headings.removeLast() }
                headings.append((heading.level, heading.title))
                onlyHeadings = true
            } else {
                onlyHeadings = false
            }
            for (index, line) in block.lines.enumerated() {
                // Most lines fit in a chunk: they go in whole, without the array of pieces.
                let count = Chunker.characterCount(line.text)
                if count <= maxCharacters {
                    add(
                        Unit(text: line.text, line: line.number, startsBlock: index == 0, count: count),
                        isHeading: block.heading != nil)
                    continue
                }
                for (pieceIndex, piece) in split(line.text, count: count).enumerated() {
                    add(
                        Unit(
                            text: piece.text, line: line.number, startsBlock: index == 0 && pieceIndex == 0,
                            count: piece.count),
                        isHeading: block.heading != nil)
                }
            }
        }
        flush(keepOverlap: false)
        return chunks
    }

    /// The units' text, a line break between units and a blank line before each block, copied byte by byte
    /// into one buffer of the exact size: appending String to String checked and grew it per unit.
    private func joined(_ units: [Unit]) -> String {
        var capacity = 0
        for (index, unit) in units.enumerated() {
            capacity += unit.text.utf8.count + (index == 0 ? 0 : (unit.startsBlock ? 2 : 1))
        }
        return String(unsafeUninitializedCapacity: capacity) { buffer in
            var written = 0
            for (index, unit) in units.enumerated() {
                if index > 0 {
                    buffer[written] = 0x0A
                    written += 1
                    if unit.startsBlock {
                        buffer[written] = 0x0A
                        written += 1
                    }
                }
                var text = unit.text
                text.withUTF8 { bytes in
                    guard let base = bytes.baseAddress, let target = buffer.baseAddress else { return }
                    (target + written).update(from: base, count: bytes.count)
                    written += bytes.count
                }
            }
            return written
        }
    }

    /// The trailing units (or the tail of the last one, cut at a word) that fit in the overlap.
    private func overlapTail(_ units: [Unit]) -> [Unit] {
        guard overlap > 0 else { return [] }
        var tail: [Unit] = []
        var size = 0
        for unit in units.reversed() {
            guard size + unit.count + 1 <= overlap else { break }
            tail.insert(unit, at: 0)
            size += unit.count + 1
        }
        if tail.isEmpty, let last = units.last {
            let suffix = last.text.suffix(overlap)
            let cut = suffix.firstIndex(of: " ").map { suffix[suffix.index(after: $0)...] } ?? suffix
            if !cut.isEmpty { tail = [Unit(text: cut, line: last.line, startsBlock: true)] }
        }
        if var first = tail.first {
            first.startsBlock = true
            tail[0] = first
        }
        return tail
    }

    /// Splits a line longer than a chunk (`count` Characters) at sentence ends, then spaces, then anywhere; each
    /// piece with its length when known.
    private func split(_ line: Substring, count: Int) -> [(text: Substring, count: Int?)] {
        guard count > maxCharacters else { return [(line, count)] }
        // Pieces leave room for the overlap that will precede them, so no chunk outgrows the limit.
        let limit = max(16, maxCharacters - overlap - 2)
        var pieces: [Substring] = []
        var rest = line
        while rest.count > limit {
            let window = rest.prefix(limit)
            let sentenceEnd = window.indices.last(where: { index in
                let character = window[index]
                guard "。！？".contains(character) || ".!?".contains(character) else { return false }
                let next = window.index(after: index)
                return next == window.endIndex || window[next] == " " || "。！？".contains(character)
            })
            let cut: Substring.Index
            if let end = sentenceEnd, window.distance(from: window.startIndex, to: end) > limit / 3 {
                cut = window.index(after: end)
            } else if let space = window.lastIndex(of: " "),
                window.distance(from: window.startIndex, to: space) > limit / 3
            {
                cut = space
            } else {
                cut = window.endIndex
            }
            pieces.append(Chunker.trimmed(rest[..<cut]))
            rest = rest[cut...].drop(while: { $0 == " " })
        }
        if !rest.isEmpty { pieces.append(rest) }
        return pieces.filter { !$0.isEmpty }.map { ($0, nil) }
    }

    /// A paragraph, fenced code block or heading, with its source line numbers; the lines are slices of the
    /// document.
    struct Block {
        var lines: [(number: Int, text: Substring)]
        var heading: (level: Int, title: String)?
    }

    /// Groups lines into blocks: blank lines separate blocks, fenced code stays whole, ATX (`# T`) and setext
    /// (`T` over `===`/`---`) headings are blocks of their own.
    static func blocks(of text: String) -> [Block] {
        let lines = Chunker.lines(of: text)
        var blocks: [Block] = []
        var current: [(number: Int, text: Substring)] = []
        var inFence = false
        var index = 0

        func flush() {
            if !current.isEmpty {
                blocks.append(Block(lines: current, heading: nil))
                current = []
            }
        }

        while index < lines.count {
            let line = lines[index]
            let trimmed = Chunker.trimmed(line)
            if Chunker.isFence(trimmed) {
                if !inFence { flush() }
                current.append((index + 1, line))
                if inFence { flush() }
                inFence.toggle()
            } else if inFence {
                current.append((index + 1, line))
            } else if trimmed.isEmpty {
                flush()
            } else if let heading = atxHeading(trimmed) {
                flush()
                blocks.append(Block(lines: [(index + 1, trimmed)], heading: heading))
            } else if current.isEmpty, index + 1 < lines.count,
                let level = setextLevel(lines[index + 1], title: trimmed)
            {
                blocks.append(Block(lines: [(index + 1, trimmed)], heading: (level, String(trimmed))))
                index += 1
            } else {
                current.append((index + 1, line))
            }
            index += 1
        }
        flush()
        return blocks
    }

    /// The lines of `text` as slices of it, cut where `split(separator: "\n")` cuts the Characters. Without a
    /// carriage return every line feed is a Character of its own, so cutting the bytes at each line feed (with
    /// `memchr`) gives the same lines without walking grapheme clusters, and no String is made per line.
    static func lines(of text: String) -> [Substring] {
        var text = text
        let hasReturn = text.withUTF8 { bytes in
            guard let start = bytes.baseAddress else { return false }
            return memchr(start, 0x0D, bytes.count) != nil
        }
        // A carriage return joins the line feed after it into one Character, which the split does not cut at.
        if hasReturn { return text.split(separator: "\n", omittingEmptySubsequences: false) }
        let offsets: [Int] = text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return [] }
            var found: [Int] = []
            var start = 0
            while let hit = memchr(base + start, 0x0A, bytes.count - start) {
                let end = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                found.append(end)
                start = end + 1
            }
            return found
        }
        let utf8 = text.utf8
        var lines: [Substring] = []
        lines.reserveCapacity(offsets.count + 1)
        var start = utf8.startIndex
        var previous = 0
        for offset in offsets {
            let end = utf8.index(start, offsetBy: offset - previous)
            lines.append(text[start..<end])
            start = utf8.index(after: end)
            previous = offset + 1
        }
        lines.append(text[start...])
        return lines
    }

    /// `line.hasPrefix("```") || line.hasPrefix("~~~")`, answered from the bytes when the line's first four
    /// bytes are ASCII: three ASCII bytes followed by an ASCII byte (or nothing) are three Characters of their
    /// own. Otherwise a scalar may combine with the third or be canonically equivalent to a backtick (U+1FEF),
    /// and the Character rules answer. `hasPrefix` on a slice compared Character by Character, a fifth of
    /// chunking.
    static func isFence(_ line: Substring) -> Bool {
        let utf8 = line.utf8
        var index = utf8.startIndex
        var position = 0
        var mark: UInt8 = 0
        var marks = 0
        while position < 4, index != utf8.endIndex {
            let byte = utf8[index]
            guard byte < 0x80 else { return line.hasPrefix("```") || line.hasPrefix("~~~") }
            if position == 0 { mark = byte }
            if position < 3, byte == mark { marks += 1 }
            position += 1
            utf8.formIndex(after: &index)
        }
        return marks == 3 && (mark == 0x60 || mark == 0x7E)
    }

    /// `line.trimmedSpaces`, answered from the bytes. A Character that is a space or a tab is that one byte, so
    /// ends that are other bytes cannot be trimmed; and spaces and tabs next to an ASCII byte are Characters of
    /// their own (only CR LF joins ASCII scalars), so cutting the bytes there cuts where the Characters do.
    /// Spaces next to a non-ASCII scalar (which may combine with them) are left to the Character rules.
    static func trimmed(_ line: Substring) -> Substring {
        let utf8 = line.utf8
        guard let first = utf8.first, let last = utf8.last else { return line }
        if first != 0x20, first != 0x09, last != 0x20, last != 0x09 { return line }
        var start = utf8.startIndex
        var end = utf8.endIndex
        while start < end, utf8[start] == 0x20 || utf8[start] == 0x09 { utf8.formIndex(after: &start) }
        guard start < end else { return line[start..<start] }
        while utf8[utf8.index(before: end)] == 0x20 || utf8[utf8.index(before: end)] == 0x09 {
            utf8.formIndex(before: &end)
        }
        guard start == utf8.startIndex || utf8[start] < 0x80,
            end == utf8.endIndex || utf8[utf8.index(before: end)] < 0x80
        else { return Substring(line.trimmedSpaces) }
        // Both ends sit next to ASCII bytes, so they are Character boundaries: the slice is the trimmed line.
        return line[start..<end]
    }

    /// `line.count`, counted from the bytes when the line is ASCII without a carriage return: then every byte
    /// is a Character of its own (only CR LF joins two ASCII scalars into one Character).
    static func characterCount(_ line: Substring) -> Int {
        let simple =
            line.utf8.withContiguousStorageIfAvailable { bytes in
                guard let base = bytes.baseAddress else { return true }
                return TextTokenizer.isASCII(bytes) && memchr(base, 0x0D, bytes.count) == nil
            } ?? false
        return simple ? line.utf8.count : line.count
    }

    static func atxHeading(_ line: Substring) -> (level: Int, title: String)? {
        // A Character "#" is the byte '#' alone: any other first byte rules a heading out at once.
        guard line.utf8.first == 0x23 else { return nil }
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = line.dropFirst(hashes)
        guard rest.first == " " else { return nil }
        let title = trimmingSpacesAndHashes(rest)
        return title.isEmpty ? nil : (hashes, title)
    }

    /// `text.trimmingCharacters(in: CharacterSet(charactersIn: " #"))` on the bytes: that trim removes scalars,
    /// and both are single ASCII bytes, so cutting the bytes gives the same text without Foundation's NSString
    /// path (which cost a tenth of chunking).
    static func trimmingSpacesAndHashes(_ text: Substring) -> String {
        var text = text
        return text.withUTF8 { bytes in
            var start = 0
            var end = bytes.count
            while start < end, bytes[start] == 0x20 || bytes[start] == 0x23 { start += 1 }
            while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x23 { end -= 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
        }
    }

    static func setextLevel(_ underline: Substring, title: Substring) -> Int? {
        // The first byte after the leading spaces and tabs is the trimmed line's first byte, or a byte of a
        // space's combining mark (then neither can underline): most lines are ruled out before trimming.
        guard let lead = underline.utf8.first(where: { $0 != 0x20 && $0 != 0x09 }), "=-~^".utf8.contains(lead) else {
            return nil
        }
        let trimmed = Chunker.trimmed(underline)
        // Only a line of one of these can underline; the lengths, which walk both strings, come after.
        guard let first = trimmed.utf8.first, "=-~^".utf8.contains(first) else { return nil }
        guard trimmed.count >= 3, trimmed.count >= title.count / 2 else { return nil }
        if trimmed.allSatisfy({ $0 == "=" }) { return 1 }
        if trimmed.allSatisfy({ $0 == "-" }) { return 2 }
        if trimmed.allSatisfy({ $0 == "~" }) || trimmed.allSatisfy({ $0 == "^" }) { return 3 }
        return nil
    }
}
