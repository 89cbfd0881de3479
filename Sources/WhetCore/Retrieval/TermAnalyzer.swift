/// Text to index terms in one language: `TextTokenizer`'s words with the language's stop words dropped and,
/// when stemming is on, the rest reduced to their Snowball stems (libstemmer). Each distinct word is analysed
/// once and remembered, so a corpus of millions of words costs one dictionary look-up per word after the
/// first few thousand. Used identically for documents and queries.
public struct TermAnalyzer: Sendable {
    /// Whether words are stemmed.
    public let stemming: Bool
    /// The language whose stop words and stemmer are used.
    public let language: Language
    /// Word → term, or nil for a stop word.
    private var memo: [String: String?] = [:]
    /// This analyzer's own stemmer, made on first use (an index build runs one analyzer per thread).
    private var stemmer: SnowballStemmer.Owned?

    /// An analyzer for `language`; with `stemming` off, terms are the tokenizer's words.
    public init(stemming: Bool, language: Language = .english) {
        self.stemming = stemming
        self.language = language
    }

    /// The term for one tokenizer word, or nil when it is a stop word.
    public mutating func term(for word: String) -> String? {
        if let known = memo[word] { return known }
        if stemming, stemmer == nil { stemmer = SnowballStemmer.Owned(algorithm: language.algorithm) }
        let term = TermAnalyzer.analyze(word, stemming: stemming, language: language, stemmer: stemmer)
        if memo.count < 1_000_000 { memo[word] = term }
        return term
    }

    /// The term for `word` without memoising it: nil for a stop word, else the word or its stem.
    public static func analyze(_ word: String, stemming: Bool, language: Language = .english) -> String? {
        analyze(word, stemming: stemming, language: language, stemmer: nil)
    }

    /// `analyze` with a stemmer of the caller's own, or one borrowed from the pool when nil.
    static func analyze(_ word: String, stemming: Bool, language: Language, stemmer: SnowballStemmer.Owned?)
        -> String?
    {
        if language.stopWords.contains(word) { return nil }
        guard stemming, word.utf8.count > 2 else { return word }
        // English stems words of ASCII letters only, as it always has: digits, other scripts and CJK bigrams
        // are names and codes, not English words.
        if language.id == Language.english.id, !word.utf8.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) { return word }
        return stemmer?.stem(word) ?? SnowballStemmer.stem(word, algorithm: language.algorithm)
    }

    /// The terms of `text`, in order.
    public mutating func terms(_ text: String) -> [String] {
        var terms: [String] = []
        TextTokenizer.forEachWord(in: text) { word in
            if let term = self.term(for: word) { terms.append(term) }
        }
        return terms
    }
}
