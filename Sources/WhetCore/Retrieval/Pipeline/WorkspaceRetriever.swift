import Foundation

/// Which retrieval a search uses; the UI switches these without touching `whet.toml`.
public struct RetrievalOptions: Sendable, Equatable {
    public var method: RetrievalMethod
    public var rerank: Bool
    public var expansion: QueryExpansion

    /// Options as written.
    public init(method: RetrievalMethod, rerank: Bool, expansion: QueryExpansion) {
        self.method = method
        self.rerank = rerank
        self.expansion = expansion
    }

    /// The workspace's configured options.
    public init(_ settings: RetrievalSettings) {
        self.init(method: settings.method, rerank: settings.rerank, expansion: settings.queryExpansion)
    }

    /// `bm25`, `hybrid+rerank`, `dense+hyde` …: how titles, records and `whet search` name the pipeline.
    public var label: String {
        var label = method.rawValue
        if expansion != .none { label += "+" + expansion.rawValue }
        if rerank { label += "+rerank" }
        return label
    }
}

/// What a search found and how: the chunks, and every query that was searched (the original first, then
/// any a model wrote), so the user sees what was really looked for.
public struct RetrievalOutcome: Sendable, Equatable {
    public var chunks: [RetrievedChunk]
    public var queries: [String]
    public var method: String
    /// Problems that did not stop the search (a reranker answer without a number).
    public var warnings: [String]

    /// Makes an outcome.
    public init(chunks: [RetrievedChunk], queries: [String], method: String, warnings: [String] = []) {
        self.chunks = chunks
        self.queries = queries
        self.method = method
        self.warnings = warnings
    }
}

/// Anything that answers a query with ranked chunks: the whole pipeline below, or just the lexical index.
public protocol ChunkRetriever: Sendable {
    /// The pipeline's name as shown in titles and records (`bm25`, `hybrid+rerank`).
    var method: String { get }
    /// The best `topK` chunks for `query`.
    func retrieve(_ query: String, topK: Int) async throws -> RetrievalOutcome
    /// What the retriever searches, as a hash of every indexed file's path and content (nil when unknown: an
    /// application's own retriever). An eval's identity includes it, so an eval run after the corpus changed
    /// is a new eval instead of a resume that would report answers made from the old corpus.
    func contentFingerprint() throws -> String?
}

extension ChunkRetriever {
    /// Unknown unless the retriever says.
    public func contentFingerprint() throws -> String? { nil }
}

extension LexicalIndex {
    public func retrieve(_ query: String, topK: Int) async throws -> RetrievalOutcome {
        RetrievalOutcome(chunks: try search(query, topK: topK), queries: [query], method: method)
    }
}

/// A workspace's retrieval pipeline: optional query expansion → lexical and/or dense first stage → fusion →
/// optional model reranking → top k. Each result keeps every method's rank and score.
public final class WorkspaceRetriever: ChunkRetriever {
    public let lexical: LexicalIndex
    public let dense: DenseRetriever?
    public let options: RetrievalOptions
    /// The application's own retriever when `[retrieval] kind` names one: it replaces the first stage
    /// (expansion and fusion are its own business); reranking still applies.
    public let external: ExternalRetriever?
    let settings: RetrievalSettings
    let reranker: Reranker?
    let expander: QueryExpander?

