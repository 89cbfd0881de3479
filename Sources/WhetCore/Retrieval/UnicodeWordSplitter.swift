import Foundation

/// `TextTokenizer`'s word rules for text that is not all ASCII: scalars folded (case, diacritics, width),
/// words of letters and digits, runs of CJK characters as overlapping bigrams. Most such text is ASCII with a
/// few accents or typographic quotes, so ASCII bytes take the byte rules inline and only other scalars are
/// decoded and folded. The state is a value with mutating methods rather than closures capturing variables:
/// captured variables were boxed and checked for exclusive access at every byte, which made this path cost
/// more than everything else in reading a file.
struct UnicodeWordSplitter {
    /// How a folded scalar takes part in words.
    enum Kind: UInt8, Sendable {
        case cjk, word, apostrophe, other
    }

    /// What one scalar folds to, each folded scalar with its kind.
    struct Folded: Sendable {
        var scalars: [Unicode.Scalar]
        var kinds: [Kind]
    }

    /// The folded word being read, in a buffer of the splitter's own: appending to an array checked its
    /// uniqueness and capacity at every byte, which cost more than the rest of the byte's handling.
    private var word: UnsafeMutablePointer<UInt8>
    private var wordCount = 0
    private var wordCapacity: Int
    private var pair: [UInt8] = []
    private var cjkPrevious: Unicode.Scalar? = nil
    private var cjkRunLength = 0
    private var stopped = false
    /// Folds of scalars outside the shared table, for this text only.
    private var local: [UInt32: Folded] = [:]

    /// Calls `body` with the UTF-8 bytes of every folded word and CJK bigram of `text`, stopping when it
    /// returns false.
    static func forEachWord(in text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) {
        var splitter = UnicodeWordSplitter(capacity: 256)
        defer { splitter.word.deallocate() }
        splitter.pair.reserveCapacity(8)
        var text = text
        text.withUTF8 { bytes in splitter.split(bytes, body) }
    }

    /// A splitter whose word buffer starts with room for `capacity` bytes (it grows for longer words).
    private init(capacity: Int) {
        word = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        wordCapacity = capacity
    }

    /// Appends one byte to the word.
    @inline(__always)
    private mutating func appendToWord(_ byte: UInt8) {
        if wordCount == wordCapacity { growWord() }
        word[wordCount] = byte
        wordCount += 1
    }

