import Foundation

/// The application's own retriever, asked instead of whet's index (`[retrieval] kind = "http"` or
/// `"command"`), so prompts and evals are measured against the retrieval that really runs in production.
/// Its chunks go where whet's own go: the context pane, `{{context}}` with citations, eval assertions,
/// `whet retrieval compare` and the advisor. The wire format is documented in docs/retrievers.md.
///
/// - `http`: `POST url` with `{"query": "…", "top_k": 5}`; the answer is `{"chunks": [...]}` or a list.
/// - `command`: `sh -c command` in the workspace root, the query on standard input, `WHET_TOP_K` in the
///   environment; the output is one JSON chunk per line.
///
/// Either is given `timeout` seconds; an answer longer than `topK` chunks is cut to `topK`.
public struct ExternalRetriever: Sendable {
    /// Which protocol it speaks.
    public let kind: RetrieverKind
    /// The URL or command, as written in `whet.toml` (what error messages name).
    public let target: String
    /// Seconds per query.
    public let timeout: Double
    /// Where a command runs.
    let workspaceRoot: URL
    /// The largest answer read, so a runaway retriever cannot fill memory.
    static let answerLimit = 32 << 20

    /// The retriever `settings` describe, or nil when they name whet's own index.
    public init?(_ settings: RetrievalSettings, workspaceRoot: URL) {
        switch settings.kind {
        case .builtin: return nil
        case .http: target = settings.url ?? ""
        case .command: target = settings.command ?? ""
        }
        kind = settings.kind
        timeout = settings.timeout
        self.workspaceRoot = workspaceRoot
    }

    /// The chunks for `query`, best first, at most `topK`, numbered from 1.
    public func retrieve(_ query: String, topK: Int) async throws -> [RetrievedChunk] {
        let chunks: [RetrievedChunk]
        do {
            chunks = kind == .http ? try await post(query, topK: topK) : try await run(query, topK: topK)
        } catch let problem as ExternalChunks.Problem {
            throw RetrievalError.external(retriever: target, message: problem.message)
        }
        return Array(chunks.prefix(topK))
    }

    /// The HTTP exchange.
    private func post(_ query: String, topK: Int) async throws -> [RetrievedChunk] {
        let body = try JSONEncoder().encode(Question(query: query, topK: topK))
        let request = HTTPTransport.Request(
            url: target, headers: [("Content-Type", "application/json"), ("Accept", "application/json")], body: body)
        let activity = HTTPTransport.Activity()
        let target = self.target
        // The connection gets half the time (async-http-client retries a refused connection until its connect
        // timeout), so a retriever that is down is named as unreachable, not as slow.
        let limit = ExternalRetriever.answerLimit
        let status: Int
        let answer: Data
        do {
            (status, answer) = try await withTimeoutWatchdog(
                HTTPTransport.TimeLimits(firstByte: timeout, idle: timeout, request: timeout), activity: activity,
                timeoutError: { _, seconds in
                    RetrievalError.external(retriever: target, message: "no answer within \(Int(seconds)) s")
                }
            ) {
                var collected = Data()
                let result = try await HTTPTransport(connectTimeout: min(10, self.timeout / 2)).send(
                    request, activity: activity
                ) { buffer in
                    guard collected.count + buffer.readableBytes <= limit else {
                        throw RetrievalError.external(
                            retriever: target, message: "the answer is larger than \(limit >> 20) MB")
                    }
                    collected.append(contentsOf: buffer.readableBytesView)
                }
                return (result.status, result.errorBody ?? collected)
            }
        } catch let error as RetrievalError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw RetrievalError.external(retriever: target, message: "cannot reach it (\(error))")
        }
        guard (200..<300).contains(status) else {
            throw RetrievalError.external(
                retriever: target, message: "answered HTTP \(status): \(ExternalChunks.preview(answer))")
        }
        return try ExternalChunks.fromResponse(answer)
    }

    /// What an HTTP retriever is sent.
    private struct Question: Encodable {
        var query: String
        var topK: Int
        enum CodingKeys: String, CodingKey {
            case query
            case topK = "top_k"
        }
    }

    /// The command's run, on a thread of its own (it blocks while the program works).
    private func run(_ query: String, topK: Int) async throws -> [RetrievedChunk] {
        let target = self.target
        let timeout = self.timeout
        let root = workspaceRoot
        let outcome = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result {
                        do {
                            return try ChildProcess.run(
                                "/bin/sh", ["-c", target], input: Data((query + "\n").utf8), timeout: timeout,
                                environment: ["WHET_TOP_K": String(topK)], directory: root)
                        } catch {
                            throw RetrievalError.external(
                                retriever: target,
                                message: "cannot start it in \(root.path) (\(error.localizedDescription))")
                        }
                    })
            }
        }
        if outcome.timedOut {
            throw RetrievalError.external(retriever: target, message: "no answer within \(Int(timeout)) s")
        }
        guard outcome.status == 0 else {
            throw RetrievalError.external(
                retriever: target,
                message: "exited with status \(outcome.status)"
                    + (outcome.lastErrorLine.map { ": \($0)" } ?? " and wrote nothing on standard error"))
        }
        guard outcome.stdout.count <= ExternalRetriever.answerLimit else {
            throw RetrievalError.external(
                retriever: target, message: "the answer is larger than \(ExternalRetriever.answerLimit >> 20) MB")
        }
        return try ExternalChunks.fromLines(outcome.stdout)
    }
}
