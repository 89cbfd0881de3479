import Foundation
import XCTest

/// The real `whet` binary driven inside tmux on a copy of the demo workspace.
final class WorkbenchEndToEndTests: XCTestCase {
    var demo: URL!

    override func setUpWithError() throws { demo = try WhetProcess.copyOfDemo() }

    override func tearDownWithError() throws {
        let chmod = Process()
        chmod.executableURL = URL(fileURLWithPath: "/bin/chmod")
        chmod.arguments = ["-R", "u+w", demo.path]
        try? chmod.run()
        chmod.waitUntilExit()
        try? FileManager.default.removeItem(at: demo)
    }

    /// Under TERM=vt100 the terminfo entry lists no Home/End: their escape sequences arrive byte by byte
    /// and must move the cursor, never type `1~` into the prompt.
    func testHomeAndEndWorkUnderAVt100TerminalDescription() throws {
        let tmux = try TmuxSession([WhetProcess.binary.path], in: demo, environment: ["TERM": "vt100"])
        try tmux.waitFor("Framework")
        try tmux.type("abc")
        try tmux.send("Home")
        try tmux.type("X")
        try tmux.send("End")
        try tmux.type("Y")
        let screen = try tmux.waitFor("Xabc---Y")
        XCTAssertFalse(screen.contains("~"), screen)
    }

    /// A run continued with a follow-up turn: the output pane shows the exchange and the session log records
    /// the whole thread.
    func testAConversationIsContinuedInTheWorkbench() throws {
        let tmux = try TmuxSession([WhetProcess.binary.path], in: demo)
        try tmux.waitFor("Framework")
        try tmux.send("C-r")
        try tmux.waitFor("run 1/1", timeout: 15)
        try tmux.send("Tab", "Tab")
        try tmux.send("c")
        try tmux.waitFor("reply:")
        try tmux.type("And how do I revoke the old key?")
        try tmux.send("Enter")
        try tmux.waitFor("run 2/2", timeout: 15)
        try tmux.waitFor("you: And how do I revoke the old key?")
        try tmux.send("C-q")
        let sessions = demo.appendingPathComponent("sessions")
        let id = try XCTUnwrap(
            try FileManager.default.contentsOfDirectory(atPath: sessions.path).first { !$0.hasPrefix(".") })
        let log = try String(contentsOf: sessions.appendingPathComponent("\(id)/runs.jsonl"), encoding: .utf8)
        let second = try XCTUnwrap(log.split(separator: "\n").last)
        XCTAssertTrue(second.contains("\"continues\":1"), String(second.prefix(300)))
        XCTAssertTrue(second.contains("And how do I revoke the old key?"))
    }

    func testOpenEditRunStepThroughContextResizeHelpAndQuit() throws {
        let tmux = try TmuxSession([WhetProcess.binary.path], in: demo)
        try tmux.waitFor("Framework")
        try tmux.waitFor("api-keys.md:12-24")

        // Edit: go to the last line of the prompt and add a CJK line, then save.
        for _ in 0..<3 { try tmux.send("PageDown") }
        try tmux.send("End", "Enter")
        try tmux.type("日本語で答えてください。")
        try tmux.waitFor("日本語で答えてください。")
        try tmux.waitFor("Prompt ●")
        try tmux.send("C-s")
        try tmux.waitFor("saved prompts/support-answer.prompty")
        let saved = try String(
            contentsOf: demo.appendingPathComponent("prompts/support-answer.prompty"), encoding: .utf8)
        XCTAssertTrue(saved.contains("日本語で答えてください。"))

        // Run and watch the answer stream in.
        try tmux.send("C-r")
        try tmux.waitFor("run 1/1", timeout: 15)
        let screen = try tmux.waitFor("create a new key first")
        XCTAssertTrue(screen.contains("[1]"), screen)

        // Step through the context and open a chunk.
        try tmux.send("Tab")
        try tmux.send("j")
        try tmux.waitFor("▸2")
        try tmux.send("Enter")
        try tmux.waitFor("matched:")
        try tmux.send("Escape")
        try tmux.waitFor("no overlay") { !$0.contains("matched:") }

        // Resize: the sidebar goes below 80 columns and comes back.
        try tmux.resize(width: 72, height: 24)
        try tmux.waitFor("sidebar hidden") { !$0.contains("Framework") && $0.contains("Output") }
        try tmux.resize(width: 100, height: 30)
        try tmux.waitFor("Framework")

        // Help, then quit.
        try tmux.send("F1")
        try tmux.waitFor("Prompt editor")
        try tmux.send("Escape")
        try tmux.send("C-q")
        XCTAssertEqual(tmux.exitStatus(), 0)

        let logs = try sessionLogs()
        XCTAssertEqual(logs.count, 1)
        let log = try XCTUnwrap(logs.first)
        XCTAssertEqual(log.split(separator: "\n").count, 1)
        XCTAssertTrue(log.contains("日本語で答えてください。"), "the run recorded the edited prompt")
    }