    /// Doubles the word buffer, keeping what it holds.
    private mutating func growWord() {
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: wordCapacity * 2)
        larger.update(from: word, count: wordCount)
        word.deallocate()
        word = larger
        wordCapacity *= 2
    }

    private mutating func split(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) {
        var index = 0
        let count = bytes.count
        while index < count, !stopped {
            let byte = bytes[index]
            if byte < 0x80 {
                index += 1
                switch byte {
                case 0x61...0x7A, 0x30...0x39:
                    if cjkRunLength > 0 { flushCJK(body) }
                    appendToWord(byte)
                case 0x41...0x5A:
                    if cjkRunLength > 0 { flushCJK(body) }
                    appendToWord(byte + 32)
                case 0x27 where wordCount > 0:
                    continue
                default:
                    if cjkRunLength > 0 { flushCJK(body) }
                    if wordCount > 0 { flushWord(body) }
                }
                continue
            }
            // Valid UTF-8 (it comes from a String): the lead byte gives the length.
            let length = byte >= 0xF0 ? 4 : (byte >= 0xE0 ? 3 : 2)
            var value = UInt32(byte) & (length == 2 ? 0x1F : (length == 3 ? 0x0F : 0x07))
            for offset in 1..<length where index + offset < count {
                value = value << 6 | UInt32(bytes[index + offset] & 0x3F)
            }
            index += length
            let folded: Folded
            if let shared = UnicodeWordSplitter.shared(value) {
                folded = shared
            } else if let known = local[value] {
                folded = known
            } else {
                guard let original = Unicode.Scalar(value) else { continue }
                folded = UnicodeWordSplitter.others.folded(original)
                local[value] = folded
            }
            for position in folded.scalars.indices { take(folded.scalars[position], folded.kinds[position], body) }
        }
        if cjkRunLength > 0 { flushCJK(body) }
        if wordCount > 0 { flushWord(body) }
    }

    private mutating func take(
        _ scalar: Unicode.Scalar, _ kind: Kind, _ body: (UnsafeBufferPointer<UInt8>) -> Bool
    ) {
        switch kind {
        case .cjk:
            if wordCount > 0 { flushWord(body) }
            if let previous = cjkPrevious {
                pair.removeAll(keepingCapacity: true)
                UnicodeWordSplitter.append(previous.value, to: &pair)
                UnicodeWordSplitter.append(scalar.value, to: &pair)
                emit(pair, body)
            }
            cjkPrevious = scalar
            cjkRunLength += 1
        case .word:
            if cjkRunLength > 0 { flushCJK(body) }
            appendScalarToWord(scalar.value)
        case .apostrophe where wordCount > 0:
            break
        case .apostrophe, .other:
            if cjkRunLength > 0 { flushCJK(body) }
            if wordCount > 0 { flushWord(body) }
        }
    }

    private mutating func emit(_ bytes: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> Bool) {
        if !stopped { stopped = !bytes.withUnsafeBufferPointer { body($0) } }
    }

    private mutating func flushWord(_ body: (UnsafeBufferPointer<UInt8>) -> Bool) {
        if !stopped { stopped = !body(UnsafeBufferPointer(start: word, count: wordCount)) }
        wordCount = 0
    }

    /// Appends the UTF-8 encoding of the scalar `value` to the word.
    private mutating func appendScalarToWord(_ value: UInt32) {
        switch value {
        case 0..<0x80:
            appendToWord(UInt8(value))
        case 0x80..<0x800:
            appendToWord(UInt8(0xC0 | value >> 6))
            appendToWord(UInt8(0x80 | value & 0x3F))
        case 0x800..<0x10000:
            appendToWord(UInt8(0xE0 | value >> 12))
            appendToWord(UInt8(0x80 | (value >> 6) & 0x3F))
            appendToWord(UInt8(0x80 | value & 0x3F))
        default:
            appendToWord(UInt8(0xF0 | value >> 18))
            appendToWord(UInt8(0x80 | (value >> 12) & 0x3F))
            appendToWord(UInt8(0x80 | (value >> 6) & 0x3F))
            appendToWord(UInt8(0x80 | value & 0x3F))
        }
    }

    /// Ends a CJK run: a lone character is a term of its own (a run of two or more gave its bigrams).
    private mutating func flushCJK(_ body: (UnsafeBufferPointer<UInt8>) -> Bool) {
        if cjkRunLength == 1, let single = cjkPrevious {
            pair.removeAll(keepingCapacity: true)
            UnicodeWordSplitter.append(single.value, to: &pair)
            emit(pair, body)
        }
        cjkPrevious = nil
        cjkRunLength = 0
    }

    /// Appends the UTF-8 encoding of the scalar `value`.
    private static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        switch value {
        case 0..<0x80:
            bytes.append(UInt8(value))
        case 0x80..<0x800:
            bytes.append(UInt8(0xC0 | value >> 6))
            bytes.append(UInt8(0x80 | value & 0x3F))
        case 0x800..<0x10000:
            bytes.append(UInt8(0xE0 | value >> 12))
            bytes.append(UInt8(0x80 | (value >> 6) & 0x3F))
            bytes.append(UInt8(0x80 | value & 0x3F))
        default:
            bytes.append(UInt8(0xF0 | value >> 18))
            bytes.append(UInt8(0x80 | (value >> 12) & 0x3F))
            bytes.append(UInt8(0x80 | (value >> 6) & 0x3F))
            bytes.append(UInt8(0x80 | value & 0x3F))
        }
    }

    /// `original` folded as Foundation folds it (case, diacritics, width), each scalar classified.
    static func fold(_ original: Unicode.Scalar) -> Folded {
        let scalars = Array(
            String(original).folding(
                options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil
            ).unicodeScalars)
        return Folded(scalars: scalars, kinds: scalars.map(kind))
    }

    /// How `scalar` (already folded) takes part in words.
    static func kind(_ scalar: Unicode.Scalar) -> Kind {
        let value = scalar.value
        if value < 0x80 {
            if (value >= 0x61 && value <= 0x7A) || (value >= 0x30 && value <= 0x39) { return .word }
            return value == 0x27 ? .apostrophe : .other
        }
        if TextTokenizer.isCJK(scalar) { return .cjk }
        if scalar.properties.isAlphabetic || scalar.properties.numericType != nil { return .word }
        return scalar == "’" ? .apostrophe : .other
    }

    /// The scalars most non-ASCII text is made of — Latin letters with accents (U+0080–U+024F) and general
    /// punctuation such as typographic quotes and dashes (U+2000–U+206F) — folded once per process instead
    /// of once per text: asking Foundation for a fold costs microseconds, and every chunk asked again.
    private static let latin: [Folded] = (0x80..<0x250).map { fold(Unicode.Scalar(UInt32($0)) ?? " ") }
    private static let punctuation: [Folded] = (0x2000..<0x2070).map { fold(Unicode.Scalar(UInt32($0)) ?? " ") }

    /// Every other scalar met, folded once per process: looked up under a lock, so only once per text (the
    /// text's own table comes first).
    private static let others = FoldCache()

    private static func shared(_ value: UInt32) -> Folded? {
        if value < 0x250 { return latin[Int(value) - 0x80] }
        if value >= 0x2000, value < 0x2070 { return punctuation[Int(value) - 0x2000] }
        return nil
    }
}

/// Folds of scalars outside the shared tables, kept for the process and shared by every thread.
private final class FoldCache: @unchecked Sendable {
    // @unchecked: `folds` is guarded by `lock`.
    private let lock = NSLock()
    private var folds: [UInt32: UnicodeWordSplitter.Folded] = [:]

    func folded(_ scalar: Unicode.Scalar) -> UnicodeWordSplitter.Folded {
        if let known = lock.withLock({ folds[scalar.value] }) { return known }
        let folded = UnicodeWordSplitter.fold(scalar)
        // Bounded: a text of many distinct rare scalars must not grow it without end.
        lock.withLock { if folds.count < 65_536 { folds[scalar.value] = folded } }
        return folded
    }
}
