import WhetCore

/// A word-level diff of two outputs (longest common subsequence), for comparing runs.
public enum WordDiff {
    public struct Piece: Equatable, Sendable {
        public enum Kind: Sendable { case same, added, removed }
        public var kind: Kind
        public var text: String
    }

    /// The pieces that turn `old` into `new`, consecutive words of one kind joined.
    public static func diff(_ old: String, _ new: String) -> [Piece] {
        guard let steps = SequenceDiff.diff(tokens(old), tokens(new)) else {
            return [Piece(kind: .removed, text: old), Piece(kind: .added, text: new)]
        }
        var pieces: [Piece] = []
        for step in steps {
            let (kind, text): (Piece.Kind, String) =
                switch step {
                case .same(let word): (.same, word)
                case .removed(let word): (.removed, word)
                case .added(let word): (.added, word)
                }
            if let last = pieces.last, last.kind == kind {
                pieces[pieces.count - 1].text += text
            } else {
                pieces.append(Piece(kind: kind, text: text))
            }
        }
        return pieces
    }

    /// Words with their following space or newline attached, so pieces join back into the text.
    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if character == " " || character == "\n" {
                tokens.append(current)
                current = ""
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }
}
