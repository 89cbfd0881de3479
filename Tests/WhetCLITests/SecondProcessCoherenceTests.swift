import Foundation
import XCTest

/// An open workbench and a second process working on the same workspace: what the second one changes (the
/// corpus, the session's runs, an eval) reaches the workbench without a restart, and the workbench's next run
/// uses the context `whet run` would.
final class SecondProcessCoherenceTests: XCTestCase {
    var demo: URL!

    override func setUpWithError() throws { demo = try WhetProcess.copyOfDemo() }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: demo) }

    /// A document that answers the demo's sample question better than any other.
    let policy = """
        # Key rotation policy

        How do I rotate my API key? Rotate your API key every 90 days: create a new API key, move your
        clients to the new key, then revoke the old API key. Rotate a key at once when it may have leaked.
        """

    func testACorpusChangedByAnotherProcessIsInTheNextRunAsInWhetSearch() throws {
        let tmux = try TmuxSession([WhetProcess.binary.path], in: demo, width: 120, height: 36)
        try tmux.waitFor("api-keys.md")
        try Data(policy.utf8).write(to: demo.appendingPathComponent("corpus/support/rotation-policy.md"))

        // No `whet index`, no other search: the workbench's own check before the run finds the new file.
        try tmux.send("C-r")
        try tmux.waitFor("run 1/1", timeout: 15)
        try tmux.waitFor("rotation-policy.md", timeout: 15)
        let log = try String(contentsOf: try sessionLog(), encoding: .utf8)
        XCTAssertTrue(log.contains("corpus/support/rotation-policy.md"), "the run used the changed corpus")

        let search = try WhetProcess.run(["-C", demo.path, "search", "--json", "How do I rotate my API key?"])
        XCTAssertEqual(search.status, 0, search.stderr)
        XCTAssertTrue(search.stdout.contains("corpus/support/rotation-policy.md"), "whet search agrees")
        try tmux.send("C-q")
        XCTAssertEqual(tmux.exitStatus(), 0)
    }

    func testRunsAndAnEvalFromAnotherProcessReachTheOpenWorkbench() throws {
        let tmux = try TmuxSession([WhetProcess.binary.path], in: demo, width: 120, height: 36)
        try tmux.waitFor("api-keys.md")
        try tmux.send("C-r")
        try tmux.waitFor("run 1/1", timeout: 15)

        for _ in 0..<2 {
            let run = try WhetProcess.run(["-C", demo.path, "run", "--session", "latest"])
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        try tmux.waitFor("run 3/3", timeout: 10)

        let eval = try WhetProcess.run(["-C", demo.path, "eval"])
        XCTAssertTrue([0, 1].contains(eval.status), eval.stderr)
        try tmux.waitFor("the sidebar's baseline ticked", timeout: 15) { $0.contains("✓ eval baseline") }
        try tmux.send("C-q")
        XCTAssertEqual(tmux.exitStatus(), 0)
    }

    /// The one session log the demo copy has.
    func sessionLog() throws -> URL {
        let sessions = demo.appendingPathComponent("sessions")
        let names = try FileManager.default.contentsOfDirectory(atPath: sessions.path).filter { !$0.hasPrefix(".") }
        XCTAssertEqual(names.count, 1, "\(names)")
        return sessions.appendingPathComponent(try XCTUnwrap(names.first)).appendingPathComponent("runs.jsonl")
    }
}
