import WhetCore

/// The context feature's slice: what retrieval found for the prompt's input and what the user changed about
/// it (pins, exclusions, the method, top-k), with the context pane's list.
public struct ContextState: Sendable {
    public var topK: Int
    public var retrievalEnabled: Bool
    public var results: [RetrievedChunk] = []
    public var excluded: Set<String> = []
    /// Chunks pinned by the user: always in context, listed first.
    public var pinned: [RetrievedChunk] = []
    /// Pinned chunks the current search did not return: they have no score for it (shown as `pin`).
    public var pinnedUnranked: Set<String> = []
    /// The retrieval pipeline in use (method, rerank, expansion), switchable from the context pane.
    public var retrievalOptions = RetrievalOptions(method: .bm25, rerank: false, expansion: .none)
    /// The queries last searched (the user's, then any a model wrote).
    public var searchedQueries: [String] = []
    /// True while a background search is running, or the shared store is being connected to.
    public var searching = false
    /// True until the index has been opened (after the first frame).
    public var indexPending = false
    /// True while chunk embeddings are being brought up to date in the background.
    public var embedding = false
    public var contextList = ListState()
    public var query = ""

    /// How the context pane, the sidebar and run records name the retrieval: whet's pipeline (`hybrid+rerank`)
    /// or the application's retriever (`http`, `command+rerank`) when `[retrieval] kind` names one.
    func label(in workspace: Workspace) -> String {
        guard workspace.usesOutsideRetriever else { return retrievalOptions.label }
        return workspace.config.retrieval.kind.rawValue + (retrievalOptions.rerank ? "+rerank" : "")
    }
}
