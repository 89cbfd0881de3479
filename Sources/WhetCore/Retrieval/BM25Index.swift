import Foundation

/// BM25's knobs, from `[retrieval]` in `whet.toml`. The defaults are the textbook ones (Robertson's k1 = 1.2,
/// b = 0.75, as in Lucene and tantivy), not values fitted to any one collection.
public struct BM25Parameters: Sendable, Equatable, Codable {
    /// Term-frequency saturation: how quickly repeating a word stops adding to the score.
    public var k1: Double = 1.2
    /// Length normalisation: 0 ignores chunk length, 1 divides fully by it.
    public var b: Double = 0.75
    /// How much a heading (or title) word counts compared with a body word.
    public var headingWeight: Double = 2.0
    /// Whether words are reduced to their stems (Snowball, in each document's language).
    public var stemming: Bool = true

    /// The defaults.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case k1, b, stemming
        case headingWeight = "heading_weight"
    }
}

/// whet's own inverted index: postings per term in memory, scored with BM25 term by term into one
/// accumulator per document, best `k` kept in a small heap. Built from analysed terms (`TermAnalyzer`), so
/// the same text always gives the same terms at index and query time. See docs/retrieval.md for why whet
/// keeps its own index instead of SQLite FTS5.
public struct BM25Index: Sendable {
    /// A scored document: its position in insertion order and its BM25 score.
    public struct Hit: Sendable, Equatable {
        public var document: Int
        public var score: Double
    }

    public let parameters: BM25Parameters
    var termIDs: [String: Int32] = [:]
    var terms: [String] = []
    // Postings in compressed-sparse-row form: term t's documents are postingDocuments[offsets[t]..<offsets[t+1]],
    // ascending. Documents added since the last `finish()` wait in the pending triples, one per (term, document).
    var offsets: [Int] = [0]
    var postingDocuments: [UInt32] = []
    var postingWeights: [Float] = []
    var pendingTerms: [Int32] = []
    private var pendingDocuments: [UInt32] = []
    private var pendingWeights: [Float] = []
    /// Per term: the last document it was posted for and where in the pending triples, to add up repeats.
    var lastDocument: [UInt32] = []
    var lastSlot: [Int32] = []
    var documentLengths: [Float] = []
    var totalLength: Double = 0
    /// k1 · (1 − b + b · length / average) per document, computed once after the last document is added.
    var lengthNorms: [Float] = []
    /// Documents removed since the build (a chunk's file changed); searches skip them.
    var deleted: [Bool] = []
    /// How many documents are marked deleted.
    public internal(set) var deletedCount = 0
    /// The summed length of the deleted documents (left out of the average length).
    var deletedLength: Double = 0
    /// Set when a deletion changed the average length: `finish` makes the length norms again.
    private var normsStale = false
    /// Per-query buffers, reused across searches.
    let scratch = SearchScratch()

    /// An empty index.
    public init(parameters: BM25Parameters = BM25Parameters()) {
        self.parameters = parameters
        analyzer = TermAnalyzer(stemming: parameters.stemming)
    }

    /// The languages of the documents added (ids in `Language.all`): a query is analysed in each of them.
    public internal(set) var languages: Set<UInt8> = []
    /// Analyzers of the languages other than English, by id.
    private var otherAnalyzers: [UInt8: TermAnalyzer] = [:]

    /// How many documents the index holds.
    public var documentCount: Int { documentLengths.count }

    /// Bytes held by postings, lengths and the vocabulary (strings counted by their UTF-8 length plus a
    /// 16-byte header): what "memory proportional to the index" is measured against.
    public var approximateBytes: Int {
        postingDocuments.count * 4 + postingWeights.count * 4 + offsets.count * 8 + documentLengths.count * 8
            + terms.reduce(0) { $0 + $1.utf8.count + 16 } * 2 + wordIDs.approximateBytes
    }

    /// Marks a document deleted: it is never returned again, and it no longer counts in the statistics —
    /// the number of documents and their average length (the length norms are made again by `finish`) and each
    /// term's document frequency (counted over live postings when there are deletions) — so an index updated
    /// in place scores exactly as one built afresh from the same documents. Its postings stay until the index
    /// is rebuilt.
    public mutating func delete(document: Int) {
        guard document >= 0, document < documentLengths.count else { return }
        if deleted.count < documentLengths.count {
            deleted += Array(repeating: false, count: documentLengths.count - deleted.count)
        }
        if !deleted[document] {
            deleted[document] = true
            deletedCount += 1
            deletedLength += Double(documentLengths[document])
            normsStale = true
        }
    }

    /// Counts the deleted documents and their length again from the marks (an index read from a snapshot).
    mutating func recountDeletions() {
        deletedCount = 0
        deletedLength = 0
        for (document, isDeleted) in deleted.enumerated() where isDeleted && document < documentLengths.count {
            deletedCount += 1
            deletedLength += Double(documentLengths[document])
        }
        normsStale = true
    }

