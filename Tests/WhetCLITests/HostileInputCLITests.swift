import Foundation
import WhetTestSupport
import XCTest

/// What a hostile server or a hostile corpus can do to the real `whet` binary: bounded memory, a named limit,
/// and nothing that reaches the terminal as a control sequence.
final class HostileInputCLITests: XCTestCase {
    var demo: URL!
    var server: TestModelServer?

    override func setUpWithError() throws { demo = try WhetProcess.copyOfDemo() }

    override func tearDownWithError() throws {
        server?.stop()
        try? FileManager.default.removeItem(at: demo)
    }

    func addBackend(_ server: TestModelServer) throws {
        let config = demo.appendingPathComponent("whet.toml")
        let text = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(
            of: "[retrieval]",
            with: """
                [backends.local]
                kind = "openai"
                model = "test-model"
                base_url = "\(server.baseURL)/v1"
                max_retries = 0

                [retrieval]
                """)
        try text.write(to: config, atomically: true, encoding: .utf8)
    }

    /// Runs whet and samples its peak resident memory (VmHWM) until it exits.
    func runMeasuringPeak(_ arguments: [String]) throws -> (WhetProcess.Result, peakKiB: Int) {
        let process = Process()
        process.executableURL = WhetProcess.binary
        process.arguments = arguments
        let outURL = demo.appendingPathComponent(".whet-test-stdout")
        let errURL = demo.appendingPathComponent(".whet-test-stderr")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        var peak = 0
        while process.isRunning {
            if let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
                let kib = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
            {
                peak = max(peak, kib)
            }
            usleep(10_000)
        }
        process.waitUntilExit()
        return (
            WhetProcess.Result(
                status: process.terminationStatus, stdout: try String(contentsOf: outURL, encoding: .utf8),
                stderr: try String(contentsOf: errURL, encoding: .utf8)), peak
        )
    }

    /// A server that sends one 64 MiB line: whet stops at the 8 MiB limit, names the setting, and its memory
    /// grows by no more than about twice the limit over a normal run.
    func testA64MiBLineRaisesMemoryByAtMostAboutTwiceTheLimit() throws {
        let megabyte = String(repeating: "x", count: 1 << 20)
        var longLine: [TestModelServer.Step] = [.head(200, [("Content-Type", "text/event-stream")]), .chunk("data: ")]
        for _ in 0..<64 { longLine.append(.chunk(megabyte)) }
        longLine.append(.end)
        let server = try TestModelServer([TestModelServer.openAIStream(["A normal ", "answer."]), longLine])
        self.server = server
        try addBackend(server)
        let (normal, normalPeak) = try runMeasuringPeak([
            "-C", demo.path, "run", "--backend", "local", "--no-retrieval",
        ])
        XCTAssertEqual(normal.status, 0, normal.stderr)
        let (hostile, hostilePeak) = try runMeasuringPeak([
            "-C", demo.path, "run", "--backend", "local", "--no-retrieval",
        ])
        XCTAssertEqual(hostile.status, 1, hostile.stderr)
        XCTAssertTrue(
            hostile.stderr.contains("one streamed event larger than 8 MiB (max_response_bytes in [backends.local])"),
            hostile.stderr)
        let growthMiB = Double(hostilePeak - normalPeak) / 1024
        print(
            "peak RSS: normal run \(normalPeak / 1024) MiB, 64 MiB-line server \(hostilePeak / 1024) MiB (+\(growthMiB) MiB)"
        )
        XCTAssertLessThan(growthMiB, 2.5 * 8, "memory must stay within about twice the 8 MiB limit")
    }

    /// A file name with an OSC title sequence and document text with a bidi override: `whet index` and
    /// `whet search` show them escaped, and `--json` keeps the exact values.
    func testEscapesInPathsAndBidiOverridesInTextNeverReachTheTerminal() throws {
        let name = "ev\u{1B}]0;PWNED\u{07}il.md"
        let text =
            "# Invoice \u{1B}[2J heading\n\nRefund policy: \u{202E}fdp.exe\u{202C} refunds are paid within 14 days.\n"
        try text.write(to: demo.appendingPathComponent("corpus/\(name)"), atomically: true, encoding: .utf8)
        let index = try WhetProcess.run(["-C", demo.path, "index"])
        let search = try WhetProcess.run(["-C", demo.path, "search", "refund policy paid within 14 days"])
        for result in [index, search] {
            XCTAssertEqual(result.status, 0, result.stderr)
            for output in [result.stdout, result.stderr] {
                XCTAssertFalse(
                    output.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{202E}" }, output)
            }
        }
        XCTAssertTrue(search.stdout.contains("ev^[]0;PWNED^Gil.md"), search.stdout)
        XCTAssertTrue(search.stdout.contains("<U+202E>fdp.exe<U+202C>"), search.stdout)
        let json = try WhetProcess.run(["-C", demo.path, "search", "--json", "refund policy paid within 14 days"])
        let results = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        XCTAssertEqual(results?.first?["path"] as? String, "corpus/\(name)", "JSON keeps the exact path")
    }

    func testACorpusFileOverTheLimitIsSkippedWithTheSettingNamed() throws {
        let config = demo.appendingPathComponent("whet.toml")
        try (String(contentsOf: config, encoding: .utf8) + "\n[limits]\nmax_file_bytes = 4096\n").write(
            to: config, atomically: true, encoding: .utf8)
        try String(repeating: "big words here. ", count: 1000).write(
            to: demo.appendingPathComponent("corpus/huge.md"), atomically: true, encoding: .utf8)
        let index = try WhetProcess.run(["-C", demo.path, "index"])
        XCTAssertEqual(index.status, 0, index.stderr)
        XCTAssertTrue(
            index.stderr.contains(
                "corpus/huge.md: warning: skipped: the file is 15.6 KiB, over the limit of 4 KiB ([limits] max_file_bytes)"
            ),
            index.stderr)
        XCTAssertTrue(
            index.stdout.contains(" skipped\n") && index.stdout.contains("skipped: corpus/"), index.stdout)
    }
}
