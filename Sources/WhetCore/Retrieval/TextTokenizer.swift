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
            guard !bytes.contains(where: { $0 >= 0x80 }) else { return false }
            forEachASCIIWord(bytes, body)
            return true
        }
        if !handled { forEachUnicodeWord(in: text, body) }
    }

    /// The byte loop for ASCII text; it must split exactly as the Unicode path does on the same text.
    private static func forEachASCIIWord(
        _ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Bool
    ) {
        // Folded words are written into a scratch buffer as long as the text, so no word can overflow it.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(bytes.count, 1)) { word in
            var length = 0
            for byte in bytes {
                switch byte {
                case 0x61...0x7A, 0x30...0x39:
                    word[length] = byte
                    length += 1
                case 0x41...0x5A:
                    word[length] = byte + 32
                    length += 1
                case 0x27 where length > 0: continue
                default:
                    if length > 0 {
                        guard body(UnsafeBufferPointer(rebasing: word[0..<length])) else { return }
                        length = 0
                    }
                }
            }
            if length > 0 { _ = body(UnsafeBufferPointer(rebasing: word[0..<length])) }
        }
    }

    /// How a folded scalar takes part in words.
    private enum ScalarKind: UInt8 {
        case cjk, word, apostrophe, other
    }

    /// The scalar loop for text that is not all ASCII. Each folded word's UTF-8 is written into one reused
    /// buffer (appending scalars to a String, and an array per folded scalar, made this path ten times
    /// slower than the ASCII one); what a non-ASCII scalar folds to and how it classifies are looked up once
    /// per distinct scalar in this text.
    private static func forEachUnicodeWord(in text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) {
        var word: [UInt8] = []
        word.reserveCapacity(64)
        var pair: [UInt8] = []
        pair.reserveCapacity(8)
        var cjkPrevious: Unicode.Scalar? = nil
        var cjkRunLength = 0
        var stopped = false

        func emit(_ bytes: [UInt8]) {
            if !stopped { stopped = !bytes.withUnsafeBufferPointer { body($0) } }
        }
        func flushWord() {
            if !word.isEmpty {
                emit(word)
                word.removeAll(keepingCapacity: true)
            }
        }
        func flushCJK() {
            if cjkRunLength == 1, let single = cjkPrevious {
                pair.removeAll(keepingCapacity: true)
                UTF8.encode(single) { pair.append($0) }
                emit(pair)
            }
            cjkPrevious = nil
            cjkRunLength = 0
        }

        // Folding whole strings through Foundation is slow on Linux; fold scalar by scalar instead: ASCII by
        // arithmetic, anything else through Foundation once per distinct scalar in this text.
        var foldedScalars: [UInt32: [Unicode.Scalar]] = [:]
        var kinds: [UInt32: ScalarKind] = [:]
        func kind(_ scalar: Unicode.Scalar) -> ScalarKind {
            let value = scalar.value
            if value < 0x80 {
                if (value >= 0x61 && value <= 0x7A) || (value >= 0x30 && value <= 0x39) { return .word }
                return value == 0x27 ? .apostrophe : .other
            }
            if let known = kinds[value] { return known }
            let found: ScalarKind =
                isCJK(scalar)
                ? .cjk
                : (scalar.properties.isAlphabetic || scalar.properties.numericType != nil)
                    ? .word : (scalar == "’" ? .apostrophe : .other)
            kinds[value] = found
            return found
        }
        func take(_ scalar: Unicode.Scalar) {
            switch kind(scalar) {
            case .cjk:
                flushWord()
                if let previous = cjkPrevious {
                    pair.removeAll(keepingCapacity: true)
                    UTF8.encode(previous) { pair.append($0) }
                    UTF8.encode(scalar) { pair.append($0) }
                    emit(pair)
                }
                cjkPrevious = scalar
                cjkRunLength += 1
            case .word:
                flushCJK()
                UTF8.encode(scalar) { word.append($0) }
            case .apostrophe where !word.isEmpty:
                break
            case .apostrophe, .other:
                flushCJK()
                flushWord()
            }
        }

        // ASCII bytes, most of a text with a few accents or typographic quotes, take the byte rules inline;
        // other scalars are decoded from their UTF-8 (valid: it comes from a String) and folded.
        var text = text
        text.withUTF8 { bytes in
            var index = 0
            while index < bytes.count, !stopped {
                let byte = bytes[index]
                if byte < 0x80 {
                    index += 1
                    switch byte {
                    case 0x61...0x7A, 0x30...0x39:
                        flushCJK()
                        word.append(byte)
                    case 0x41...0x5A:
                        flushCJK()
                        word.append(byte + 32)
                    case 0x27 where !word.isEmpty:
                        continue
                    default:
                        flushCJK()
                        flushWord()
                    }
                    continue
                }
                let length = byte >= 0xF0 ? 4 : (byte >= 0xE0 ? 3 : 2)
                var value = UInt32(byte) & (length == 2 ? 0x1F : (length == 3 ? 0x0F : 0x07))
                for offset in 1..<length where index + offset < bytes.count {
                    value = value << 6 | UInt32(bytes[index + offset] & 0x3F)
                }
                index += length
                guard let original = Unicode.Scalar(value) else { continue }
                let folded: [Unicode.Scalar]
                if let known = foldedScalars[value] {
                    folded = known
                } else {
                    folded = Array(
                        String(original).folding(
                            options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil
                        ).unicodeScalars)
                    foldedScalars[value] = folded
                }
                for scalar in folded { take(scalar) }
            }
        }
        flushCJK()
        flushWord()
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
