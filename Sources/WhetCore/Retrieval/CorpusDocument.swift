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

    /// The file types the local index reads.
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
        if data.prefix(8192).contains(0) { throw Refusal.binary }
        guard let raw = String(validating: data, as: UTF8.self) else {
            throw Refusal.notUTF8(byteOffset: firstInvalidUTF8Offset(data))
        }
        var text = raw.hasPrefix("\u{FEFF}") ? String(raw.dropFirst()) : raw
        if text.contains("\r\n") { text = text.replacingOccurrences(of: "\r\n", with: "\n") }
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "html" || ext == "htm" { text = HTMLText.plainText(text) }
        return CorpusDocument(path: path, text: text, contentHash: hash)
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
