import Foundation
import WhetTestSupport
import XCTest

@testable import WhetCore

/// Dense and hybrid search, the embedding cache, reranking and query expansion, against a real HTTP server on
/// loopback that embeds whatever it is sent and grades whatever passage it is shown.
final class DenseRetrievalTests: XCTestCase {
    override func setUp() {
        setlocale(LC_ALL, "C.UTF-8")
        setenv("WHET_TEST_EMBED_KEY", "test-key", 1)
    }

    /// Embeds each input with the hashing embedder (32 dimensions); answers chat requests with `grade`.
    static func server(grade: @escaping @Sendable (String) -> String = { _ in "5" }) throws -> TestModelServer {
        try TestModelServer { request in
            let body = (try? JSONSerialization.jsonObject(with: Data(request.body.utf8))) as? [String: Any] ?? [:]
            if request.path.hasSuffix("/embeddings") {
                let inputs = body["input"] as? [String] ?? []
                let embedder = HashingEmbedder(dimensions: 32)
                let items = inputs.enumerated().map { index, text in
                    "{\"object\":\"embedding\",\"index\":\(index),\"embedding\":[\(embedder.vector(text).map { String($0) }.joined(separator: ","))]}"
                }
                return TestModelServer.json("{\"data\":[\(items.joined(separator: ","))]}")
            }
            let messages = body["messages"] as? [[String: Any]] ?? []
            let user = messages.last?["content"] as? String ?? ""
            return TestModelServer.openAIStream([grade(user)])
        }
    }

