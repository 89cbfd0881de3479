import Foundation
import XCTest

/// End-to-end tests of the `whet` command line on a copy of the demo workspace.
final class CLITests: XCTestCase {
    var demo: URL!

    override func setUpWithError() throws { demo = try WhetProcess.copyOfDemo() }

    override func tearDownWithError() throws {
        chmod(demo.path, 0o755)
        try? FileManager.default.removeItem(at: demo)
    }

    func testVersionAndHelpExplainThemselves() throws {
        let version = try WhetProcess.run(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertTrue(version.stdout.contains("0.1.0"))
        let help = try WhetProcess.run(["--help"])
        for subcommand in ["init", "index", "search", "run", "sessions", "show", "prompts", "evals"] {
            XCTAssertTrue(help.stdout.contains(subcommand), "root help lacks \(subcommand)")
            let sub = try WhetProcess.run([subcommand, "--help"])
            XCTAssertEqual(sub.status, 0, subcommand)
            XCTAssertTrue(sub.stdout.contains("USAGE: whet \(subcommand)"), sub.stdout)
        }
    }

    func testRunStreamsACitedAnswerAndRecordsItOnDisk() throws {
        let result = try WhetProcess.run(["-C", demo.path, "run", "--var", "question=How do I rotate my API key?"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("offline extractive answer"), result.stdout)
        XCTAssertTrue(result.stdout.contains("create a new key first"), result.stdout)
        XCTAssertTrue(result.stdout.contains("[1]"), result.stdout)
        XCTAssertTrue(result.stderr.contains("saved to sessions/"), result.stderr)

        let sessions = try FileManager.default.contentsOfDirectory(atPath: demo.appendingPathComponent("sessions").path)
            .filter { !$0.hasPrefix(".") }
        XCTAssertEqual(sessions.count, 1)
        let log = try String(
            contentsOf: demo.appendingPathComponent("sessions/\(sessions[0])/runs.jsonl"), encoding: .utf8)
        let record = try JSONSerialization.jsonObject(with: Data(log.utf8)) as? [String: Any]
        XCTAssertEqual(record?["run"] as? Int, 1)
        XCTAssertEqual((record?["variables"] as? [String: String])?["question"], "How do I rotate my API key?")
        XCTAssertEqual((record?["backend"] as? [String: String])?["name"], "offline")
        XCTAssertNotNil((record?["retrieval"] as? [String: Any])?["chunks"])
        XCTAssertEqual(record?["finish_reason"] as? String, "stop")

        let show = try WhetProcess.run(["show", "latest"], in: demo.appendingPathComponent("corpus"))
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssertTrue(show.stdout.contains("run 1"), show.stdout)
        XCTAssertTrue(show.stdout.contains("corpus/support/api-keys.md"), show.stdout)
        let list = try WhetProcess.run(["-C", demo.path, "sessions"])
        XCTAssertTrue(list.stdout.contains(sessions[0]), list.stdout)
        XCTAssertTrue(list.stdout.contains("extractive-v1"), list.stdout)
    }

    func testSearchFindsCJKAndPrintsJSON() throws {
        let result = try WhetProcess.run(["-C", demo.path, "search", "--json", "--top-k", "2", "发票在哪里下载"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let results = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
        XCTAssertEqual(results?.count, 2)
        XCTAssertEqual(results?.first?["path"] as? String, "corpus/cjk/billing-zh.md")
        XCTAssertTrue((results?.first?["matched_terms"] as? [String])?.contains("发票") ?? false)
    }

    func testIndexReportsCountsAndIsIncremental() throws {
        let first = try WhetProcess.run(["index"], in: demo)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.contains("37 added"), first.stdout)
        let second = try WhetProcess.run(["index"], in: demo)
        XCTAssertTrue(second.stdout.contains("0 added, 0 updated, 37 unchanged"), second.stdout)
    }

    func testMalformedConfigGivesOneLocatedLineAndExitStatus1() throws {
        let config = demo.appendingPathComponent("whet.toml")
        let original = try String(contentsOf: config, encoding: .utf8)
        try (original + "\n[retrieval\n").write(to: config, atomically: true, encoding: .utf8)
        let result = try WhetProcess.run(["run"], in: demo)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("whet.toml:"), result.stderr)
        XCTAssertTrue(result.stderr.contains(": error: malformed TOML"), result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertEqual(
            try String(contentsOf: config, encoding: .utf8), original + "\n[retrieval\n",
            "the file must not be rewritten")
    }

    func testUnknownBackendAndMissingVariableAreClearErrors() throws {
        let backend = try WhetProcess.run(["-C", demo.path, "run", "--backend", "gpt9"])
        XCTAssertEqual(backend.status, 1)
        XCTAssertEqual(backend.stderr, "error: unknown backend 'gpt9'; whet.toml defines: offline\n")

        try """
        ---
        name: broken
        ---
        user:
        Explain {{topic}} please
        """.write(to: demo.appendingPathComponent("prompts/broken.prompty"), atomically: true, encoding: .utf8)
        let missing = try WhetProcess.run(["-C", demo.path, "run", "--prompt", "broken", "--no-retrieval"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(
            missing.stderr.contains("prompts/broken.prompty:5:9: error: variable 'topic' has no value"), missing.stderr)
    }

    func testUnclosedPlaceholderAndBadEvalLineAreLocated() throws {
        try "user:\nHello {{name\n".write(
            to: demo.appendingPathComponent("prompts/bad.prompty"), atomically: true, encoding: .utf8)
        let prompt = try WhetProcess.run(["-C", demo.path, "run", "--prompt", "bad"])
        XCTAssertEqual(prompt.status, 1)
        XCTAssertTrue(prompt.stderr.contains("prompts/bad.prompty:2:7: error: unclosed '{{'"), prompt.stderr)

        try "{\"vars\": {}}\nnot json\n".write(
            to: demo.appendingPathComponent("evals/zz.jsonl"), atomically: true, encoding: .utf8)
        let evals = try WhetProcess.run(["-C", demo.path, "evals"])
        XCTAssertEqual(evals.status, 1)
        XCTAssertTrue(evals.stderr.contains("evals/zz.jsonl:2:1: error: expected a JSON object"), evals.stderr)
    }

    func testBinaryCorpusFileIsSkippedWithAWarning() throws {
        try Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0x00]).write(to: demo.appendingPathComponent("corpus/logo.txt"))
        let result = try WhetProcess.run(["-C", demo.path, "index"])
        XCTAssertEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("corpus/logo.txt: warning: skipped: binary file"), result.stderr)
    }

    func testReadOnlyWorkspaceRefusesToRunButStillSearchesAndShows() throws {
        let first = try WhetProcess.run(["-C", demo.path, "run"])
        XCTAssertEqual(first.status, 0, first.stderr)
        chmod(demo.path, 0o555)
        let run = try WhetProcess.run(["-C", demo.path, "run"])
        XCTAssertEqual(run.status, 1)
        XCTAssertTrue(run.stderr.contains("workspace is read-only"), run.stderr)
        let search = try WhetProcess.run(["-C", demo.path, "search", "invoice"])
        XCTAssertEqual(search.status, 0, search.stderr)
        XCTAssertTrue(search.stdout.contains("billing"), search.stdout)
        let show = try WhetProcess.run(["-C", demo.path, "show"])
        XCTAssertEqual(show.status, 0, show.stderr)
    }

    func testInitMakesAWorkspaceThatRunsOffline() throws {
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("whet-init-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: target) }
        let created = try WhetProcess.run(["init", target.path])
        XCTAssertEqual(created.status, 0, created.stderr)
        let run = try WhetProcess.run(["run"], in: target)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("workbench"), run.stdout)
        let again = try WhetProcess.run(["init", target.path])
        XCTAssertEqual(again.status, 1)
    }

    func testOutsideAWorkspaceSaysSo() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("whet-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let result = try WhetProcess.run(["sessions"], in: empty)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("not a whet workspace"), result.stderr)
    }
}
