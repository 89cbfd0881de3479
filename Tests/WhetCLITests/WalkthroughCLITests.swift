import Foundation
import XCTest

/// Command-line findings of a newcomer's hour: `whet show` leaving out a follow-up's question and the run's
/// rating, and `--var context=…` silently replaced by retrieval.
final class WalkthroughCLITests: XCTestCase {
    var demo: URL!

    override func setUpWithError() throws { demo = try WhetProcess.copyOfDemo() }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: demo) }

    func testShowGivesAFollowUpsQuestionAndTheRating() throws {
        let first = try WhetProcess.run(["-C", demo.path, "run", "--var", "question=How do I rotate my API key?"])
        XCTAssertEqual(first.status, 0, first.stderr)
        let sessions = demo.appendingPathComponent("sessions")
        let id = try XCTUnwrap(
            try FileManager.default.contentsOfDirectory(atPath: sessions.path).first { !$0.hasPrefix(".") })
        // A follow-up turn recorded as the workbench records one (`c` on the output pane).
        let log = sessions.appendingPathComponent("\(id)/runs.jsonl")
        let line = try XCTUnwrap(try String(contentsOf: log, encoding: .utf8).split(separator: "\n").first)
        var record = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        record["run"] = 2
        record["id"] = "follow-up-id"
        record["continues"] = 1
        record["turn"] = 1
        var messages = record["messages"] as? [[String: Any]] ?? []
        messages += [
            ["role": "assistant", "content": "Create a new key first."], ["role": "user", "content": "And then?"],
        ]
        record["messages"] = messages
        let data = try JSONSerialization.data(withJSONObject: record)
        let handle = try FileHandle(forWritingTo: log)
        try handle.seekToEnd()
        try handle.write(contentsOf: data + Data("\n".utf8))
        try handle.close()
        XCTAssertEqual(
            try WhetProcess.run(["-C", demo.path, "rate", id, "2", "bad", "--corrected", "Revoke the old key."]).status,
            0)
        let show = try WhetProcess.run(["-C", demo.path, "show", id, "--run", "2"])
        XCTAssertEqual(show.status, 0, show.stderr)
        XCTAssertTrue(show.stdout.contains("follows  run 1 (turn 1)"), show.stdout)
        XCTAssertTrue(show.stdout.contains("asked    And then?"), show.stdout)
        XCTAssertTrue(show.stdout.contains("rated    bad, corrected:\n  │ Revoke the old key."), show.stdout)
    }

    func testAContextVariableGivenWhileRetrievalIsOnIsSaidToBeUnused() throws {
        let run = try WhetProcess.run([
            "-C", demo.path, "run", "--dry-run", "--var", "question=How do I rotate my API key?", "--var",
            "context=mine",
        ])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stderr.contains("--var context=… is not used: retrieval fills 'context'"), run.stderr)
    }
}

/// Growing the terminal and then quitting leaves nothing of the workbench on the shell's screen (as vim and
/// less leave nothing).
final class ResizeResidueTests: XCTestCase {
    func testQuittingAfterTheTerminalGrewLeavesNoUILines() throws {
        let demo = try WhetProcess.copyOfDemo()
        defer { try? FileManager.default.removeItem(at: demo) }
        let tmux = try TmuxSession([WhetProcess.binary.path], in: demo, width: 80, height: 24)
        try tmux.waitFor("Framework")
        try tmux.resize(width: 120, height: 40)
        try tmux.waitFor("layout for 120 columns") { $0.split(separator: "\n").first.map { $0.count > 100 } ?? false }
        try tmux.send("C-q")
        XCTAssertEqual(tmux.exitStatus(), 0)
        let screen = try tmux.screen()
        XCTAssertFalse(screen.contains("Framework") || screen.contains("┌"), "UI lines left behind:\n\(screen)")
    }
}
