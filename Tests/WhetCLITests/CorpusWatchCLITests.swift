import Foundation
import XCTest

/// `whet index --watch` in one terminal, `whet search` in another: the watch indexes each change as it
/// happens, a search right after an edit finds it (the journal is up to date with every change made before
/// the search asked), and a watch killed with -9 leaves searches comparing the corpus file by file.
final class CorpusWatchCLITests: XCTestCase {
    var demo: URL!

    override func setUpWithError() throws { demo = try WhetProcess.copyOfDemo() }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: demo) }

    func startWatch(_ name: String = "watch") throws -> (Process, URL) {
        let log = demo.appendingPathComponent(".whet-\(name).log")
        return (try WhetProcess.start(["-C", demo.path, "index", "--watch"], log: log), log)
    }

    func waitFor(_ text: String, in log: URL, seconds: Double = 60) throws -> String {
        let deadline = Date(timeIntervalSinceNow: seconds)
        var output = ""
        while Date() < deadline {
            output = try String(contentsOf: log, encoding: .utf8)
            if output.contains(text) { return output }
            usleep(50_000)
        }
        XCTFail("no \"\(text)\" in the watch's output:\n\(output)")
        return output
    }

    func testAWatchIndexesChangesAndSearchesSeeThemAtOnce() throws {
        let (watch, log) = try startWatch()
        defer {
            watch.terminate()
            watch.waitUntilExit()
        }
        _ = try waitFor("for changes; Ctrl-C stops", in: log)
        let page = demo.appendingPathComponent("corpus/watched-page.md")
        try "# Quotas\n\nThe zebracorn quota resets at midnight UTC.\n".write(
            to: page, atomically: false, encoding: .utf8)
        // Straight after the write: the search's cookie makes the watch journal the write first.
        let search = try WhetProcess.run(["-C", demo.path, "search", "--top-k", "1", "zebracorn"])
        XCTAssertEqual(search.status, 0, search.stderr)
        XCTAssertTrue(search.stdout.contains("watched-page.md"), search.stdout)
        // The watch indexes on its own too.
        try "# Quotas\n\nThe unicornfish quota resets at noon.\n".write(to: page, atomically: true, encoding: .utf8)
        let output = try waitFor("1 updated", in: log)
        XCTAssertTrue(output.contains("indexed:"), output)
        let indexed = try WhetProcess.run(["-C", demo.path, "search", "--top-k", "1", "unicornfish"])
        XCTAssertTrue(indexed.stdout.contains("watched-page.md"), indexed.stdout + indexed.stderr)

        // Killed: the lock goes with it, and searches compare the corpus file by file again.
        kill(watch.processIdentifier, SIGKILL)
        watch.waitUntilExit()
        try "# Quotas\n\nThe narwhalbird quota resets weekly.\n".write(to: page, atomically: false, encoding: .utf8)
        let after = try WhetProcess.run(["-C", demo.path, "search", "--top-k", "1", "narwhalbird"])
        XCTAssertTrue(after.stdout.contains("watched-page.md"), after.stdout + after.stderr)
    }

    func testASecondWatchSaysWhoWatchesAndAStoreRefusesTheFlag() throws {
        let (watch, log) = try startWatch()
        defer {
            watch.terminate()
            watch.waitUntilExit()
        }
        _ = try waitFor("for changes; Ctrl-C stops", in: log)
        let (second, secondLog) = try startWatch("second-watch")
        defer {
            second.terminate()
            second.waitUntilExit()
        }
        let output = try waitFor("already watches", in: secondLog)
        XCTAssertTrue(output.contains("pid \(watch.processIdentifier)"), output)
        // The first is killed: the second takes the watch over.
        kill(watch.processIdentifier, SIGKILL)
        watch.waitUntilExit()
        _ = try waitFor("for changes; Ctrl-C stops", in: secondLog)
        let refused = try WhetProcess.run([
            "-C", demo.path, "index", "--watch", "--store", "postgresql://whet@127.0.0.1:1/none",
        ])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.stderr.contains("--watch"), refused.stderr)
    }
}
