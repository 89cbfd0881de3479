/// A language whet can analyse text in: its Snowball stemming algorithm and its stop words (folded the way
/// the tokenizer folds words, so `für` is listed as `fur`). The stop words are the most frequent function
/// words of each language, after the Snowball project's lists: they are dropped from the index (they match
/// everything and explain nothing) and they are what `LanguageDetector` recognises a language by.
public struct Language: Sendable, Equatable, Hashable {
    /// ISO 639-1 code, as `[retrieval] language` takes it.
    public let code: String
    /// The Snowball algorithm's name.
    public let algorithm: String
    /// Folded stop words.
    public let stopWords: Set<String>
    /// The language's number in `Language.all`: how the index tells languages apart compactly.
    public let id: UInt8

    /// English: today's stop list, so English results do not move.
    public static let english = all[0]

    /// The language for a code (`de`) or an algorithm name (`german`), if whet has it.
    public static func named(_ name: String) -> Language? {
        let lowered = name.lowercased()
        return all.first { $0.code == lowered || $0.algorithm == lowered }
    }

    /// Every language: those with stop words first (they can be detected), then the libstemmer algorithms
    /// that only stem (chosen by code in whet.toml).
    public static let all: [Language] = {
        var languages: [Language] = []
        func add(_ code: String, _ algorithm: String, _ words: String) {
            var folded = Set<String>()
            for word in words.split(whereSeparator: \.isWhitespace) {
                TextTokenizer.forEachWord(in: String(word)) { folded.insert($0) }
            }
            languages.append(
                Language(code: code, algorithm: algorithm, stopWords: folded, id: UInt8(languages.count)))
        }
        add("en", "english", TextTokenizer.stopWords.sorted().joined(separator: " "))
        add("de", "german", StopWords.german)
        add("fr", "french", StopWords.french)
        add("es", "spanish", StopWords.spanish)
        add("it", "italian", StopWords.italian)
        add("pt", "portuguese", StopWords.portuguese)
        add("nl", "dutch", StopWords.dutch)
        add("sv", "swedish", StopWords.swedish)
        add("da", "danish", StopWords.danish)
        add("no", "norwegian", StopWords.norwegian)
        add("fi", "finnish", StopWords.finnish)
        add("ru", "russian", StopWords.russian)
        let stemOnly: [(String, String)] = [
            ("ar", "arabic"), ("hy", "armenian"), ("eu", "basque"), ("ca", "catalan"), ("el", "greek"),
            ("hi", "hindi"), ("hu", "hungarian"), ("id", "indonesian"), ("ga", "irish"), ("lt", "lithuanian"),
            ("ne", "nepali"), ("ro", "romanian"), ("sr", "serbian"), ("ta", "tamil"), ("tr", "turkish"),
            ("yi", "yiddish"),
        ]
        for (code, algorithm) in stemOnly { add(code, algorithm, "") }
        return languages
    }()

    /// The languages that can be told apart by their stop words (computed once: every file asks).
    public static let detectable: [Language] = all.filter { !$0.stopWords.isEmpty }
}
