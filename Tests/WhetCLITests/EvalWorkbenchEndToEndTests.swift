import Foundation
import XCTest

/// Evals, ratings and corrections in the real binary, driven in tmux on a copy of the demo workspace.
final class EvalWorkbenchEndToEndTests: XCTestCase {
    var demo: URL!

    override func setUpWithError() throws { demo = try WhetProcess.copyOfDemo() }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: demo) }

    func testRunAnEvalBrowseItRateAndCorrectARun() throws {
        try? FileManager.default.removeItem(at: demo.appendingPathComponent("evals/results"))
        let editor = demo.appendingPathComponent("fake-editor.sh")
        try "#!/bin/sh\nprintf 'Rotate it under Settings, then revoke the old key.\\n' > \"$1\"\n".write(
            to: editor, atomically: true, encoding: .utf8)
        chmod(editor.path, 0o755)
        let tmux = try TmuxSession(
            [WhetProcess.binary.path], in: demo, width: 120, height: 36, environment: ["VISUAL": editor.path])
        try tmux.waitFor("Framework")

        // Run the evals from the command line of the UI: progress in the status bar; when it ends the status
        // line says so and the results view waits for F3 (it must not take over the keys being typed).
        try tmux.send("Tab")
        try tmux.send(":")
        try tmux.type("eval")
        try tmux.send("Enter")
        try tmux.waitFor("pass rate", timeout: 60)
        try tmux.waitFor("F3 shows it")
        XCTAssertFalse(try tmux.screen().contains("Evals · "), "the results view does not open by itself")
        try tmux.send("F3")
        try tmux.waitFor("Evals · ")
        try tmux.waitFor("key rotation steps")
        try tmux.send("f")
        try tmux.waitFor("showing failures only")
        try tmux.send("Enter")
        try tmux.waitFor("── assertions")
        try tmux.send("Escape", "Escape")
        try tmux.waitFor("no overlay") { !$0.contains("Evals · ") }

        // The sidebar now reads the new results.
        try tmux.waitFor("92% [67–99]")

        // Run, then rate and correct the answer in the editor.
        try tmux.send("C-r")
        try tmux.waitFor("run 1/1", timeout: 15)
        try tmux.send("Tab")
        try tmux.send("+")
        try tmux.waitFor("run 1 rated good")
        try tmux.send("C")
        try tmux.waitFor("rated bad with a corrected answer")
        try tmux.send("C-q")
        XCTAssertEqual(tmux.exitStatus(), 0)

        let sessions = demo.appendingPathComponent("sessions")
        let id = try XCTUnwrap(
            try FileManager.default.contentsOfDirectory(atPath: sessions.path).first { !$0.hasPrefix(".") })
        let ratings = try String(contentsOf: sessions.appendingPathComponent("\(id)/ratings.jsonl"), encoding: .utf8)
        let lines = ratings.split(separator: "\n")
        XCTAssertEqual(lines.count, 2, ratings)
        XCTAssertTrue(
            lines[1].contains("\"corrected\":\"Rotate it under Settings, then revoke the old key.\""), ratings)
        XCTAssertTrue(lines[1].contains("\"verdict\":\"bad\""), ratings)
    }
}
