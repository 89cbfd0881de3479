import Foundation

/// The retrieval settings worth trying from where a workspace stands, cheapest first: a different top_k costs
/// nothing to set up; another method needs embeddings; another chunking an index of its own (in memory, the
/// workspace's index untouched); reranking and query expansion cost model calls on every question. Settings the
/// workspace cannot use (dense search without an embedding backend, reranking by the offline backend) are
/// named with the reason instead of tried.
public enum ContextCandidates {
    /// One setting to try.
    public struct Proposal: Sendable, Equatable {
        /// What it varies (`top_k`, `method`, `chunking`, `budget`, `rerank`, `expansion`): two proposals of one
        /// group are alternatives, of different groups they can be combined.
        public var group: String
        /// `[retrieval]` keys to override.
        public var overrides: [String]
        /// Model calls the setting adds per question (reranking grades each candidate passage).
        public var callsPerQuestion: Int

        /// `top_k=10`, `chunking=sentence sentences_per_chunk=3`.
        public var label: String { overrides.joined(separator: " ") }
    }

    /// The proposals for `config`'s retrieval, and what was left out and why.
    public static func make(_ config: WorkspaceConfig) -> (proposals: [Proposal], skipped: [String]) {
        let settings = config.retrieval
        var proposals: [Proposal] = []
        var skipped: [String] = []
        var seen = Set<Int>()
        for k in [settings.topK - 2, settings.topK + 3, settings.topK * 2] where k >= 1 && k != settings.topK {
            guard seen.insert(k).inserted else { continue }
            proposals.append(Proposal(group: "top_k", overrides: ["top_k=\(k)"], callsPerQuestion: 0))
        }
        if settings.embeddingBackend != nil {
            for method in RetrievalMethod.allCases where method != settings.method {
                proposals.append(
                    Proposal(group: "method", overrides: ["method=\(method.rawValue)"], callsPerQuestion: 0))
            }
        } else {
            skipped.append("method=dense, method=hybrid: no embedding_backend is configured")
        }
        var chunkings: [[String]] = []
        switch settings.chunking {
        case .heading, .paragraph:
            let size = max(200, settings.chunkSize / 2)
            chunkings.append(["chunk_size=\(size)", "chunk_overlap=\(min(settings.chunkOverlap, size / 4))"])
        case .fixed:
            let tokens = max(32, settings.chunkTokens / 2)
            chunkings.append(["chunk_tokens=\(tokens)", "chunk_overlap_tokens=\(tokens / 8)"])
        case .sentence:
            chunkings.append(["sentences_per_chunk=\(max(1, settings.sentencesPerChunk / 2))"])
        }
        if settings.chunking != .paragraph { chunkings.append(["chunking=paragraph"]) }
        if settings.chunking != .sentence {
            chunkings.append(["chunking=sentence", "sentences_per_chunk=3", "sentence_overlap=1"])
        }
        if settings.chunking != .fixed {
            chunkings.append(["chunking=fixed", "chunk_tokens=128", "chunk_overlap_tokens=16"])
        }
        proposals += chunkings.map { Proposal(group: "chunking", overrides: $0, callsPerQuestion: 0) }
        proposals.append(
            Proposal(
                group: "budget", overrides: ["context_token_budget=\(settings.contextTokenBudget * 2)"],
                callsPerQuestion: 0))
        let rerankBackend = config.backends[settings.rerankBackend ?? config.defaultBackend]
        if settings.rerank {
            proposals.append(Proposal(group: "rerank", overrides: ["rerank=false"], callsPerQuestion: 0))
        } else if rerankBackend?.kind == .offline || rerankBackend == nil {
            skipped.append("rerank=true: the offline backend cannot grade passages (set rerank_backend)")
        } else {
            proposals.append(
                Proposal(group: "rerank", overrides: ["rerank=true"], callsPerQuestion: settings.rerankTopN))
        }
        let expansionBackend = config.backends[settings.expansionBackend ?? config.defaultBackend]
        if expansionBackend?.kind == .offline || expansionBackend == nil {
            skipped.append("query_expansion: the offline backend cannot write queries (set expansion_backend)")
        } else {
            for expansion in QueryExpansion.allCases where expansion != settings.queryExpansion {
                proposals.append(
                    Proposal(
                        group: "expansion", overrides: ["query_expansion=\(expansion.rawValue)"],
                        callsPerQuestion: expansion == .none ? 0 : 1))
            }
        }
        return (proposals, skipped)
    }
}
