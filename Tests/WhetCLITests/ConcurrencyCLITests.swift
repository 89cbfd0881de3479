import Foundation
import XCTest

/// Several real `whet` processes on one workspace at once: what a user gets with a workbench open, a script
/// calling `whet run` in a loop, an eval in another terminal and `whet index` after a `git pull`.
final class ConcurrencyCLITests: XCTestCase {
    var demo: URL!

    override func setUpWithError() throws { demo = try WhetProcess.copyOfDemo() }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: demo) }

    /// Starts `bash -c script` with the workspace in `WS` and the binary in `WHET`; output goes to files.
    func start(_ script: String, name: String) throws -> (Process, URL) {
        let log = demo.appendingPathComponent(".whet-test-\(name).log")
        let process = try WhetProcess.start(
            ["-c", script], log: log, executable: URL(fileURLWithPath: "/bin/bash"),
            environment: ["WS": demo.path, "WHET": WhetProcess.binary.path])
        return (process, log)
    }

    func finish(_ started: [(Process, URL)]) throws -> [(status: Int32, output: String)] {
        try started.map { process, log in
            process.waitUntilExit()
            return (process.terminationStatus, try String(contentsOf: log, encoding: .utf8))
        }
    }

    func testThreeProcessesTenRunsEachNumberRunsUniquely() throws {
        let first = try WhetProcess.run([
            "-C", demo.path, "run", "--session", "new", "--var", "question=How do I rotate my API key?",
        ])
        XCTAssertEqual(first.status, 0, first.stderr)
        let sessions = try FileManager.default.contentsOfDirectory(atPath: demo.appendingPathComponent("sessions").path)
            .filter { !$0.hasPrefix(".") }
        let session = try XCTUnwrap(sessions.first)
        let loop = """
            set -e
            for i in $(seq 1 10); do "$WHET" -C "$WS" run --session \(session) --var "question=What limits apply? ($i)" >/dev/null; done
            """
        let results = try finish([try start(loop, name: "a"), try start(loop, name: "b"), try start(loop, name: "c")])
        for (status, output) in results {
            XCTAssertEqual(status, 0, output)
            XCTAssertFalse(output.contains("locked"), output)
            XCTAssertFalse(output.contains("delete it"), output)
        }
        let log = try String(contentsOf: demo.appendingPathComponent("sessions/\(session)/runs.jsonl"), encoding: .utf8)
        let numbers = log.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["run"] as? Int
        }
        XCTAssertEqual(numbers.count, 31, "every run recorded once, every line whole")
        XCTAssertEqual(numbers, Array(1...31), "numbers unique and increasing in file order")
    }

    func testEvalSearchesAndIndexRebuildsAtOnceNeverReportALockedIndex() throws {
        // A workbench open on the same workspace, running the prompt while the others work.
        let workbench = try TmuxSession([WhetProcess.binary.path], in: demo, width: 120, height: 36)
        try workbench.waitFor("Framework")
        let eval = try start(#""$WHET" -C "$WS" eval --no-cache --concurrency 2 evals/support.jsonl"#, name: "eval")
        let index = try start(
            #"for i in $(seq 1 6); do "$WHET" -C "$WS" index --rebuild || exit 1; done"#, name: "index")
        let search = try start(
            """
            for i in $(seq 1 15); do "$WHET" -C "$WS" search --top-k 3 "rotate api key" || exit 1; done
            """, name: "search")
        let runs = try start(
            """
            for i in $(seq 1 5); do "$WHET" -C "$WS" run --var "question=How do I rotate my API key?" >/dev/null || exit 1; done
            """, name: "runs")
        var screens: [String] = []
        for _ in 0..<5 {
            try workbench.send("C-r")
            Thread.sleep(forTimeInterval: 1.2)
            screens.append(try workbench.screen())
        }
        for (status, output) in try finish([eval, index, search, runs]) {
            XCTAssertEqual(status, 0, output)
            XCTAssertFalse(output.contains("database is locked"), output)
            XCTAssertFalse(output.contains("delete it"), output)
        }
        try workbench.send("C-r")
        try workbench.waitFor("saved to sessions/")
        for screen in screens + [try workbench.screen()] {
            XCTAssertFalse(screen.contains("locked") || screen.contains("delete it"), screen)
        }
        // The workbench and the CLI runs went to the same current session: one record per run, numbers unique.
        let sessions = try FileManager.default.contentsOfDirectory(atPath: demo.appendingPathComponent("sessions").path)
            .filter { !$0.hasPrefix(".") }
        for session in sessions {
            let log = try String(
                contentsOf: demo.appendingPathComponent("sessions/\(session)/runs.jsonl"), encoding: .utf8)
            let numbers = log.split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["run"] as? Int
            }
            XCTAssertEqual(numbers, Array(1...max(1, numbers.count)), "session \(session)")
        }
        let after = try WhetProcess.run(["-C", demo.path, "search", "--json", "rotate api key"])
        XCTAssertEqual(after.status, 0, after.stderr)
        XCTAssertTrue(after.stdout.contains("api-keys.md"), after.stdout)
    }

    func testTheSameEvalStartedTwiceIsRunOnceAndTheSecondSaysWhoHoldsIt() throws {
        let script = #""$WHET" -C "$WS" eval --no-cache --concurrency 1 --json evals/support.jsonl"#
        let results = try finish([try start(script, name: "one"), try start(script, name: "two")])
        for (status, output) in results { XCTAssertEqual(status, 0, output) }
        XCTAssertTrue(
            results.contains { $0.output.contains("is being run by whet eval (pid") },
            results.map(\.output).joined(separator: "\n---\n").prefix(2000).description)
        let directory = demo.appendingPathComponent("evals/results")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter {
            $0.hasSuffix(".jsonl")
        }
        XCTAssertEqual(files.count, 1)
        let lines = try String(contentsOf: directory.appendingPathComponent(files[0]), encoding: .utf8).split(
            separator: "\n")
        let cells = lines.compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["cell"] as? String
        }
        XCTAssertEqual(cells.count, Set(cells).count, "no cell run twice")
        XCTAssertEqual(cells.count, lines.count)
    }
}
