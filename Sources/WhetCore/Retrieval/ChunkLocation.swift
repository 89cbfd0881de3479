import Foundation

/// Which chunk: a file (relative to the workspace root) and the lines it covers. It is a chunk's identity
/// wherever one is named — exclusions, pins, `--exclude`, comparisons of two runs — so two chunks of one file
/// with other lines are other chunks, and a re-chunked file's chunks are new ones.
///
/// It is written `path:start-end` (the form editors and `grep -n` users recognise); parsing reads the last
/// `:` so paths holding colons still work.
public struct ChunkLocation: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The source file, relative to the workspace root.
    public var path: String
    /// First line covered (of the extracted text, for a converted document).
    public var startLine: Int
    /// Last line covered, inclusive.
    public var endLine: Int

    /// Names the chunk of `path` covering `startLine` through `endLine`.
    public init(path: String, startLine: Int, endLine: Int) {
        self.path = path
        self.startLine = startLine
        self.endLine = endLine
    }

    /// Reads `path:start-end`; nil when the text has no such ending (`notes.md`, `a.md:3`, `a.md:x-y`).
    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        let path = String(text[..<colon])
        let lines = text[text.index(after: colon)...].split(separator: "-", omittingEmptySubsequences: false)
        guard !path.isEmpty, lines.count == 2, let start = Int(lines[0]), let end = Int(lines[1]), start <= end
        else { return nil }
        self.init(path: path, startLine: start, endLine: end)
    }

    /// `path:start-end`.
    public var description: String { "\(path):\(startLine)-\(endLine)" }

    /// By path, then by first and last line: the order a reader scans a corpus in.
    public static func < (lhs: ChunkLocation, rhs: ChunkLocation) -> Bool {
        (lhs.path, lhs.startLine, lhs.endLine) < (rhs.path, rhs.startLine, rhs.endLine)
    }
}

extension ChunkLocation: Codable {
    /// Stored as its text (`"docs/a.md:3-9"`), the form run records and JSON outputs have always used.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let location = ChunkLocation(parsing: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected a chunk location path:start-end, found \"\(text)\"")
        }
        self = location
    }

    /// Writes `path:start-end`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
