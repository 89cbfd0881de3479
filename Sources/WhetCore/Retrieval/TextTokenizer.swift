// The Retrieval folder: reading the corpus, chunking it, the local BM25 index and searching it.

import Foundation

/// Turns text in any language into search terms: lower-cased, diacritics folded, words of letters and digits,
/// and runs of CJK characters (which carry no spaces) as overlapping character bigrams, so that 東京都 is
/// found by 東京. English stop words are dropped: they match everything and explain nothing.
public enum TextTokenizer {
    /// Terms of `text` in order, stop words removed.
    public static func terms(_ text: String) -> [String] {
        var terms: [String] = []
        forEachTerm(in: text) { terms.append($0) }
        return terms
    }

    /// Calls `body` with every term of `text`; the streaming form used by the indexer.
    public static func forEachTerm(in text: String, _ body: (String) -> Void) {
        var word = String.UnicodeScalarView()
        var cjkPrevious: Unicode.Scalar? = nil
        var cjkRunLength = 0

        func flushWord() {
            if !word.isEmpty {
                let term = String(word)
                if !stopWords.contains(term) { body(term) }
                word.removeAll(keepingCapacity: true)
            }
        }
        func flushCJK() {
            if cjkRunLength == 1, let single = cjkPrevious { body(String(single)) }
            cjkPrevious = nil
            cjkRunLength = 0
        }

        // Folding whole strings through Foundation is slow on Linux; fold scalar by scalar instead: ASCII by
        // arithmetic, anything else through Foundation once per distinct scalar in this text.
        var foldedScalars: [UInt32: [Unicode.Scalar]] = [:]
        func fold(_ scalar: Unicode.Scalar) -> [Unicode.Scalar] {
            if scalar.value < 0x80 {
                if scalar.value >= 0x41 && scalar.value <= 0x5A, let lower = Unicode.Scalar(scalar.value + 32) { return [lower] }
                return [scalar]
            }
            if let known = foldedScalars[scalar.value] { return known }
            let folded = Array(String(scalar).folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil).unicodeScalars)
            foldedScalars[scalar.value] = folded
            return folded
        }

        for original in text.unicodeScalars {
            for scalar in fold(original) {
                if isCJK(scalar) {
                    flushWord()
                    if let previous = cjkPrevious {
                        var pair = String.UnicodeScalarView()
                        pair.append(previous)
                        pair.append(scalar)
                        body(String(pair))
                    }
                    cjkPrevious = scalar
                    cjkRunLength += 1
                } else if scalar.value < 0x80
                            ? (scalar.value >= 0x61 && scalar.value <= 0x7A) || (scalar.value >= 0x30 && scalar.value <= 0x39)
                            : scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                    flushCJK()
                    word.append(scalar)
                } else if (scalar == "'" || scalar == "’"), !word.isEmpty {
                    continue
                } else {
                    flushCJK()
                    flushWord()
                }
            }
        }
        flushCJK()
        flushWord()
    }

    /// Whether a scalar belongs to a script written without spaces between words (Han, kana, Hangul).
    public static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x31F0...0x31FF,    // Hiragana, Katakana
             0x3400...0x4DBF, 0x4E00...0x9FFF,    // CJK ideographs
             0xF900...0xFAFF, 0x20000...0x2FA1F,  // compatibility and supplementary ideographs
             0xAC00...0xD7AF, 0x1100...0x11FF:    // Hangul
            return true
        default:
            return false
        }
    }

    /// Common English function words that carry no topic.
    public static let stopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "could", "did", "do", "does", "for", "from",
        "had", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "no", "not", "of",
        "on", "or", "our", "should", "so", "such", "than", "that", "the", "their", "them", "then", "there",
        "these", "they", "this", "to", "was", "we", "were", "what", "when", "where", "which", "who", "why",
        "will", "with", "would", "you", "your",
    ]
}
