import Foundation

/// Counts tokens the way an OpenAI model does, from a vocabulary file in tiktoken's format (one
/// `base64-token rank` pair per line, e.g. `cl100k_base.tiktoken`): text is cut into pieces (words with their
/// leading space, runs of up to three digits, runs of punctuation, whitespace) and each piece's bytes are
/// merged pairwise, lowest rank first. whet's piece rules are close to tiktoken's regular expression but not
/// identical (contractions such as "'ll" are split differently), so counts can differ by a token on such text.
public struct BPETokenizer: Sendable {
    private let ranks: [[UInt8]: Int]
    /// Where the vocabulary came from, for messages.
    public let source: String

    /// Loads a vocabulary; errors name the file and line.
    public init(contentsOf url: URL, displayPath: String) throws {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw RetrievalError.tokenizer(path: displayPath, line: nil, message: "cannot read the file")
        }
        try self.init(vocabulary: data, displayPath: displayPath)
    }

    /// Parses a vocabulary already in memory (tests and fuzzing feed it directly).
    public init(vocabulary data: Data, displayPath: String) throws {
        var ranks: [[UInt8]: Int] = [:]
        for (offset, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated()
        where !line.isEmpty {
            let fields = line.split(separator: UInt8(ascii: " "))
            guard fields.count == 2, let token = Data(base64Encoded: Data(fields[0])),
                let rank = Int(String(decoding: fields[1], as: UTF8.self))
            else {
                throw RetrievalError.tokenizer(
                    path: displayPath, line: offset + 1,
                    message: "expected 'BASE64-TOKEN RANK', found '\(String(decoding: line.prefix(60), as: UTF8.self))'"
                )
            }
            ranks[Array(token)] = rank
        }
        guard !ranks.isEmpty else {
            throw RetrievalError.tokenizer(path: displayPath, line: nil, message: "the vocabulary is empty")
        }
        self.ranks = ranks
        self.source = displayPath
    }

    /// How many tokens `text` encodes to.
    public func count(_ text: String) -> Int {
        BPETokenizer.pieces(of: text).reduce(0) { $0 + count(piece: $1) }
    }

    /// How many tokens one piece encodes to: byte-pair merging, always joining the adjacent pair whose union
    /// has the lowest rank, until no pair is in the vocabulary. Bytes missing from the vocabulary count one each.
    public func count(piece: Substring) -> Int {
        var parts = Array(piece.utf8).map { [$0] }
        guard parts.count > 1 else { return parts.count }
        if ranks[Array(piece.utf8)] != nil { return 1 }
        while parts.count > 1 {
            var best: (index: Int, rank: Int)? = nil
            for index in 0..<(parts.count - 1) {
                if let rank = ranks[parts[index] + parts[index + 1]], rank < (best?.rank ?? Int.max) {
                    best = (index, rank)
                }
            }
            guard let merge = best else { break }
            parts[merge.index] += parts[merge.index + 1]
            parts.remove(at: merge.index + 1)
        }
        return parts.count
    }

    /// Cuts text into the pieces BPE runs on: an optional leading space with a run of letters, a run of at most
    /// three digits, an optional leading space with a run of other non-space characters, or whitespace.
    public static func pieces(of text: String) -> [Substring] {
        var pieces: [Substring] = []
        var index = text.startIndex
        func kind(_ character: Character) -> Int {
            if character.isLetter { return 0 }
            if character.isNumber { return 1 }
            if character.isWhitespace { return 2 }
            return 3
        }
        while index < text.endIndex {
            let start = index
            var first = text[index]
            if first == " ", let next = text.index(index, offsetBy: 1, limitedBy: text.endIndex), next < text.endIndex,
                [0, 3].contains(kind(text[next]))
            {
                index = next
                first = text[index]
            }
            let firstKind = kind(first)
            var length = 0
            while index < text.endIndex, kind(text[index]) == firstKind, !(firstKind == 1 && length == 3) {
                index = text.index(after: index)
                length += 1
            }
            pieces.append(text[start..<index])
        }
        return pieces
    }
}

/// Counts tokens for chunk sizes and context budgets: a real BPE vocabulary when the workspace names one,
/// else `estimateTokens` (about four characters of English per token, one per CJK character).
public enum TokenCounter: Sendable {
    case estimate
    case bpe(BPETokenizer)

    /// The token count of `text`.
    public func count(_ text: String) -> Int {
        switch self {
        case .estimate: estimateTokens(text)
        case .bpe(let tokenizer): tokenizer.count(text)
        }
    }

    /// The counter a workspace's settings ask for; a named vocabulary that cannot be read is an error.
    public static func forSettings(_ settings: RetrievalSettings, workspaceRoot: URL) throws -> TokenCounter {
        guard let path = settings.tokenizer else { return .estimate }
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : workspaceRoot.appendingPathComponent(path)
        return .bpe(try BPETokenizer(contentsOf: url, displayPath: path))
    }
}