    func config(_ server: TestModelServer, retrieval: String) -> String {
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
        embedding_backend = "remote"
        embedding_model = "embed-small"
        embedding_batch_size = 2
        \(retrieval)
        """
    }

    static let files = [
        "corpus/keys.md": "# API keys\n\nRotate a key by creating a new key, then revoke the old key.\n",
        "corpus/billing.md": "# Billing\n\nInvoices are issued monthly and paid by card.\n",
        "corpus/limits.md": "# Rate limits\n\nRequests over the limit get status 429 with a Retry-After header.\n",
    ]

    func embeddedTexts(_ server: TestModelServer) -> Int {
        server.requests.filter { $0.path.hasSuffix("/embeddings") }.reduce(0) { count, request in
            let body = (try? JSONSerialization.jsonObject(with: Data(request.body.utf8))) as? [String: Any]
            return count + ((body?["input"] as? [String])?.count ?? 0)
        }
    }

    func testDenseSearchUsesTheServersEmbeddings() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let files = try TestWorkspace(config: config(server, retrieval: "method = \"dense\""), files: Self.files)
        let (retriever, _) = try await files.open().openRetriever()
        let outcome = try await retriever.retrieve("how do I rotate a key", topK: 2)
        XCTAssertEqual(outcome.method, "dense")
        XCTAssertEqual(outcome.chunks.first?.path, "corpus/keys.md")
        XCTAssertGreaterThan(outcome.chunks.first?.score ?? 0, 0.3)
        XCTAssertEqual(server.requests.first?.path, "/v1/embeddings")
        XCTAssertEqual(server.requests.first?.headers["authorization"], "Bearer test-key")
        XCTAssertEqual(embeddedTexts(server), 4, "three chunks in batches of two, then the query")
    }

    func testChangedFileReembedsOnlyItsChunks() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let files = try TestWorkspace(config: config(server, retrieval: "method = \"dense\""), files: Self.files)
        let workspace = try files.open()
        let (lexical, _) = try workspace.openIndex()
        let first = try await workspace.openDense(lexical: lexical)
        XCTAssertEqual(first?.1, DenseRetriever.Report(embedded: 3, reused: 0))

        try files.write("corpus/billing.md", "# Billing\n\nInvoices are issued weekly now.\n")
        let (relexed, _) = try workspace.openIndex()
        let second = try await workspace.openDense(lexical: relexed)
        XCTAssertEqual(second?.1, DenseRetriever.Report(embedded: 1, reused: 2))
        XCTAssertEqual(embeddedTexts(server), 4)
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: files.root.appendingPathComponent(".whet/embeddings.sqlite").path))

        // Nothing changed: nothing is sent.
        let third = try await workspace.openDense(lexical: relexed)
        XCTAssertEqual(third?.1, DenseRetriever.Report(embedded: 0, reused: 3))
        XCTAssertEqual(embeddedTexts(server), 4)
    }

    func testHybridKeepsEveryMethodsRankAndScore() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let files = try TestWorkspace(config: config(server, retrieval: "method = \"hybrid\""), files: Self.files)
        let (retriever, _) = try await files.open().openRetriever()
        let outcome = try await retriever.retrieve("rotate the old key", topK: 3)
        XCTAssertEqual(outcome.method, "hybrid")
        let top = try XCTUnwrap(outcome.chunks.first)
        XCTAssertEqual(top.path, "corpus/keys.md")
        XCTAssertEqual(Set(top.methods?.map(\.method) ?? []), ["bm25", "dense"])
        XCTAssertEqual(top.methods?.first { $0.method == "bm25" }?.rank, 1)
        XCTAssertEqual(top.score, 1.0 / 61 + 1.0 / 61, accuracy: 1e-9, "RRF with k = 60, first in both lists")
    }

    func testRerankOrdersByTheModelsScores() async throws {
        let server = try Self.server { prompt in prompt.contains("Invoices") ? "Score: 9" : "2" }
        defer { server.stop() }
        let files = try TestWorkspace(
            config: config(server, retrieval: "rerank = true\nrerank_backend = \"remote\""), files: Self.files)
        let (retriever, _) = try await files.open().openRetriever()
        let outcome = try await retriever.retrieve("key rotation and invoices", topK: 3)
        XCTAssertEqual(outcome.method, "bm25+rerank")
        XCTAssertEqual(outcome.chunks.first?.path, "corpus/billing.md")
        XCTAssertEqual(outcome.chunks.first?.score, 9)
        XCTAssertEqual(outcome.chunks.first?.methods?.last, MethodScore(method: "rerank", rank: 1, score: 9))
        XCTAssertEqual(outcome.chunks.map(\.rank), Array(1...outcome.chunks.count))
        XCTAssertTrue(server.requests.contains { $0.path == "/v1/chat/completions" && $0.body.contains("Passage:") })
    }

    func testRerankAnswerWithoutANumberKeepsFirstStageOrderAndWarns() async throws {
        let server = try Self.server { _ in "I cannot say." }
        defer { server.stop() }
        let files = try TestWorkspace(
            config: config(server, retrieval: "rerank = true\nrerank_backend = \"remote\""), files: Self.files)
        let (retriever, _) = try await files.open().openRetriever()
        let plain = try retriever.lexical.search("key invoices", topK: 3)
        let outcome = try await retriever.retrieve("key invoices", topK: 3)
        XCTAssertEqual(outcome.chunks.map(\.path), plain.map(\.path))
        XCTAssertTrue(outcome.warnings.first?.contains("no answer held a score") ?? false, "\(outcome.warnings)")
    }

    func testMultiQueryExpansionSearchesEveryPhrasing() async throws {
        let server = try Self.server { _ in "1. monthly invoices\n2. - card payment\n" }
        defer { server.stop() }
        let files = try TestWorkspace(
            config: config(server, retrieval: "query_expansion = \"multi-query\"\nexpansion_backend = \"remote\""),
            files: Self.files)
        let (retriever, _) = try await files.open().openRetriever()
        let outcome = try await retriever.retrieve("how do I pay", topK: 3)
        XCTAssertEqual(outcome.queries, ["how do I pay", "monthly invoices", "card payment"])
        XCTAssertEqual(outcome.method, "bm25+multi-query")
        XCTAssertEqual(outcome.chunks.first?.path, "corpus/billing.md", "found only through the model's phrasings")
        XCTAssertTrue(outcome.chunks.first?.methods?.contains { $0.method == "bm25 q2" } ?? false)
    }

    func testDenseWithoutAnEmbeddingBackendIsAClearError() async throws {
        let files = try TestWorkspace(config: TestWorkspace.defaultConfig + "\nmethod = \"dense\"\n", files: Self.files)
        do {
            _ = try await files.open().openRetriever()
            XCTFail("expected an error")
        } catch {
            XCTAssertTrue("\(error)".contains("embedding_backend"), "\(error)")
        }
    }

    func testOfflineHashingEmbeddingsMakeHybridWorkWithoutAServer() async throws {
        let config = TestWorkspace.defaultConfig + "\nmethod = \"hybrid\"\nembedding_backend = \"offline\"\n"
        let files = try TestWorkspace(config: config, files: Self.files)
        let (retriever, _) = try await files.open().openRetriever()
        let outcome = try await retriever.retrieve("status 429 retry", topK: 2)
        XCTAssertEqual(outcome.chunks.first?.path, "corpus/limits.md")
        XCTAssertEqual(retriever.dense?.model, "whet-hashing-256")
    }

    // MARK: Pure parts

    func testCosineTopKMatchesBruteForce() {
        var generator = SystemRandomNumberGenerator()
        let dimensions = 37  // not a multiple of the SIMD width, so the tail loop runs too
        let rows = (0..<500).map { _ in (0..<dimensions).map { _ in Float.random(in: -1...1, using: &generator) } }
        var index = DenseIndex(dimensions: dimensions)
        for row in rows { XCTAssertTrue(index.add(row)) }
        XCTAssertFalse(index.add([1, 2, 3]), "a vector of the wrong length is refused")
        let query = (0..<dimensions).map { _ in Float.random(in: -1...1, using: &generator) }
        func cosine(_ a: [Float], _ b: [Float]) -> Float {
            let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
            return dot / (a.reduce(0) { $0 + $1 * $1 }.squareRoot() * b.reduce(0) { $0 + $1 * $1 }.squareRoot())
        }
        let reference = rows.enumerated().map { ($0.offset, cosine($0.element, query)) }.sorted { $0.1 > $1.1 }.prefix(
            10)
        let found = index.search(query, topK: 10)
        XCTAssertEqual(found.map(\.index), reference.map(\.0))
        for (a, b) in zip(found, reference) { XCTAssertEqual(a.score, b.1, accuracy: 1e-4) }
    }

    func testFusionOrderOnACraftedCase() {
        let lexical: Fusion.Ranked = [(1, 12.0), (2, 8.0), (3, 1.0)]
        let dense: Fusion.Ranked = [(3, 0.9), (1, 0.8), (4, 0.1)]
        let rrf = Fusion.reciprocalRank([("bm25", lexical), ("dense", dense)], k: 60)
        // 1: 1/61 + 1/62, 3: 1/63 + 1/61, 2: 1/62, 4: 1/63
        XCTAssertEqual(rrf.map(\.chunkID), [1, 3, 2, 4])
        XCTAssertEqual(
            rrf[0].parts,
            [MethodScore(method: "bm25", rank: 1, score: 12), MethodScore(method: "dense", rank: 2, score: 0.8)])
        let weighted = Fusion.weighted([("bm25", lexical), ("dense", dense)], weights: [0.2, 0.8])
        // min-max: bm25 1 → 1, 2 → 7/11, 3 → 0; dense 3 → 1, 1 → 0.875, 4 → 0
        // 1: 0.2 + 0.7 = 0.9, 3: 0.8, 2: 0.127, 4: 0
        XCTAssertEqual(weighted.map(\.chunkID), [1, 3, 2, 4])
        XCTAssertEqual(weighted[0].score, 0.2 + 0.8 * 0.875, accuracy: 1e-9)
    }

    func testRetrievalSettingsAreCheckedAtLoad() throws {
        let files = try TestWorkspace(config: TestWorkspace.defaultConfig + "\nmethod = \"semantic\"\n")
        XCTAssertThrowsError(try files.open()) { error in
            XCTAssertTrue("\(error)".contains("\"bm25\", \"dense\", \"hybrid\""), "\(error)")
            XCTAssertTrue("\(error)".contains("'semantic'"), "\(error)")
        }
        let fraction = try TestWorkspace(config: TestWorkspace.defaultConfig + "\nb = 1.5\n")
        XCTAssertThrowsError(try fraction.open()) { XCTAssertTrue("\($0)".contains("a number from 0 to 1"), "\($0)") }
    }
}

final class QueryExpanderTests: XCTestCase {
    func testListMarkersAreRemovedButLeadingNumbersKept() {
        XCTAssertEqual(
            QueryExpander.lines(
                "1. monthly invoices\n2) - card payment\n\n* \"refund policy\"\n429 errors after retry"),
            ["monthly invoices", "card payment", "refund policy", "429 errors after retry"])
    }

    func testRerankScoreParsing() {
        XCTAssertEqual(Reranker.firstNumber(in: "8"), 8)
        XCTAssertEqual(Reranker.firstNumber(in: "Score: 7.5/10"), 7.5)
        XCTAssertEqual(Reranker.firstNumber(in: "10."), 10)
        XCTAssertNil(Reranker.firstNumber(in: "no idea"))
    }
}
