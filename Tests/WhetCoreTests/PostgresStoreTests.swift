import Foundation
import WhetTestSupport
import XCTest

@testable import WhetCore

/// The shared chunk store on a real PostgreSQL server (Debian's package, no pgvector), started for this class
/// by scripts/postgres.sh on loopback: the same ranking as a local index, two workspaces on one store, other
/// people's documents kept, indexers serialised, a server that dies mid-index, and the faults people meet.
final class PostgresStoreTests: XCTestCase {
    nonisolated(unsafe) static var server: TestPostgres?
    var databases = 0

    override class func setUp() {
        super.setUp()
        server = try? TestPostgres(flavour: "debian")
    }

    override class func tearDown() {
        server?.stop()
        super.tearDown()
    }

    override func setUpWithError() throws {
        setenv("PGPASSWORD", TestPostgres.password, 1)
        setlocale(LC_ALL, "C.UTF-8")
        XCTAssertNotNil(Self.server, "PostgreSQL could not be started: run scripts/install-deps.sh")
    }

    /// A fresh database on the test server.
    func freshStore() throws -> String {
        let server = try XCTUnwrap(Self.server)
        let name = "store_\(UUID().uuidString.prefix(8).lowercased())"
        try server.createDatabase(name)
        return server.url(name)
    }

    /// A copy of the demo workspace pointed at `url`.
    func demo(store url: String, extra: String = "") throws -> Workspace {
        let root = try DemoWorkspace.copy(store: url, extra: extra)
        addTeardownBlock { try? FileManager.default.removeItem(at: root) }
        return try Workspace.open(root: root)
    }

    func update(_ workspace: Workspace, prune: Bool = false) throws -> (LexicalIndex, CorpusIndexer.Report) {
        try workspace.updateSharedIndex(
            try XCTUnwrap(workspace.config.store), rebuild: false, prune: prune, waitingFor: nil, progress: nil)
    }

    static let queries = [
        "rotate an API key", "invoice email address", "single sign-on SAML", "rate limits per minute",
        "python classes and namespaces", "list comprehension", "delete a project", "webhook retries",
        "Dateien kopieren", "Speicherplatz anzeigen",
    ]

    func testSharedStoreRanksExactlyAsTheLocalIndex() throws {
        let workspace = try demo(store: try freshStore())
        let (shared, report) = try update(workspace)
        XCTAssertEqual(report.added, 37)
        let local = try LexicalIndex(url: nil, parameters: workspace.config.retrieval.bm25)
        _ = try CorpusIndexer(workspace: workspace, index: local).update()
        XCTAssertEqual(try shared.counts().chunks, try local.counts().chunks)
        for query in Self.queries {
            let a = try shared.search(query, topK: 10)
            let b = try local.search(query, topK: 10)
            XCTAssertEqual(a.map(\.location), b.map(\.location), query)
            XCTAssertEqual(a.map(\.score), b.map(\.score), query)
            XCTAssertEqual(a.map(\.text), b.map(\.text), query)
            XCTAssertFalse(a.isEmpty, query)
        }
    }

    func testTwoWorkspacesShareOneStoreAndSeeEachOthersChanges() throws {
        let url = try freshStore()
        let alice = try demo(store: url)
        let bob = try demo(store: url)
        _ = try update(alice)
        // Bob never indexed: he searches what Alice indexed at once, and searching changes nothing.
        let (bobIndex, bobReport) = try bob.openIndex()
        XCTAssertEqual(bobReport, CorpusIndexer.Report())
        XCTAssertEqual(try bobIndex.search("rotate an API key", topK: 1).first?.path, "corpus/support/api-keys.md")
        let generations = Generations()
        try XCTUnwrap(bobIndex.store as? PostgresChunkStore).onChange { generations.add($0) }

        let page = alice.root.appendingPathComponent("corpus/support/api-keys.md")
        try "# API keys\n\nKeys are now rotated by the zanzibar procedure.\n".write(
            to: page, atomically: true, encoding: .utf8)
        let (_, changed) = try update(alice)
        XCTAssertEqual(changed.updated, 1)
        Thread.sleep(forTimeInterval: 0.3)  // past the index's freshness interval, and the NOTIFY's trip
        let found = try bobIndex.search("zanzibar procedure", topK: 1)
        XCTAssertEqual(found.first?.path, "corpus/support/api-keys.md", "Bob's open index sees Alice's change")
        XCTAssertTrue(found.first?.text.contains("zanzibar") ?? false)
        XCTAssertFalse(generations.values.isEmpty, "Bob was told the store changed")
    }

