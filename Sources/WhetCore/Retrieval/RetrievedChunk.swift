/// A search result: a chunk with where it came from, how it scored and why (the query terms it matched).
/// The same value goes into the prompt's context, the UI's context pane and the run record.
public struct RetrievedChunk: Sendable, Equatable, Codable {
    /// 1-based position in the result list.
    public var rank: Int
    /// The source file, relative to the workspace root.
    public var path: String
    /// First source line covered.
    public var startLine: Int
    /// Last source line covered (inclusive).
    public var endLine: Int
    /// Headings above the chunk, outermost first.
    public var headingPath: [String]
    /// The retrieval score (BM25: higher is better; comparable within one query only).
    public var score: Double
    /// Query terms found in the chunk.
    public var matchedTerms: [String]
    /// The chunk's text.
    public var text: String
    /// Each method's rank and score when several were combined (hybrid, multi-query, rerank); nil for a
    /// single method, whose score is `score`.
    public var methods: [MethodScore]?
    /// True when the user pinned the chunk: it is placed in context whatever its rank.
    public var pinned: Bool?
    /// The page(s) it is on, for documents that have pages (PDF).
    public var pages: PageSpan?

    /// Makes a result.
    public init(
        rank: Int, path: String, startLine: Int, endLine: Int, headingPath: [String], score: Double,
        matchedTerms: [String], text: String
    ) {
        self.rank = rank
        self.path = path
        self.startLine = startLine
        self.endLine = endLine
        self.headingPath = headingPath
        self.score = score
        self.matchedTerms = matchedTerms
        self.text = text
    }

    /// `path:start-end`, the form editors and `grep -n` users recognise; for a converted document the lines
    /// are those of its extracted text. This is the chunk's identity (exclusions, pins, comparisons).
    public var location: ChunkLocation { ChunkLocation(path: path, startLine: startLine, endLine: endLine) }

    /// Where a reader finds it: `manual.pdf p. 12:3-20` for a paged document (page, then lines within the
    /// page), else `location`. What citations, the context pane and `whet search` show.
    /// A chunk from an outside retriever that gave no lines is cited by its source (and page) alone.
    public var citedLocation: String {
        if let pages { return "\(path) \(pages.label)" }
        return startLine == 0 ? path : location.description
    }

    enum CodingKeys: String, CodingKey {
        case rank, path, score, text, methods, pinned, pages
        case startLine = "start_line"
        case endLine = "end_line"
        case headingPath = "heading_path"
        case matchedTerms = "matched_terms"
    }
}