    func testEscCancelsAStreamingRunAndKeepsThePartialOutput() throws {
        // A slow offline backend: one character per piece.
        let config = demo.appendingPathComponent("whet.toml")
        var text = try String(contentsOf: config, encoding: .utf8)
        text = text.replacingOccurrences(of: "max_sentences = 4", with: "max_sentences = 4\nstream_piece_size = 1")
        try text.write(to: config, atomically: true, encoding: .utf8)
        let tmux = try TmuxSession([WhetProcess.binary.path], in: demo)
        try tmux.waitFor("Framework")
        try tmux.send("C-r")
        try tmux.waitFor("streaming")
        try tmux.send("Escape")
        try tmux.waitFor("cancelled")
        try tmux.send("C-q")
        XCTAssertEqual(tmux.exitStatus(), 0)
        let log = try XCTUnwrap(try sessionLogs().first)
        XCTAssertTrue(log.contains("\"finish_reason\":\"cancelled\""), log)
    }

    func testQuitWithUnsavedEditsAsksAndHangupKeepsARecoveryFile() throws {
        let tmux = try TmuxSession([WhetProcess.binary.path], in: demo)
        try tmux.waitFor("Framework")
        try tmux.type("Draft: ")
        try tmux.send("C-q")
        try tmux.waitFor("Unsaved changes")
        try tmux.send("Escape")
        try tmux.send("Enter")
        Thread.sleep(forTimeInterval: 0.3)
        // The SSH connection drops: tmux's server goes away and whet gets SIGHUP.
        _ = system("tmux -L \(tmux.socket) kill-server >/dev/null 2>&1")
        let recovery = demo.appendingPathComponent(".whet/recovery/prompts__support-answer.prompty")
        let deadline = Date().addingTimeInterval(5)
        while !FileManager.default.fileExists(atPath: recovery.path), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let kept = try String(contentsOf: recovery, encoding: .utf8)
        XCTAssertTrue(kept.hasPrefix("Draft: \n---") || kept.hasPrefix("Draft: "), kept)
        let original = try String(
            contentsOf: demo.appendingPathComponent("prompts/support-answer.prompty"), encoding: .utf8)
        XCTAssertFalse(original.hasPrefix("Draft"), "the prompt file itself is not touched")

        let again = try TmuxSession([WhetProcess.binary.path], in: demo)
        try again.waitFor("Recovered edits")
        try again.send("r")
        try again.waitFor("Draft:")
        try again.send("C-q")
        try again.waitFor("Unsaved changes")
        try again.send("q")
        XCTAssertEqual(again.exitStatus(), 0)
    }

    func testReviewModeOnAReadOnlyCopy() throws {
        let run = try WhetProcess.run(["-C", demo.path, "run", "--var", "question=How are invoices issued?"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let chmod = Process()
        chmod.executableURL = URL(fileURLWithPath: "/bin/chmod")
        chmod.arguments = ["-R", "a-w", demo.path]
        try chmod.run()
        chmod.waitUntilExit()
        let before = try snapshotOfFiles(demo)

        let tmux = try TmuxSession([WhetProcess.binary.path, "review"], in: demo)
        try tmux.waitFor("Sessions")
        try tmux.send("Enter")
        try tmux.waitFor("run 1/1")
        let screen = try tmux.waitFor("review")
        XCTAssertTrue(screen.contains("billing.md"), screen)
        try tmux.send("x", "C-s", "C-r")
        try tmux.send("q")
        XCTAssertEqual(tmux.exitStatus(), 0)
        XCTAssertEqual(try snapshotOfFiles(demo), before, "review mode writes nothing")
    }

    func testCtrlEEditsThePromptInTheExternalEditorAndComesBack() throws {
        let script = demo.appendingPathComponent("fake-editor.sh")
        try "#!/bin/sh\nprintf 'edited outside\\n' >> \"$1\"\n".write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        let tmux = try TmuxSession([WhetProcess.binary.path], in: demo, environment: ["VISUAL": script.path])
        try tmux.waitFor("Framework")
        try tmux.send("C-e")
        try tmux.waitFor("Prompt ●")
        try tmux.send("C-s")
        try tmux.waitFor("saved")
        let saved = try String(
            contentsOf: demo.appendingPathComponent("prompts/support-answer.prompty"), encoding: .utf8)
        XCTAssertTrue(saved.hasSuffix("{{question}}\nedited outside\n"), saved)
        try tmux.send("C-q")
        XCTAssertEqual(tmux.exitStatus(), 0)
    }

    /// The text of every session's runs.jsonl in the demo copy.
    func sessionLogs() throws -> [String] {
        let sessions = demo.appendingPathComponent("sessions")
        return try FileManager.default.contentsOfDirectory(atPath: sessions.path).filter { !$0.hasPrefix(".") }.sorted()
            .map {
                try String(contentsOf: sessions.appendingPathComponent("\($0)/runs.jsonl"), encoding: .utf8)
            }
    }

    func snapshotOfFiles(_ root: URL) throws -> [String: Date] {
        var result: [String: Date] = [:]
        let enumerator = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.contentModificationDateKey])
        while let url = enumerator?.nextObject() as? URL {
            result[url.path] = try url.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate
        }
        return result
    }
}