    func testIndexKeepsOthersDocumentsUnlessPruned() throws {
        let url = try freshStore()
        let alice = try demo(store: url)
        _ = try update(alice)
        let bob = try demo(store: url)
        try FileManager.default.removeItem(at: bob.root.appendingPathComponent("corpus/python-tutorial"))
        let (index, kept) = try update(bob)
        XCTAssertEqual(kept.removed, 0)
        XCTAssertEqual(kept.keptForOthers.count, 14)
        XCTAssertTrue(kept.keptForOthers.allSatisfy { $0.owner == alice.storeOwner })
        XCTAssertEqual(try index.counts().files, 37, "Alice's documents are still there")
        let (_, pruned) = try update(bob, prune: true)
        XCTAssertEqual(pruned.removed, 14)
        XCTAssertEqual(try index.counts().files, 23)

        let other = try demo(store: url, extra: "")
        let config = other.root.appendingPathComponent("whet.toml")
        let text = try String(contentsOf: config, encoding: .utf8)
        try text.replacingOccurrences(of: "chunk_size = 1200", with: "chunk_size = 400").write(
            to: config, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try update(try Workspace.open(root: other.root))) { error in
            XCTAssertTrue("\(error)".contains("pass --prune"), "\(error)")
            XCTAssertTrue("\(error)".contains("re-chunk every document"), "\(error)")
        }
        XCTAssertEqual(try index.counts().files, 23, "a refused re-chunk changed nothing")
    }

    func testTwoIndexersAreSerialisedAndSayWho() throws {
        let url = try freshStore()
        let first = try PostgresChunkStore(StoreSettings(url: url), owner: "a", applicationName: "whet index alice")
        let second = try PostgresChunkStore(StoreSettings(url: url), owner: "b", applicationName: "whet index bob")
        try first.lockIndexing(wait: nil)
        XCTAssertThrowsError(try second.lockIndexing(wait: nil)) { error in
            XCTAssertTrue("\(error)".contains("whet index alice"), "\(error)")
        }
        XCTAssertTrue(try second.lockHolder()?.hasPrefix("whet index alice") ?? false)
        let waited = Generations()
        let done = expectation(description: "the second indexer got the lock")
        DispatchQueue.global().async {
            try? second.lockIndexing(wait: { holder in waited.add(holder.hasPrefix("whet index alice") ? 1 : 0) })
            done.fulfill()
        }
        Thread.sleep(forTimeInterval: 0.3)
        first.unlockIndexing()
        wait(for: [done], timeout: 10)
        XCTAssertEqual(waited.values, [1], "told who it waited for")
        second.unlockIndexing()
    }