    /// Builds the pipeline `options` ask for. Dense and hybrid need `dense`; reranking and expansion need
    /// chat backends, which `workspace` provides (`rerank_backend`, `expansion_backend`, else the default),
    /// wrapped in the response cache.
    public init(workspace: Workspace, lexical: LexicalIndex, dense: DenseRetriever?, options: RetrievalOptions) throws {
        let settings = workspace.config.retrieval
        let external = ExternalRetriever(settings, workspaceRoot: workspace.root)
        if external == nil, options.method != .bm25, dense == nil {
            throw RetrievalError.dense(
                "\(options.method.rawValue) search needs embeddings: set [retrieval] embedding_backend (and embedding_model for an OpenAI-compatible backend) in whet.toml"
            )
        }
        func chatBackend(_ name: String?) throws -> any ModelBackend {
            let config = try workspace.config.backend(named: name)
            return makeBackend(
                config, workspaceRoot: workspace.root,
                cacheDirectory: workspace.isWritable ? workspace.cacheDirectory : nil)
        }
        var reranker: Reranker? = nil
        if options.rerank {
            // The offline backend quotes sentences: a number in one ("90 days") would be read as a grade.
            let config = try workspace.config.backend(named: settings.rerankBackend)
            guard config.kind != .offline else {
                throw RetrievalError.dense(
                    "reranking needs a model that grades passages: the backend '\(config.name)' is whet's offline backend, "
                        + "which only quotes documents; set [retrieval] rerank_backend to a language model")
            }
            var template = Reranker.defaultTemplate
            if let path = settings.rerankPrompt {
                let url = workspace.root.appendingPathComponent(path)
                guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                    throw RetrievalError.dense(
                        "cannot read the rerank prompt \(path) named by [retrieval] rerank_prompt")
                }
                template = text
            }
            reranker = Reranker(backend: try chatBackend(settings.rerankBackend), template: template)
        }
        if options.expansion != .none {
            // Expansion asks a model to write queries or a passage; the offline backend only quotes documents, so
            // it would "expand" the query with its own boilerplate and push the right chunk down.
            let config = try workspace.config.backend(named: settings.expansionBackend)
            guard config.kind != .offline else {
                throw RetrievalError.dense(
                    "query expansion (\(options.expansion.rawValue)) needs a model that writes: the backend "
                        + "'\(config.name)' is whet's offline backend, which only quotes documents; set "
                        + "[retrieval] expansion_backend to a language model")
            }
        }
        self.expander =
            options.expansion == .none
            ? nil : QueryExpander(backend: try chatBackend(settings.expansionBackend), mode: options.expansion)
        self.reranker = reranker
        self.external = external
        self.lexical = lexical
        self.dense = dense
        self.options = options
        self.settings = settings
    }

    /// The index's, unless an outside retriever replaces the first stage (what it searches is its own).
    public func contentFingerprint() throws -> String? {
        external == nil ? try lexical.contentFingerprint() : nil
    }

    public var method: String {
        guard let external else { return options.label }
        return external.kind.rawValue + (options.rerank ? "+rerank" : "")
    }

    /// Whether a search calls a model, an embedder or an outside retriever (and so must run in the
    /// background in the UI).
    public var needsModels: Bool {
        external != nil || options.method != .bm25 || options.rerank || options.expansion != .none
    }

    /// The lexical-only search, synchronously, when no model is involved; nil otherwise.
    public func retrieveWithoutModels(_ query: String, topK: Int) throws -> RetrievalOutcome? {
        guard !needsModels else { return nil }
        return RetrievalOutcome(chunks: try lexical.search(query, topK: topK), queries: [query], method: method)
    }

    public func retrieve(_ query: String, topK: Int) async throws -> RetrievalOutcome {
        guard topK > 0 else { return RetrievalOutcome(chunks: [], queries: [query], method: method) }
        let firstStage = options.rerank ? max(topK, settings.rerankTopN) : topK
        if let external {
            let chunks = try lexical.marked(try await external.retrieve(query, topK: firstStage), matching: query)
            return try await reranked(chunks, query: query, queries: [query], topK: topK, plain: { chunks })
        }
        var queries = [query]
        if let expander { queries += try await expander.expand(query) }
        let chunks = try await self.firstStage(queries, query: query, depthFor: firstStage)
        let asked = queries
        return try await reranked(
            chunks, query: query, queries: queries, topK: topK,
            plain: { try await self.firstStage(asked, query: query, depthFor: topK) })
    }

    /// The first stage (lexical and/or dense over every query, fused) taken `n` deep: what a search without
    /// reranking returns for `n`.
    private func firstStage(_ queries: [String], query: String, depthFor n: Int) async throws -> [RetrievedChunk] {
        // Fused lists are taken deeper than k so a chunk ranked moderately by both methods can win.
        let depth = (options.method == .hybrid || queries.count > 1) ? max(n * 2, 20) : n
        var lists: [(method: String, ranked: Fusion.Ranked)] = []
        var weights: [Double] = []
        for (index, text) in queries.enumerated() {
            let suffix = index == 0 ? "" : " q\(index + 1)"
            if options.method != .dense {
                lists.append(("bm25" + suffix, try lexical.rankedChunkIDs(text, topK: depth)))
                weights.append(options.method == .hybrid ? 1 - settings.denseWeight : 1)
            }
            if options.method != .bm25, let dense {
                let vector = try await dense.embedQuery(text)
                lists.append(("dense" + suffix, try dense.search(vector, topK: depth)))
                weights.append(options.method == .hybrid ? settings.denseWeight : 1)
            }
        }
        if lists.count == 1, let only = lists.first {
            return try lexical.results(for: Array(only.ranked.prefix(n)), matching: query)
        }
        let fused =
            settings.fusion == .rrf
            ? Fusion.reciprocalRank(lists, k: settings.rrfK) : Fusion.weighted(lists, weights: weights)
        let kept = Array(fused.prefix(n))
        var chunks = try lexical.results(for: kept.map { ($0.chunkID, $0.score) }, matching: query)
        let parts = Dictionary(uniqueKeysWithValues: kept.map { ($0.chunkID, $0.parts) })
        let ids = kept.map(\.chunkID)
        for index in chunks.indices where index < ids.count { chunks[index].methods = parts[ids[index]] }
        return chunks
    }

    /// The first stage's chunks reranked by the model when reranking is on, cut to `topK` and numbered.
    /// `plain` is the search without reranking, which an unscored rerank falls back to (the first stage taken
    /// deeper for the reranker can order its top k differently, e.g. fused lists normalised over more items).
    private func reranked(
        _ firstStage: [RetrievedChunk], query: String, queries: [String], topK: Int,
        plain: () async throws -> [RetrievedChunk]
    ) async throws -> RetrievalOutcome {
        var chunks = firstStage
        var warnings: [String] = []
        if let reranker, !chunks.isEmpty {
            let scores = try await reranker.scores(query: query, passages: chunks.map(\.text))
            let unscored = scores.filter { $0 == nil }.count
            if unscored == scores.count {
                warnings.append(
                    "rerank: no answer held a score, so the first-stage order is kept; the reranking backend must be a model that can grade passages (set [retrieval] rerank_backend)"
                )
                let kept = Array(try await plain().prefix(topK))
                return RetrievalOutcome(chunks: kept, queries: queries, method: method, warnings: warnings)
            } else if unscored > 0 {
                warnings.append(
                    "rerank: \(unscored) of \(scores.count) answers held no score; those chunks keep their first-stage order, after the scored ones"
                )
            }
            let order = chunks.indices.sorted { a, b in
                switch (scores[a], scores[b]) {
                case (let x?, let y?): return x != y ? x > y : a < b
                case (.some, nil): return true
                case (nil, .some): return false
                case (nil, nil): return a < b
                }
            }
            chunks = order.enumerated().map { newRank, old in
                var chunk = chunks[old]
                var parts =
                    chunk.methods ?? [MethodScore(method: options.method.rawValue, rank: old + 1, score: chunk.score)]
                if let score = scores[old] {
                    parts.append(MethodScore(method: "rerank", rank: newRank + 1, score: score))
                    chunk.score = score
                }
                chunk.methods = parts
                return chunk
            }
        }
        chunks = Array(chunks.prefix(topK))
        for index in chunks.indices { chunks[index].rank = index + 1 }
        return RetrievalOutcome(chunks: chunks, queries: queries, method: method, warnings: warnings)
    }
}

