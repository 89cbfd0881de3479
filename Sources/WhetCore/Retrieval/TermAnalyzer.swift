/// Text to index terms: `TextTokenizer`'s words with stop words dropped and, when stemming is on, English
/// words stemmed. Each distinct word is analysed once and remembered, so a corpus of millions of words costs
/// one dictionary look-up per word after the first few thousand. Used identically for documents and queries.
public struct TermAnalyzer: Sendable {
    /// Whether English words are stemmed.
    public let stemming: Bool
    /// Word → term, or nil for a stop word.
    private var memo: [String: String?] = [:]

    /// An analyzer; with `stemming` off, terms are the tokenizer's words.
    public init(stemming: Bool) {
        self.stemming = stemming
    }

    /// The term for one tokenizer word, or nil when it is a stop word.
    public mutating func term(for word: String) -> String? {
        if let known = memo[word] { return known }
        let term = TermAnalyzer.analyze(word, stemming: stemming)
        if memo.count < 1_000_000 { memo[word] = term }
        return term
    }

    /// The term for `word` without memoising it: nil for a stop word, else the word or its stem.
    public static func analyze(_ word: String, stemming: Bool) -> String? {
        TextTokenizer.stopWords.contains(word) ? nil : (stemming ? EnglishStemmer.stem(word) : word)
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
