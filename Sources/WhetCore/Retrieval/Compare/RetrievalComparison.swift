import Foundation

/// `whet retrieval compare`: runs the eval cases that say what retrieval should find — expected source files
/// (`metadata.expected_sources`) or expected facts (`context-recall` assertions) — under several retrieval
/// settings and scores each: hit rate (an expected source in the top k), recall@k over expected sources,
/// MRR (1 / rank of the first chunk from an expected source, or containing a fact when no source is given)
/// and fact recall (expected facts found, case-insensitively, in the top-k text).
public enum RetrievalComparison {
    /// An eval case reduced to what retrieval is judged on.
    public struct JudgedCase: Sendable {
        public var label: String
        public var variables: [String: String]
        public var sources: [String]
        public var facts: [String]
    }

    /// One case's result under one setting.
    public struct CaseResult: Sendable, Equatable {
        public var label: String
        public var hit: Bool
        public var recall: Double?
        public var reciprocalRank: Double
        public var factRecall: Double?
    }

    /// One setting's scores over all judged cases.
    public struct Score: Sendable {
        public var variant: String
        public var method: String
        public var cases: [CaseResult]
        public var secondsPerQuery: Double

        public var hitRate: Double { mean(cases.map { $0.hit ? 1 : 0 }) ?? 0 }
        public var recall: Double? { mean(cases.compactMap(\.recall)) }
        public var meanReciprocalRank: Double { mean(cases.map(\.reciprocalRank)) ?? 0 }
        public var factRecall: Double? { mean(cases.compactMap(\.factRecall)) }

        func mean(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
    }

    /// The workspace's cases that carry expected sources or facts, from every eval file (or `files`).
    public static func judgedCases(in workspace: Workspace, files: [URL]? = nil) throws -> [JudgedCase] {
        var judged: [JudgedCase] = []
        for url in files ?? workspace.evalFiles() {
            for item in try EvalFile.load(url, displayPath: workspace.display(url), limits: workspace.config.limits) {
                let label = item.description ?? "\(workspace.display(url)):\(item.location.line ?? 0)"
                if let one = Self.judged(item, label: label) { judged.append(one) }
            }
        }
        return judged
    }

    /// What `item` says retrieval should find (expected sources, context-recall facts), or nil when it says
    /// nothing retrieval could be judged on.
    public static func judged(_ item: EvalCase, label: String) -> JudgedCase? {
        let sources =
            item.metadata["expected_sources"]?.arrayValue?.compactMap(\.stringValue)
            ?? item.metadata["expected_sources"]?.stringValue.map { [$0] } ?? []
        let facts = item.assertions.filter { $0.type == "context-recall" }.flatMap { assertion -> [String] in
            if let text = assertion.value?.stringValue { return [text] }
            return assertion.value?.arrayValue?.compactMap(\.stringValue) ?? []
        }
        guard !sources.isEmpty || !facts.isEmpty else { return nil }
        let variables = item.vars.mapValues { $0.stringValue ?? "\($0)" }
        return JudgedCase(label: label, variables: variables, sources: sources, facts: facts)
    }

    /// Scores one setting: opens its indexes (a chunking that differs from `whet.toml`'s gets its own
    /// in-memory index, so the workspace's index is left alone), then searches every case.
    public static func score(
        _ variant: RetrievalVariant, base: Workspace, cases: [JudgedCase], promptName: String?,
        topK: Int?
    ) async throws -> Score {
        let (workspace, retriever) = try await open(variant, base: base)
        let settings = workspace.config.retrieval
        let prompt = try PromptFile.load(
            try workspace.promptURL(named: promptName),
            displayPath: workspace.display(try workspace.promptURL(named: promptName)))
        let k = topK ?? settings.topK
        var results: [CaseResult] = []
        if let first = cases.first {  // warm-up: the in-memory index and query embedding cache are built here
            _ = try await retriever.retrieve(
                try RunPlan.queryText(
                    prompt: prompt, variables: prompt.resolveVariables(first.variables),
                    settings: settings), topK: k)
        }
        let started = Date()
        for item in cases {
            let query = try RunPlan.queryText(
                prompt: prompt, variables: prompt.resolveVariables(item.variables), settings: settings)
            let chunks = try await retriever.retrieve(query, topK: k).chunks
            results.append(judge(chunks, against: item))
        }
        let seconds = Date().timeIntervalSince(started) / Double(max(1, cases.count))
        return Score(variant: variant.name, method: retriever.method, cases: results, secondsPerQuery: seconds)
    }

    /// `base` with `variant`'s settings and a retriever for them. A chunking that differs from `whet.toml`'s is
    /// indexed apart, in memory, so the workspace's own index is never touched; the same chunking reuses the
    /// on-disk chunk store (BM25 parameters apply when the in-memory index is built).
    public static func open(_ variant: RetrievalVariant, base: Workspace) async throws -> (
        Workspace, WorkspaceRetriever
    ) {
        let workspace = try variant.apply(to: base)
        let settings = workspace.config.retrieval
        let lexical: LexicalIndex
        if workspace.usesOutsideRetriever {
            lexical = try LexicalIndex(url: nil)
        } else if settings.chunkingSignature == base.config.retrieval.chunkingSignature
            && settings.corpus == base.config.retrieval.corpus
        {
            let (opened, _) = try base.openIndex()
            lexical = try opened.reopened(parameters: settings.bm25)
        } else {
            lexical = try LexicalIndex(url: nil, parameters: settings.bm25)
            _ = try CorpusIndexer(workspace: workspace, index: lexical).update()
        }
        let dense = workspace.usesOutsideRetriever ? nil : try await workspace.openDense(lexical: lexical)?.0
        let retriever = try WorkspaceRetriever(
            workspace: workspace, lexical: lexical, dense: dense, options: RetrievalOptions(settings))
        return (workspace, retriever)
    }

    /// Scores one case's results.
    static func judge(_ chunks: [RetrievedChunk], against item: JudgedCase) -> CaseResult {
        let expected = Set(item.sources)
        let found = Set(chunks.map(\.path)).intersection(expected)
        let facts = item.facts.map { $0.lowercased() }
        func containsFact(_ chunk: RetrievedChunk) -> Bool {
            let text = chunk.text.lowercased()
            return facts.contains { text.contains($0) }
        }
        let firstRelevant = chunks.firstIndex { expected.isEmpty ? containsFact($0) : expected.contains($0.path) }
        let allText = chunks.map { $0.text.lowercased() }.joined(separator: "\n")
        let factRecall = facts.isEmpty ? nil : Double(facts.filter { allText.contains($0) }.count) / Double(facts.count)
        let hit = expected.isEmpty ? (factRecall ?? 0) >= 1 : !found.isEmpty
        return CaseResult(
            label: item.label, hit: hit, recall: expected.isEmpty ? nil : Double(found.count) / Double(expected.count),
            reciprocalRank: firstRelevant.map { 1 / Double($0 + 1) } ?? 0, factRecall: factRecall)
    }
}