extension Workspace {
    /// Whether searches go to the application's own retriever (`[retrieval] kind = "http"` or `"command"`)
    /// instead of whet's index of the corpus, which is then neither built nor embedded.
    public var usesOutsideRetriever: Bool { config.retrieval.kind != .builtin }

    /// The embedding cache's file.
    public var embeddingStoreURL: URL { derivedDirectory.appendingPathComponent("embeddings.sqlite") }

    /// Where one model's vectors for every chunk are kept between processes (`.whet/dense-….idx`; the
    /// shared store's apart from the local index's), named by a digest of the model so any name is safe.
    func denseSnapshotURL(model: String, shared: Bool) -> URL {
        derivedDirectory.appendingPathComponent(
            "dense\(shared ? "-store" : "")-\(HexDigest.sha256(model).prefix(16)).idx")
    }

    /// The dense retriever for this workspace's embedder, its vectors brought up to date with the chunk
    /// store (embedding only what changed); nil when no embedding backend is configured.
    public func openDense(lexical: LexicalIndex, progress: DenseRetriever.Progress? = nil) async throws -> (
        DenseRetriever, DenseRetriever.Report
    )? {
        guard let embedder = try embedder() else { return nil }
        let local = try EmbeddingStore(url: isWritable ? embeddingStoreURL : nil)
        let shared = try (lexical.store as? PostgresChunkStore).map { try PostgresEmbeddingStore($0) }
        let dense = DenseRetriever(
            lexical: lexical, embedder: embedder, store: shared ?? local, queryCache: local,
            snapshotURL: isWritable ? denseSnapshotURL(model: embedder.model, shared: shared != nil) : nil,
            batchSize: config.retrieval.embeddingBatchSize, concurrency: config.retrieval.embeddingConcurrency)
        let report = try await dense.update(progress: progress)
        return (dense, report)
    }

    /// The whole pipeline as `whet.toml` configures it (options overridable), indexes brought up to date.
    /// `waitingFor`: as in `openIndex` (the CLI waits for another process's index update and says so, so a
    /// run or an eval never searches a half-updated index).
    public func openRetriever(
        options: RetrievalOptions? = nil, waitingFor: ((FileLock.Holder?) -> Void)? = nil,
        indexProgress: CorpusIndexer.Progress? = nil,
        denseProgress: DenseRetriever.Progress? = nil
    ) async throws -> (WorkspaceRetriever, CorpusIndexer.Report) {
        let (session, report) = try await ContextSession.open(
            self, options: options, waitingFor: waitingFor, indexProgress: indexProgress, denseProgress: denseProgress)
        return (try session.requireRetriever(), report)
    }
}
