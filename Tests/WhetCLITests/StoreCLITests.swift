import Foundation
import WhetTestSupport
import XCTest

/// `whet index`, `whet search` and `whet store status` on a shared PostgreSQL store, through the binary, with
/// a real server started for this class by scripts/postgres.sh.
final class StoreCLITests: XCTestCase {
    nonisolated(unsafe) static var server: TestPostgres?
    var workspaces: [URL] = []

    override class func setUp() {
        super.setUp()
        server = try? TestPostgres(flavour: "debian")
    }

    override class func tearDown() {
        server?.stop()
        super.tearDown()
    }

    override func tearDownWithError() throws {
        for url in workspaces { try? FileManager.default.removeItem(at: url) }
    }

    func demo(store url: String) throws -> URL {
        let root = try DemoWorkspace.copy(
            store: url, extra: "password_env = \"TEAM_PG_PASSWORD\"\n", embeddings: false)
        workspaces.append(root)
        return root
    }

    func testTwoWorkspacesIndexSearchAndInspectOneStore() throws {
        let server = try XCTUnwrap(Self.server, "PostgreSQL could not be started: run scripts/install-deps.sh")
        try server.createDatabase("team")
        let password = ["TEAM_PG_PASSWORD": TestPostgres.password]
        let alice = try demo(store: server.url("team"))
        let bob = try demo(store: server.url("team"))

        let index = try WhetProcess.run(["-C", alice.path, "index"], environment: password)
        XCTAssertEqual(index.status, 0, index.stderr)
        XCTAssertTrue(index.stdout.contains("37 added"), index.stdout)
        XCTAssertTrue(index.stdout.contains("425 in the store"), index.stdout)

        let search = try WhetProcess.run(
            ["-C", bob.path, "search", "--top-k", "1", "rotate an API key"], environment: password)
        XCTAssertEqual(search.status, 0, search.stderr)
        XCTAssertTrue(search.stdout.contains("corpus/support/api-keys.md"), search.stdout)
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: bob.appendingPathComponent(".whet/index.sqlite").path),
            "Bob's search used the store, not a local index")

        try FileManager.default.removeItem(at: bob.appendingPathComponent("corpus/python-tutorial"))
        let bobIndex = try WhetProcess.run(["-C", bob.path, "index"], environment: password)
        XCTAssertEqual(bobIndex.status, 0, bobIndex.stderr)
        XCTAssertTrue(bobIndex.stderr.contains("kept 14 document(s)"), bobIndex.stderr)
        XCTAssertTrue(bobIndex.stderr.contains("pass --prune"), bobIndex.stderr)

        let status = try WhetProcess.run(["-C", bob.path, "store", "status", "--json"], environment: password)
        XCTAssertEqual(status.status, 0, status.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(json?["documents"] as? Int, 37)
        XCTAssertEqual(json?["chunks"] as? Int, 425)
        XCTAssertNil(json?["lock_holder"] as? String)
        XCTAssertEqual((json?["documents_by"] as? [String: Int])?.values.reduce(0, +), 37)

        let wrong = try WhetProcess.run(
            ["-C", bob.path, "search", "key"], environment: ["TEAM_PG_PASSWORD": "nope"])
        XCTAssertEqual(wrong.status, 1)
        XCTAssertEqual(wrong.stderr.split(separator: "\n").count, 1, wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("the password is read from $TEAM_PG_PASSWORD"), wrong.stderr)

        let local = try WhetProcess.copyOfDemo()
        workspaces.append(local)
        XCTAssertEqual(try WhetProcess.run(["-C", local.path, "index"]).status, 0)
        try server.createDatabase("moved")
        let moved = try WhetProcess.run(
            ["-C", local.path, "index", "--store", server.url("moved"), "--from-local"],
            environment: ["PGPASSWORD": TestPostgres.password])
        XCTAssertEqual(moved.status, 0, moved.stderr)
        XCTAssertTrue(moved.stdout.contains("copied 37 files, 425 chunks"), moved.stdout)

        // A local index chunked otherwise is not copied over a store that holds other chunks.
        let config = local.appendingPathComponent("whet.toml")
        try String(contentsOf: config, encoding: .utf8).replacingOccurrences(
            of: "chunk_size = 1200", with: "chunk_size = 500"
        ).write(to: config, atomically: true, encoding: .utf8)
        XCTAssertEqual(try WhetProcess.run(["-C", local.path, "index"]).status, 0)
        let refused = try WhetProcess.run(
            ["-C", local.path, "index", "--store", server.url("moved"), "--from-local"],
            environment: ["PGPASSWORD": TestPostgres.password])
        XCTAssertEqual(refused.status, 1, refused.stdout)
        XCTAssertTrue(refused.stderr.contains("pass --prune"), refused.stderr)
    }

    /// Done means: a change Alice indexes shows in Bob's running workbench without a restart.
    func testAChangeIndexedElsewhereShowsInARunningWorkbench() throws {
        let server = try XCTUnwrap(Self.server, "PostgreSQL could not be started: run scripts/install-deps.sh")
        try server.createDatabase("live")
        let password = ["TEAM_PG_PASSWORD": TestPostgres.password]
        let alice = try demo(store: server.url("live"))
        let bob = try demo(store: server.url("live"))
        XCTAssertEqual(try WhetProcess.run(["-C", alice.path, "index"], environment: password).status, 0)
        let prompt = bob.appendingPathComponent("prompts/support-answer.prompty")
        try String(contentsOf: prompt, encoding: .utf8).replacingOccurrences(
            of: "sample: How do I rotate my API key?", with: "sample: zanzibar procedure"
        ).write(to: prompt, atomically: true, encoding: .utf8)
        let tmux = try TmuxSession([WhetProcess.binary.path], in: bob, width: 140, environment: password)
        // Generous waits: a connection and a first search on a loaded machine can take seconds.
        // The store's notices are listened to once the index is open (the pane no longer says it is opening).
        try tmux.waitFor("the index open", timeout: 30) { $0.contains("Context · bm25") && !$0.contains("opening") }
        XCTAssertFalse(try tmux.screen().contains("support/api-keys.md:1-3"))

        try "# API keys\n\nKeys are now rotated by the zanzibar procedure.\n".write(
            to: alice.appendingPathComponent("corpus/support/api-keys.md"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try WhetProcess.run(["-C", alice.path, "index"], environment: password).status, 0)
        try tmux.waitFor("the shared store changed", timeout: 30)
        try tmux.waitFor("support/api-keys.md:1-3", timeout: 30)
    }
}
