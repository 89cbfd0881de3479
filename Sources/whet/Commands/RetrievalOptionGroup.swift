import ArgumentParser
import Foundation
import WhetCore

extension RetrievalMethod: ExpressibleByArgument {}
extension QueryExpansion: ExpressibleByArgument {}

/// `--method`, `--rerank`, `--expand`: one search's retrieval pipeline, overriding `[retrieval]`.
struct RetrievalOptionGroup: ParsableArguments {
    @Option(help: "Retrieval method: bm25, dense or hybrid (default: [retrieval] method).")
    var method: RetrievalMethod?

    @Flag(inversion: .prefixedNo, help: "Rerank the first-stage results with a model (default: [retrieval] rerank).")
    var rerank: Bool?

    @Option(help: "Query expansion: none, multi-query or hyde (default: [retrieval] query_expansion).")
    var expand: QueryExpansion?

    /// The workspace's options with these overrides.
    func options(for workspace: Workspace) -> RetrievalOptions {
        var options = RetrievalOptions(workspace.config.retrieval)
        if let method { options.method = method }
        if let rerank { options.rerank = rerank }
        if let expand { options.expansion = expand }
        return options
    }

    /// Opens the workspace's context session with these options, showing indexing and embedding progress.
    func openContext(_ workspace: Workspace, topK: Int? = nil) async throws -> ContextSession {
        try await Self.openContext(workspace, options: options(for: workspace), topK: topK)
    }

    /// Opens a context session with `options` (commands without the retrieval flags use whet.toml's): the
    /// CLI waits for another process's index update, saying whose, and shows progress.
    static func openContext(_ workspace: Workspace, options: RetrievalOptions, topK: Int? = nil) async throws
        -> ContextSession
    {
        let started = Date()
        let (session, report) = try await ContextSession.open(
            workspace, options: options, topK: topK,
            waitingFor: { holder in
                Terminal.note(
                    "waiting for \(holder.map(\.description) ?? "another whet process") to finish updating the index…")
            },
            indexProgress: { done, total, path in Terminal.progress("indexing \(done)/\(total) \(path)") },
            denseProgress: { done, total in
                Terminal.progressBar("embedding", done: done, total: total, started: started)
            })
        Terminal.clearProgress()
        for warning in report.warnings { Terminal.warn(warning.description) }
        return session
    }

    /// The pipeline of a context session opened with `options`.
    static func openRetriever(_ workspace: Workspace, options: RetrievalOptions) async throws -> WorkspaceRetriever {
        try await openContext(workspace, options: options).requireRetriever()
    }
}