/// The context pane's retrieval controls, driven through the real binary in tmux.
final class ContextPaneEndToEndTests: XCTestCase {
    var demo: URL!

    override func setUpWithError() throws { demo = try WhetProcess.copyOfDemo() }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: demo) }

    func testSwitchMethodPinShowWhyBoundariesAndPager() throws {
        // A stand-in pager named less (so it is given +LINE) that records its arguments and waits for q.
        let bin = demo.appendingPathComponent(".test-bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let pager = bin.appendingPathComponent("less")
        let record = demo.appendingPathComponent(".pager-args")
        try "#!/bin/sh\necho \"$@\" > '\(record.path)'\necho PAGER-OPEN\nread answer\n".write(
            to: pager, atomically: true, encoding: .utf8)
        chmod(pager.path, 0o755)
        let tmux = try TmuxSession([WhetProcess.binary.path], in: demo, environment: ["PAGER": pager.path])
        try tmux.waitFor("Context · bm25")
        try tmux.waitFor("embedding finished") { !$0.contains("embedding…") }
        try tmux.send("Tab")

        // bm25 → dense → hybrid; the list changes with the method.
        try tmux.send("m")
        try tmux.waitFor("Context · dense")
        try tmux.send("m")
        try tmux.waitFor("Context · hybrid")
        // The title names the method at once; the list follows when the search (in the background) is done.
        try tmux.waitFor("hybrid search finished") { !$0.contains("Context · hybrid …") }
        try tmux.send("Enter")
        let why = try tmux.waitFor("why: ")
        XCTAssertTrue(why.contains("bm25 #") && why.contains("dense #"), why)
        try tmux.send("Escape")
        try tmux.waitFor("overlay closed") { !$0.contains("why: ") }

        // Pin the second result: it is listed first with *, and a run puts it in context.
        try tmux.send("j")
        try tmux.send("p")
        try tmux.waitFor("pinned corpus/")
        // Listed first, marked *, with the cursor still on it.
        let pinned = try tmux.waitFor("│▸*")
        XCTAssertTrue(pinned.contains("api-keys.md:1-4"), pinned)

        // The document cut into chunks.
        try tmux.send("b")
        try tmux.waitFor("── chunk")
        try tmux.send("Escape")
        try tmux.waitFor("boundaries closed") { !$0.contains("── chunk") }

        // The source in the pager, at the chunk's first line, then back.
        try tmux.send("o")
        try tmux.waitFor("PAGER-OPEN")
        let arguments = try String(contentsOf: record, encoding: .utf8)
        XCTAssertTrue(arguments.hasPrefix("+1 ") && arguments.contains("corpus/support/api-keys.md"), arguments)
        try tmux.send("Enter")
        try tmux.waitFor("Context · hybrid")

        try tmux.send("C-r")
        try tmux.waitFor("run 1/1", timeout: 15)
        try tmux.send("C-q")
        XCTAssertEqual(tmux.exitStatus(), 0)
        let sessions = demo.appendingPathComponent("sessions")
        let id = try XCTUnwrap(
            FileManager.default.contentsOfDirectory(atPath: sessions.path).first { !$0.hasPrefix(".") })
        let log = try String(contentsOf: sessions.appendingPathComponent("\(id)/runs.jsonl"), encoding: .utf8)
        XCTAssertTrue(log.contains("\"pinned\":true"), "the run records the pinned chunk")
        XCTAssertTrue(log.contains("\"method\":\"hybrid\""), log)
    }
}
