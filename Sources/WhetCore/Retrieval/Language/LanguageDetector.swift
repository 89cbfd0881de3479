/// Tells which language a document is written in from its stop words: the language whose most frequent
/// function words (`the`/`and`/`of`, `der`/`und`/`die`, `le`/`et`/`les` …) make up the largest share of the
/// text wins. Cheap (the first few thousand words, a set look-up each) and sure enough for stemming, which is
/// all it is used for; a text with too few of any language's stop words (a table, a code listing, a
/// one-line note) gets the fallback.
public enum LanguageDetector {
    /// How many words are looked at.
    static let sampleWords = 3_000
    /// Fewer stop-word hits than this for every language: not enough evidence.
    static let minimumHits = 3

    /// The language of `text`, or `fallback` when its stop words say too little.
    public static func detect(_ text: String, fallback: Language = .english) -> Language {
        let candidates = Language.detectable
        var hits = Array(repeating: 0, count: candidates.count)
        var words = 0
        let table = stopWordLanguages
        let longest = longestStopWord
        hits.withUnsafeMutableBufferPointer { counts in
            // Only the sample is read: the rest of a long document cannot change what it says.
            TextTokenizer.forWordBytes(
                in: text,
                while: { bytes in
                    words += 1
                    // A word longer than every stop word is none of them: no hash, no look-up.
                    if bytes.count <= longest, var mask = table.value(for: bytes, hash: WordTable.hash(bytes)) {
                        while mask != 0 {
                            counts[mask.trailingZeroBitCount] += 1
                            mask &= mask - 1
                        }
                    }
                    return words < sampleWords
                })
        }
        guard let best = hits.indices.max(by: { hits[$0] < hits[$1] }), hits[best] >= minimumHits else {
            return fallback
        }
        // A tie (a text too short or too mixed to say) keeps the fallback when it is one of the tied.
        if let fallbackIndex = candidates.firstIndex(of: fallback), hits[fallbackIndex] == hits[best] {
            return fallback
        }
        return candidates[best]
    }

    /// The language a short query is written in, among the index's `languages` (ids), from its stop words:
    /// the one with the most hits, at least one, and no tie; nil when the query does not say (a bare list of
    /// terms). Queries are a handful of words, so one function word is evidence enough to choose between the
    /// languages the corpus holds.
    public static func queryLanguage(_ text: String, among languages: Set<UInt8>) -> Language? {
        let candidates = Language.detectable.filter { languages.contains($0.id) }
        guard candidates.count > 1 else { return nil }
        var hits = Array(repeating: 0, count: candidates.count)
        let positions = candidates.map { candidate in Language.detectable.firstIndex { $0.id == candidate.id } ?? 0 }
        TextTokenizer.forEachWordBytes(in: text) { bytes in
            guard let mask = stopWordLanguages.value(for: bytes, hash: WordTable.hash(bytes)) else { return }
            for (index, position) in positions.enumerated() where mask & (1 << position) != 0 { hits[index] += 1 }
        }
        guard let best = hits.indices.max(by: { hits[$0] < hits[$1] }), hits[best] > 0,
            hits.filter({ $0 == hits[best] }).count == 1
        else { return nil }
        return candidates[best]
    }

    /// The length in bytes of the longest stop word of a detectable language.
    static let longestStopWord: Int = Language.detectable.flatMap(\.stopWords).map(\.utf8.count).max() ?? 0

    /// Every stop word of a detectable language → the languages (bits by position in `detectable`) it is a
    /// stop word of: one look-up per word, by its bytes, without making a String.
    static let stopWordLanguages: WordTable = {
        var masks: [String: Int32] = [:]
        for (index, language) in Language.detectable.enumerated() {
            for word in language.stopWords { masks[word, default: 0] |= 1 << index }
        }
        var table = WordTable()
        for (word, mask) in masks {
            var word = word
            word.withUTF8 { table.insert($0, hash: WordTable.hash($0), value: mask) }
        }
        return table
    }()
}
