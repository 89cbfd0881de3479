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

    /// Calls `body` with every term of `text`, stop words removed.
    public static func forEachTerm(in text: String, _ body: (String) -> Void) {
        forEachWord(in: text) { word in
            if !stopWords.contains(word) { body(word) }
        }
    }

    /// Calls `body` with every folded word and CJK bigram of `text`, stop words included: the raw form the
    /// index's analyzer caches per distinct word.
    public static func forEachWord(in text: String, _ body: (String) -> Void) {
        forEachWordBytes(in: text) { bytes in body(String(decoding: bytes, as: UTF8.self)) }
    }

    /// Calls `body` with the UTF-8 bytes of every folded word of `text`, valid only during the call. ASCII
    /// text (most corpora) takes a byte loop that allocates nothing per word; anything else goes scalar by
    /// scalar through the Unicode rules. The index hashes these bytes directly, never making a String for a
    /// word it has seen before.
    public static func forEachWordBytes(in text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        forWordBytes(
            in: text,
            while: { word in
                body(word)
                return true
            })
    }

    /// `forEachWordBytes`, stopping as soon as `body` returns false (language detection reads a sample).
    public static func forWordBytes(in text: String, while body: (UnsafeBufferPointer<UInt8>) -> Bool) {
        var text = text
        let handled: Bool = text.withUTF8 { bytes in
            guard isASCII(bytes) else { return false }
            forEachASCIIWord(bytes, body)
            return true
        }
        if !handled { UnicodeWordSplitter.forEachWord(in: text, body) }
    }

    /// Whether every byte is below 0x80, tested eight bytes at a time: every document is tested, and twice
    /// (language detection, then each chunk for the index).
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var offset = 0
        var high: UInt64 = 0
        while offset + 8 <= bytes.count {
            high |= raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        while offset < bytes.count {
            high |= UInt64(bytes[offset])
            offset += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// The byte loop for ASCII text; it must split exactly as the Unicode path does on the same text.
    private static func forEachASCIIWord(
        _ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Bool
    ) {
        // Folded words are written into a scratch buffer as long as the text, so no word can overflow it.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(bytes.count, 1)) { word in
            asciiFold.withUnsafeBufferPointer { fold in
                var length = 0
                for byte in bytes {
                    let folded = fold[Int(byte)]
                    if folded > 1 {
                        word[length] = folded
                        length += 1
                    } else if folded == 0, length > 0 {
                        // An apostrophe (1) inside a word is skipped; anywhere else it separates, as this does.
                        guard body(UnsafeBufferPointer(rebasing: word[0..<length])) else { return }
                        length = 0
                    }
                }
                if length > 0 { _ = body(UnsafeBufferPointer(rebasing: word[0..<length])) }
            }
        }
    }

    /// What each byte is to the ASCII loop: a letter or digit gives its folded byte (upper case lowered), the
    /// apostrophe 1, anything else 0 (a separator). One load per byte instead of a chain of range tests.
    private static let asciiFold: [UInt8] = (0..<256).map { value in
        let byte = UInt8(value)
        switch byte {
        case 0x61...0x7A, 0x30...0x39: return byte
        case 0x41...0x5A: return byte + 32
        case 0x27: return 1
        default: return 0
        }
    }

    /// Whether a scalar belongs to a script written without spaces between words (Han, kana, Hangul).
    public static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x31F0...0x31FF,  // Hiragana, Katakana
            0x3400...0x4DBF, 0x4E00...0x9FFF,  // CJK ideographs
            0xF900...0xFAFF, 0x20000...0x2FA1F,  // compatibility and supplementary ideographs
            0xAC00...0xD7AF, 0x1100...0x11FF:  // Hangul
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
