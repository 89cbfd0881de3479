import Foundation
import WhetTestSupport
import XCTest

@testable import WhetCore

/// Dense retrieval costs nothing until a method uses it, and then one file read when nothing changed: the
/// vectors of every chunk are kept in a snapshot, and only chunks added since are hashed and looked up.
final class DenseSnapshotTests: XCTestCase {
    override func setUp() {
        setlocale(LC_ALL, "C.UTF-8")
        setenv("WHET_TEST_EMBED_KEY", "test-key", 1)
    }

    func config(_ server: TestModelServer, method: String) -> String {
        """
        name = "dense"
        default_prompt = "answer"
        default_backend = "offline"

        [backends.offline]
        kind = "offline"

        [backends.remote]
        kind = "openai"
        model = "chat-small"
        base_url = "\(server.baseURL)/v1"
        api_key_env = "WHET_TEST_EMBED_KEY"
        max_retries = 0

        [retrieval]
        method = "\(method)"
        embedding_backend = "remote"
        embedding_model = "embed-small"
        """
    }

    func embeddingRequests(_ server: TestModelServer) -> Int {
        server.requests.filter { $0.path.hasSuffix("/embeddings") }.count
    }

    func testALexicalSearchOpensNoEmbeddings() async throws {
        let server = try DenseRetrievalTests.server()
        defer { server.stop() }
        let files = try TestWorkspace(config: config(server, method: "bm25"), files: DenseRetrievalTests.files)
        let (retriever, _) = try await files.open().openRetriever()
        XCTAssertNil(retriever.dense)
        let outcome = try await retriever.retrieve("rotate a key", topK: 1)
        XCTAssertEqual(outcome.chunks.first?.path, "corpus/keys.md")
        XCTAssertEqual(embeddingRequests(server), 0)
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: files.root.appendingPathComponent(".whet/embeddings.sqlite").path))
    }

    func testVectorsComeFromTheSnapshotWithoutTheCache() async throws {
        let server = try DenseRetrievalTests.server()
        defer { server.stop() }
        let files = try TestWorkspace(config: config(server, method: "dense"), files: DenseRetrievalTests.files)
        let workspace = try files.open()
        let (lexical, _) = try workspace.openIndex()
        let first = try await workspace.openDense(lexical: lexical)
        XCTAssertEqual(first?.1, DenseRetriever.Report(embedded: 3, reused: 0))
        let snapshots = try FileManager.default.contentsOfDirectory(atPath: workspace.derivedDirectory.path)
            .filter { $0.hasPrefix("dense-") && $0.hasSuffix(".idx") }
        XCTAssertEqual(snapshots.count, 1)

        // Without the cache, the vectors can only come from the snapshot.
        try FileManager.default.removeItem(at: workspace.embeddingStoreURL)
        let before = embeddingRequests(server)
        let second = try await workspace.openDense(lexical: try LexicalIndex(url: workspace.indexURL))
        XCTAssertEqual(second?.1, DenseRetriever.Report(embedded: 0, reused: 3))
        XCTAssertEqual(second?.0.vectorCount, 3)
        XCTAssertEqual(embeddingRequests(server), before)
    }

    func testTheSnapshotFollowsAddedAndRemovedChunks() async throws {
        let server = try DenseRetrievalTests.server()
        defer { server.stop() }
        let files = try TestWorkspace(config: config(server, method: "dense"), files: DenseRetrievalTests.files)
        let workspace = try files.open()
        _ = try await workspace.openRetriever()

        try FileManager.default.removeItem(at: files.root.appendingPathComponent("corpus/limits.md"))
        try files.write("corpus/webhooks.md", "# Webhooks\n\nVerify the HMAC signature of every webhook.\n")
        let (retriever, _) = try await workspace.openRetriever()
        XCTAssertEqual(retriever.dense?.vectorCount, 3)
        let outcome = try await retriever.retrieve("hmac signature webhook", topK: 3)
        XCTAssertEqual(outcome.chunks.first?.path, "corpus/webhooks.md")
        XCTAssertFalse(outcome.chunks.contains { $0.path == "corpus/limits.md" }, "a removed chunk is never returned")

        // A new process reads the snapshot and applies the same change: the same answer, nothing embedded.
        let before = embeddingRequests(server)
        let (fresh, _) = try await workspace.openRetriever()
        let again = try await fresh.retrieve("hmac signature webhook", topK: 3)
        XCTAssertEqual(again.chunks.map(\.location), outcome.chunks.map(\.location))
        XCTAssertEqual(embeddingRequests(server), before, "the new chunk's vector and the query's are cached")
    }

    func testADamagedSnapshotIsRebuiltFromTheCache() async throws {
        let server = try DenseRetrievalTests.server()
        defer { server.stop() }
        let files = try TestWorkspace(config: config(server, method: "dense"), files: DenseRetrievalTests.files)
        let workspace = try files.open()
        let (lexical, _) = try workspace.openIndex()
        _ = try await workspace.openDense(lexical: lexical)
        let name = try XCTUnwrap(
            try FileManager.default.contentsOfDirectory(atPath: workspace.derivedDirectory.path)
                .first { $0.hasPrefix("dense-") })
        let url = workspace.derivedDirectory.appendingPathComponent(name)
        var bytes = try Data(contentsOf: url)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: url)
        let reopened = try await workspace.openDense(lexical: lexical)
        XCTAssertEqual(reopened?.1, DenseRetriever.Report(embedded: 0, reused: 3), "from the cache")
        XCTAssertEqual(reopened?.0.vectorCount, 3)
    }
}
