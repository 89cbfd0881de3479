import WhetCore

/// The context feature's slice, as the panes draw it: what the core's `ContextSession` holds (the index's
/// status, the options, the last search with the pins first, the exclusions, top-k) copied after every change
/// the feature makes, plus what only the terminal has (the pane's list, the retrieval switch, background work
/// under way). The session is the one source; this is its picture for a frame.
public struct ContextState: Sendable {
    public var topK: Int
    /// `:retrieval on|off` (starts as `[retrieval] enabled`).
    public var retrievalEnabled: Bool
    /// Where the index stands (the pane says `opening the index…`, `updating (by …)`, or why it is unavailable).
    public var status: IndexStatus = .connecting
    public var results: [RetrievedChunk] = []
    public var excluded: Set<ChunkLocation> = []
    /// Chunks pinned by the user: always in context, listed first.
    public var pinned: [RetrievedChunk] = []
    /// Pinned chunks the current search did not return: they have no score for it (shown as `pin`).
    public var pinnedUnranked: Set<ChunkLocation> = []
    /// The retrieval pipeline in use (method, rerank, expansion), switchable from the context pane.
    public var retrievalOptions = RetrievalOptions(method: .bm25, rerank: false, expansion: .none)
    /// The queries last searched (the user's, then any a model wrote).
    public var searchedQueries: [String] = []
    /// True while a background search is running.
    public var searching = false
    /// How far opening the index has got (`indexing 120/3400`) while it brings a changed corpus up to date.
    public var openingProgress: String?
    /// True when the corpus watch heard of a change since the index was last brought up to date (the title
    /// says so; the next run indexes it first).
    public var corpusChanged = false
    /// True while chunk embeddings are being brought up to date in the background.
    public var embedding = false
    public var contextList = ListState()
    public var query = ""
    /// How the pane, the sidebar and run records name the retrieval (`hybrid+rerank`, `http`).
    public var label = "bm25"

    /// The session's values, copied (the list's position and the switches stay).
    mutating func take(_ session: ContextSession) {
        topK = session.topK
        status = session.status
        results = session.results
        excluded = session.excluded
        pinned = session.pins
        pinnedUnranked = session.unrankedPins
        retrievalOptions = session.options
        searchedQueries = session.queries
        query = session.query
        label = session.label
        corpusChanged = session.corpusChangedSinceCheck
    }
}
