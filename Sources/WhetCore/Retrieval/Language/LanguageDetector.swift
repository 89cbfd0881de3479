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
        // Only the sample is read: the rest of a long document cannot change what it says.
        TextTokenizer.forWordBytes(
            in: text,
            while: { bytes in
                words += 1
                if let mask = stopWordLanguages.value(for: bytes, hash: WordTable.hash(bytes)) {
                    for index in candidates.indices where mask & (1 << index) != 0 { hits[index] += 1 }
                }
                return words < sampleWords
            })
        guard let best = hits.indices.max(by: { hits[$0] < hits[$1] }), hits[best] >= minimumHits else {
            return fallback
        }
        // A tie (a text too short or too mixed to say) keeps the fallback when it is one of the tied.
        if let fallbackIndex = candidates.firstIndex(of: fallback), hits[fallbackIndex] == hits[best] {
            return fallback
        }
        return candidates[best]
    }

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
