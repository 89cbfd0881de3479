import WhetTestSupport
import XCTest

@testable import WhetCore

/// Core fixes found by using the workbench as a new user would: a cancelled run rated good is no training
/// example, query expansion refuses a backend that cannot write, and an unscored rerank keeps exactly the
/// order a search without reranking gives.
final class RetrievalAndDataFixesTests: XCTestCase {
    func testACancelledRunRatedGoodIsNotAFineTuningExample() throws {
        let workspace = try TestWorkspace()
        let opened = try workspace.open()
        let store = SessionStore(workspace: opened)
        let session = try store.create(title: nil)
        var partial = RunRecord(
            run: 1, id: "id-1", time: "2026-11-25T00:00:00Z",
            prompt: .init(name: "p", path: "prompts/p.prompty", hash: "abc"), variables: ["q": "A?"],
            messages: [ChatMessage(role: .system, content: "Be brief."), ChatMessage(role: .user, content: "A?")],
            retrieval: nil, backend: .init(name: "offline", kind: "offline"), model: "m", parameters: [:],
            output: "To rotate your key, first", finishReason: .cancelled, usage: nil,
            latency: .init(firstTokenMs: 1, totalMs: 2), error: nil, rating: nil)
        try store.log(session).append(partial)
        partial.run = 2
        partial.id = "id-2"
        try store.log(session).append(partial)
        let records = store.log(session).read().records
        try store.rate(RunRating(of: records[0], verdict: .good, time: "t1"), inSession: session)
        try store.rate(
            RunRating(of: records[1], verdict: .good, corrected: "The whole answer.", time: "t2"), inSession: session)
        let (candidates, skipped) = FineTuningExporter(workspace: opened).fromRatedRuns()
        XCTAssertEqual(candidates.map { $0.example.messages.last?.content }, ["The whole answer."])
        XCTAssertTrue(skipped.first?.contains("run 1: rated good but was cancelled") ?? false, "\(skipped)")
    }

    func testExpansionOnTheOfflineBackendIsRefusedWithTheReason() throws {
        let root = try DemoWorkspace.copy()
        defer { try? FileManager.default.removeItem(at: root) }
        let workspace = try Workspace.open(root: root)
        let (index, _) = try workspace.openIndex()
        var options = RetrievalOptions(workspace.config.retrieval)
        options.expansion = .multiQuery
        XCTAssertThrowsError(try WorkspaceRetriever(workspace: workspace, lexical: index, dense: nil, options: options))
        { error in
            XCTAssertTrue("\(error)".contains("query expansion (multi-query) needs a model that writes"), "\(error)")
        }
    }

    func testAnUnscoredRerankKeepsThePlainSearchsTopK() async throws {
        let root = try DemoWorkspace.copy()
        defer { try? FileManager.default.removeItem(at: root) }
        let workspace = try Workspace.open(root: root)
        let (index, _) = try workspace.openIndex()
        let dense = try await workspace.openDense(lexical: index)?.0
        let questions = [
            "How do I rotate my API key?", "Can I use SSO with SAML?", "What does the Team plan cost?",
            "Wie ändere ich mein Passwort?",
        ]
        for method in [RetrievalMethod.bm25, .hybrid] {
            var plain = RetrievalOptions(workspace.config.retrieval)
            plain.method = method
            var reranked = plain
            reranked.rerank = true
            let without = try WorkspaceRetriever(workspace: workspace, lexical: index, dense: dense, options: plain)
            let with = try WorkspaceRetriever(workspace: workspace, lexical: index, dense: dense, options: reranked)
            for question in questions {
                for topK in [3, 5] {
                    let a = try await without.retrieve(question, topK: topK)
                    let b = try await with.retrieve(question, topK: topK)
                    XCTAssertTrue(b.warnings.first?.contains("first-stage order is kept") ?? false, "\(b.warnings)")
                    XCTAssertEqual(
                        b.chunks.map(\.location), a.chunks.map(\.location), "\(method) \(question) top \(topK)")
                }
            }
        }
    }
}