    /// Documents not deleted: the N of the IDF and the average length.
    public var liveDocumentCount: Int { documentLengths.count - deletedCount }

    /// Whether document `document` was deleted.
    func isDeleted(_ document: Int) -> Bool { document < deleted.count && deleted[document] }

    /// How many distinct terms the index holds.
    public var termCount: Int { terms.count }

    /// Word → term id (−1 for a stop word) for every word seen by `add(text:heading:)`: one look-up per word
    /// instead of analysing it again.
    var wordIDs = WordTable()
    private var analyzer: TermAnalyzer

    /// Adds a document from its raw body and heading text, analysing it in `language` (the fast path for
    /// building an index from documents); returns its number. Words are remembered per language (a word of
    /// another language than English is keyed with its language's id in front), since `die` is a stop word in
    /// German and a verb in English.
    @discardableResult
    public mutating func add(text: String, heading: String, language: Language = .english) -> Int {
        let document = UInt32(documentLengths.count)
        var length: Float = 0
        let headingWeight = Float(parameters.headingWeight)
        languages.insert(language.id)
        let english = language.id == Language.english.id
        // The body, then the heading: two calls rather than a loop over an array made for every document.
        func addPart(_ part: String, weight: Float) {
            guard !part.isEmpty else { return }
            TextTokenizer.forEachWordBytes(in: part) { bytes in
                let id =
                    english
                    ? wordID(bytes, language: language)
                    : BM25Index.keyed(bytes, language: language.id) { self.wordID($0, language: language) }
                if id >= 0 { length += post(Int(id), document: document, weight: weight) }
            }
        }
        addPart(text, weight: 1)
        addPart(heading, weight: headingWeight)
        documentLengths.append(length)
        totalLength += Double(length)
        return Int(document)
    }

    /// The term id of a word (keyed as `add` keys it), analysing it the first time it is seen.
    private mutating func wordID(_ key: UnsafeBufferPointer<UInt8>, language: Language) -> Int32 {
        let hash = WordTable.hash(key)
        if let known = wordIDs.value(for: key, hash: hash) { return known }
        let word = String(
            decoding: language.id == Language.english.id ? key : UnsafeBufferPointer(rebasing: key.dropFirst()),
            as: UTF8.self)
        let term: String?
        if language.id == Language.english.id {
            term = analyzer.term(for: word)
        } else {
            // Mutated in place: taking a copy out and putting it back copied its memo of every word so far.
            term = otherAnalyzers[language.id, default: TermAnalyzer(stemming: parameters.stemming, language: language)]
                .term(for: word)
        }
        let id = term.map { termID(for: $0) } ?? -1
        wordIDs.insert(key, hash: hash, value: id)
        return id
    }

