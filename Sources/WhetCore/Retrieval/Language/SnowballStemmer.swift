import CStemmer
import Foundation

/// The Snowball project's stemmers through its C library (libstemmer), one algorithm per language. A
/// stemmer object is not thread-safe, so they are kept in a pool: a caller borrows one for a word and gives
/// it back, and each thread ends up with its own without a lock held while stemming.
public enum SnowballStemmer {
    /// The algorithms the installed library has (`english`, `german` …).
    public static let algorithms: Set<String> = {
        var names = Set<String>()
        guard var list = sb_stemmer_list() else { return names }
        while let name = list.pointee {
            names.insert(String(cString: name))
            list += 1
        }
        return names
    }()

    /// The stem of `word` (lower-case UTF-8) by `algorithm`; the word itself when the algorithm is unknown.
    public static func stem(_ word: String, algorithm: String) -> String {
        guard let stemmer = pool.borrow(algorithm) else { return word }
        defer { pool.giveBack(stemmer, algorithm) }
        return stem(word, with: stemmer)
    }

    /// One stemmer owned by one analyzer (which one thread uses): no pool, no lock per word.
    final class Owned: @unchecked Sendable {
        // @unchecked: used by the analyzer that made it, on that analyzer's thread.
        private let stemmer: OpaquePointer

        init?(algorithm: String) {
            guard SnowballStemmer.algorithms.contains(algorithm), let made = sb_stemmer_new(algorithm, "UTF_8") else {
                return nil
            }
            stemmer = made
        }

        deinit { sb_stemmer_delete(stemmer) }

        func stem(_ word: String) -> String { SnowballStemmer.stem(word, with: stemmer) }
    }

    /// `word` stemmed by `stemmer`.
    static func stem(_ word: String, with stemmer: OpaquePointer) -> String {
        var word = word
        return word.withUTF8 { bytes -> String in
            guard let base = bytes.baseAddress, let stemmed = sb_stemmer_stem(stemmer, base, Int32(bytes.count)) else {
                return String(decoding: bytes, as: UTF8.self)
            }
            let length = Int(sb_stemmer_length(stemmer))
            return String(decoding: UnsafeBufferPointer(start: stemmed, count: length), as: UTF8.self)
        }
    }

    private static let pool = Pool()

    /// Idle stemmers by algorithm, guarded by a lock; each is used by one thread at a time.
    private final class Pool: @unchecked Sendable {
        // @unchecked: `idle` is guarded by `lock`; a borrowed stemmer belongs to its borrower alone.
        private let lock = NSLock()
        private var idle: [String: [OpaquePointer]] = [:]

        func borrow(_ algorithm: String) -> OpaquePointer? {
            if let stemmer = lock.withLock({ idle[algorithm]?.popLast() }) { return stemmer }
            guard SnowballStemmer.algorithms.contains(algorithm) else { return nil }
            return sb_stemmer_new(algorithm, "UTF_8")
        }

        func giveBack(_ stemmer: OpaquePointer, _ algorithm: String) {
            lock.withLock { idle[algorithm, default: []].append(stemmer) }
        }
    }
}