    func testServerGoneMidIndexCommitsNothingHalfAndTheNextIndexResumes() throws {
        let server = try XCTUnwrap(Self.server)
        let url = try freshStore()
        let workspace = try demo(store: url)
        for number in 0..<300 {
            try "# Note \(number)\n\nThe note number \(number) mentions token\(number) and a shared word.\n".write(
                to: workspace.root.appendingPathComponent("corpus/note-\(number).md"), atomically: true,
                encoding: .utf8)
        }
        let settings = try XCTUnwrap(workspace.config.store)
        let killed = Generations()
        XCTAssertThrowsError(
            try workspace.updateSharedIndex(
                settings, rebuild: false, prune: false, waitingFor: nil,
                progress: { done, _, _ in
                    if done == 200, killed.values.isEmpty {
                        killed.add(done)
                        try? server.kill()
                    }
                })
        ) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("nothing of the unfinished batch was committed"), text)
            XCTAssertFalse(text.contains("\n"), text)
        }
        try server.start()
        let database = String(url.split(separator: "/").last ?? "")
        let partial = try server.psql(
            "SELECT count(*) FROM whet.files f WHERE f.chunk_count <> (SELECT count(*) FROM whet.chunks c WHERE c.path = f.path)",
            database: database)
        XCTAssertEqual(partial.trimmingCharacters(in: .whitespacesAndNewlines), "0", "no file is half in the store")
        let orphans = try server.psql(
            "SELECT count(*) FROM whet.chunks c WHERE NOT EXISTS (SELECT 1 FROM whet.files f WHERE f.path = c.path)",
            database: database)
        XCTAssertEqual(orphans.trimmingCharacters(in: .whitespacesAndNewlines), "0")
        let before =
            Int(
                try server.psql("SELECT count(*) FROM whet.files", database: database)
                    .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        XCTAssertGreaterThan(before, 0, "the batches before the failure are kept")
        XCTAssertLessThan(before, 337)

        let (index, resumed) = try update(workspace)
        XCTAssertEqual(resumed.added, 337 - before, "only what was not committed is read again")
        XCTAssertEqual(try index.counts().files, 337)
        XCTAssertEqual(try index.search("token250", topK: 1).first?.path, "corpus/note-250.md")
    }

    func testFaultsAreOneClearLine() throws {
        let server = try XCTUnwrap(Self.server)
        let url = try freshStore()
        func failure(_ settings: StoreSettings) -> String {
            do {
                _ = try PostgresChunkStore(settings, owner: "t", applicationName: "whet test")
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        setenv("PGPASSWORD", "not-the-password", 1)
        let wrong = failure(StoreSettings(url: url))
        XCTAssertTrue(wrong.contains("refused user \"whet\""), wrong)
        XCTAssertTrue(wrong.contains("$PGPASSWORD"), wrong)
        XCTAssertFalse(wrong.contains("not-the-password"), "the password is never shown")
        setenv("WHET_TEST_PG_PASSWORD", TestPostgres.password, 1)
        XCTAssertEqual(
            failure(StoreSettings(url: url, passwordEnv: "WHET_TEST_PG_PASSWORD")), "no error", "password_env is read")
        setenv("PGPASSWORD", TestPostgres.password, 1)
        let missing = failure(StoreSettings(url: server.url("no_such_db")))
        XCTAssertTrue(missing.contains("database \"no_such_db\" does not exist"), missing)
        let closed = failure(StoreSettings(url: "postgresql://whet@127.0.0.1:\(try TestPostgres.freePort())/x"))
        XCTAssertTrue(closed.contains("cannot connect"), closed)
        for message in [wrong, missing, closed] { XCTAssertFalse(message.contains("\n"), message) }
        XCTAssertThrowsError(try PostgresAddress(parsing: "postgresql://whet:secret@host/db")) { error in
            XCTAssertTrue("\(error)".contains("no password in the URL"), "\(error)")
        }
    }

    func testDenseSearchWithoutPgvectorRunsInWhetOverTheStoresVectors() async throws {
        let workspace = try demo(store: try freshStore())
        let (index, _) = try update(workspace)
        let opened = try await workspace.openDense(lexical: index)
        let (dense, report) = try XCTUnwrap(opened)
        XCTAssertEqual(report.embedded, 408)
        let shared = try XCTUnwrap(dense.store as? PostgresEmbeddingStore)
        XCTAssertFalse(shared.hasPgvector)
        XCTAssertEqual(try shared.count(model: dense.model), 408)
        let vector = try await dense.embedQuery("rotate an API key")
        XCTAssertEqual(try dense.search(vector, topK: 1).count, 1)
        XCTAssertEqual(try shared.count(model: dense.model), 408, "query vectors stay in the workspace's own cache")
    }
}

/// Values collected from other threads (NOTIFY callbacks, a waiting indexer).
final class Generations: @unchecked Sendable {
    // @unchecked: `stored` is guarded by `lock`.
    private let lock = NSLock()
    private var stored: [Int] = []
    func add(_ value: Int) { lock.withLock { stored.append(value) } }
    func add(_ value: String) { add(Int(value) ?? 0) }
    var values: [Int] { lock.withLock { stored } }
}