    /// Calls `body` with `bytes` preceded by the language's id: the word table's key for a word of a language
    /// other than English (ids are below 32, a byte no folded word contains).
    static func keyed<Result>(
        _ bytes: UnsafeBufferPointer<UInt8>, language: UInt8, _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: bytes.count + 1) { key in
            key[0] = language
            for (offset, byte) in bytes.enumerated() { key[offset + 1] = byte }
            return body(UnsafeBufferPointer(key))
        }
    }

    /// The analysed terms of `text`, as this index analyses documents (for queries): words already seen in
    /// documents are looked up, others analysed afresh. In an index of several languages the query is analysed
    /// in each of them and the distinct terms kept, so a German question finds German documents by their
    /// stems and English ones by theirs.
    public func analyze(_ text: String) -> [String] {
        // One language (most indexes): analysed as documents are, with nothing to merge.
        if languages.count <= 1 { return analyze(text, in: languages.first ?? Language.english.id) }
        // A word that is a stop word in the query's own language is not searched as another language's content
        // word: the English "I" of "How do I …" must not match German pages' option `-i`.
        let own = LanguageDetector.queryLanguage(text, among: languages)
        var terms: [String] = []
        var earlier = Set<String>()
        for id in languages.sorted() {
            let found = analyze(text, in: id, skipping: own.flatMap { $0.id == id ? nil : $0.stopWords })
            // A stem two languages share is searched once, not once per language.
            terms += found.filter { !earlier.contains($0) }
            earlier.formUnion(found)
        }
        return terms
    }

    /// The terms of `text` in one language, every occurrence kept.
    private func analyze(_ text: String, in id: UInt8, skipping skipped: Set<String>? = nil) -> [String] {
        var terms: [String] = []
        let english = id == Language.english.id
        TextTokenizer.forEachWordBytes(in: text) { bytes in
            if let skipped, skipped.contains(String(decoding: bytes, as: UTF8.self)) { return }
            let known: Int32? =
                english
                ? wordIDs.value(for: bytes, hash: WordTable.hash(bytes))
                : BM25Index.keyed(bytes, language: id) { wordIDs.value(for: $0, hash: WordTable.hash($0)) }
            if let known {
                if known >= 0 { terms.append(self.terms[Int(known)]) }
            } else if let term = TermAnalyzer.analyze(
                String(decoding: bytes, as: UTF8.self), stemming: parameters.stemming, language: Language.all[Int(id)])
            {
                terms.append(term)
            }
        }
        return terms
    }

    /// Adds a document from its analysed body and heading terms; returns its number (insertion order).
    @discardableResult
    public mutating func add<Body: Sequence, Heading: Sequence>(body: Body, heading: Heading) -> Int
    where Body.Element: StringProtocol, Heading.Element: StringProtocol {
        let document = UInt32(documentLengths.count)
        var length: Float = 0
        for term in body { length += post(Int(termID(for: String(term))), document: document, weight: 1) }
        let headingWeight = Float(parameters.headingWeight)
        for term in heading {
            length += post(Int(termID(for: String(term))), document: document, weight: headingWeight)
        }
        documentLengths.append(length)
        totalLength += Double(length)
        return Int(document)
    }

    mutating func termID(for term: String) -> Int32 {
        if let known = termIDs[term] { return known }
        let id = Int32(terms.count)
        termIDs[term] = id
        terms.append(term)
        lastDocument.append(UInt32.max)
        lastSlot.append(-1)
        return id
    }

    private mutating func post(_ id: Int, document: UInt32, weight: Float) -> Float {
        if lastDocument[id] == document {
            pendingWeights[Int(lastSlot[id])] += weight
        } else {
            lastDocument[id] = document
            lastSlot[id] = Int32(pendingTerms.count)
            pendingTerms.append(Int32(id))
            pendingDocuments.append(document)
            pendingWeights.append(weight)
        }
        return weight
    }

    /// Moves pending postings into the compressed rows and precomputes per-document length normalisation.
    /// Must run after adding documents and before searching.
    public mutating func finish() {
        guard lengthNorms.count != documentLengths.count || !pendingTerms.isEmpty || normsStale else { return }
        mergePending()
        normsStale = false
        let live = liveDocumentCount
        let average = live <= 0 ? 1 : max((totalLength - deletedLength) / Double(live), 1e-9)
        let k1 = parameters.k1
        let b = parameters.b
        lengthNorms = documentLengths.map { Float(k1 * (1 - b + b * Double($0) / average)) }
    }

    /// Queues `other`'s (finished) postings as pending, with terms remapped and documents shifted.
    mutating func appendPostings(of other: BM25Index, remap: [Int32], documentOffset: UInt32) {
        for term in 0..<(other.offsets.count - 1) {
            for index in other.offsets[term]..<other.offsets[term + 1] {
                pendingTerms.append(remap[term])
                pendingDocuments.append(documentOffset + other.postingDocuments[index])
                pendingWeights.append(other.postingWeights[index])
            }
        }
        documentLengths.append(contentsOf: other.documentLengths)
        totalLength += other.totalLength
    }

    /// A counting sort of the pending triples by term, appended after each term's existing postings (pending
    /// documents are all newer, so each row stays ascending).
    private mutating func mergePending() {
        guard !pendingTerms.isEmpty else { return }
        var counts = [Int](repeating: 0, count: terms.count + 1)
        for term in 0..<(offsets.count - 1) { counts[term] = offsets[term + 1] - offsets[term] }
        for term in pendingTerms { counts[Int(term)] += 1 }
        var newOffsets = [Int](repeating: 0, count: terms.count + 1)
        for term in 0..<terms.count { newOffsets[term + 1] = newOffsets[term] + counts[term] }
        var documents = [UInt32](repeating: 0, count: newOffsets[terms.count])
        var weights = [Float](repeating: 0, count: newOffsets[terms.count])
        var cursor = Array(newOffsets.dropLast())
        for term in 0..<(offsets.count - 1) {
            for index in offsets[term]..<offsets[term + 1] {
                documents[cursor[term]] = postingDocuments[index]
                weights[cursor[term]] = postingWeights[index]
                cursor[term] += 1
            }
        }
        for index in pendingTerms.indices {
            let term = Int(pendingTerms[index])
            documents[cursor[term]] = pendingDocuments[index]
            weights[cursor[term]] = pendingWeights[index]
            cursor[term] += 1
        }
        offsets = newOffsets
        postingDocuments = documents
        postingWeights = weights
        pendingTerms = []
        pendingDocuments = []
        pendingWeights = []
        for term in lastSlot.indices {
            lastSlot[term] = -1
            lastDocument[term] = UInt32.max
        }
    }
}
