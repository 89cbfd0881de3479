/// A piece of a corpus document small enough to put in a prompt, with where it came from.
public struct Chunk: Sendable, Equatable {
    /// The chunk's text, as it will be shown and put in context.
    public var text: String
    /// The first line of the source it covers (1-based).
    public var startLine: Int
    /// The last line of the source it covers (inclusive).
    public var endLine: Int
    /// The Markdown headings above it, outermost first.
    public var headingPath: [String]
    /// The page(s) it is on, for documents that have pages (PDF).
    public var pages: PageSpan? = nil
    /// The language its document is written in (stop words and stems follow it).
    public var language: Language = .english

    /// Makes a chunk.
    public init(text: String, startLine: Int, endLine: Int, headingPath: [String]) {
        self.text = text
        self.startLine = startLine
        self.endLine = endLine
        self.headingPath = headingPath
    }
}
