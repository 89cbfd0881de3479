import Foundation

/// One corpus file read as text, ready for chunking: HTML is already stripped to plain text, and files that
/// are not UTF-8 text are refused with a reason the indexer turns into a warning.
public struct CorpusDocument: Sendable {
    /// The file's path relative to the workspace root (as results show it).
    public var path: String
    /// The text to chunk.
    public var text: String
    /// SHA-256 of the file's bytes, hex.
    public var contentHash: String
    /// Where its pages begin, for a converted document that has pages (PDF).
    public var pages: PageMap? = nil

    /// The file types read as text directly; converted types come from `DocumentLoaders`.
    public static let indexedExtensions: Set<String> = ["md", "markdown", "txt", "text", "rst", "html", "htm"]

    /// Why a file was not indexed.
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case binary
        case notUTF8(byteOffset: Int)

        public var description: String {
            switch self {
            case .binary: return "skipped: binary file (contains NUL bytes), not text"
            case .notUTF8(let offset): return "skipped: not valid UTF-8 text (first bad byte at offset \(offset))"
            }
        }
    }

    /// Decodes `data` as the file `path`; `hash` is its precomputed SHA-256.
    public static func decode(_ data: Data, path: String, hash: String) throws -> CorpusDocument {
        // Bytes are scanned with memchr: Data's element iterator and Foundation's substring search cost more
        // than the rest of reading a file.
        let isBinary = data.withUnsafeBytes { bytes in
            guard let start = bytes.baseAddress else { return false }
            return memchr(start, 0, min(bytes.count, 8192)) != nil
        }
        if isBinary { throw Refusal.binary }
        guard let raw = String(validating: data, as: UTF8.self) else {
            throw Refusal.notUTF8(byteOffset: firstInvalidUTF8Offset(data))
        }
        var text = raw.hasPrefix("\u{FEFF}") ? String(raw.dropFirst()) : raw
        let hasReturn = data.withUnsafeBytes { bytes in
            guard let start = bytes.baseAddress else { return false }
            return memchr(start, 0x0D, bytes.count) != nil
        }
        if hasReturn { text = withoutCarriageReturns(text) }
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "html" || ext == "htm" { text = HTMLText.plainText(text) }
        return CorpusDocument(path: path, text: text, contentHash: hash)
    }

    /// The document for a file that a loader converts: its text through the loader (or the extraction
    /// cache), with page breaks taken out and remembered.
    public static func converted(
        path: String, absolutePath: String, hash: String, loader: DocumentLoaders.Loader, loaders: DocumentLoaders,
        cache: URL?
    ) throws -> CorpusDocument {
        var text = try loaders.extract(loader, absolutePath: absolutePath, contentHash: hash, cache: cache)
        if text.contains("\r\n") { text = text.replacingOccurrences(of: "\r\n", with: "\n") }
        let (plain, pages) = PageMap.split(text)
        return CorpusDocument(path: path, text: plain, contentHash: hash, pages: pages)
    }

    /// The chunks of this document. A paged document is cut page by page, so every chunk is on one page
    /// and its citation names that page (a paragraph that runs over a page break becomes two chunks).
    func chunks(_ chunker: DocumentChunker) -> [Chunk] {
        guard let pages else { return chunker.chunks(of: text) }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var chunks: [Chunk] = []
        for (index, start) in pages.pageStarts.enumerated() {
            let end = index + 1 < pages.pageStarts.count ? pages.pageStarts[index + 1] : lines.count + 1
            guard start <= end - 1, start - 1 < lines.count else { continue }
            let page = lines[(start - 1)..<min(end - 1, lines.count)].joined(separator: "\n")
            for var chunk in chunker.chunks(of: page) {
                chunk.startLine += start - 1
                chunk.endLine += start - 1
                chunk.pages = pages.span(startLine: chunk.startLine, endLine: chunk.endLine)
                chunks.append(chunk)
            }
        }
        return chunks
    }

    /// `text` with every CR LF made LF, byte by byte: what `replacingOccurrences(of: "\r\n", with: "\n")`
    /// gives, without its NSString round trip. A lone CR stays.
    static func withoutCarriageReturns(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var pendingReturn = false
        for byte in text.utf8 {
            if pendingReturn, byte != 0x0A { bytes.append(0x0D) }
            pendingReturn = byte == 0x0D
            if !pendingReturn { bytes.append(byte) }
        }
        if pendingReturn { bytes.append(0x0D) }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func firstInvalidUTF8Offset(_ data: Data) -> Int {
        var decoder = UTF8()
        var iterator = data.makeIterator()
        var offset = 0
        var scalarStart = 0
        loop: while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                scalarStart = offset + 0
                offset += UTF8.width(scalar)
            case .emptyInput: break loop
            case .error: return offset
            }
        }
        return scalarStart
    }
}
