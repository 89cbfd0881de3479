import Foundation
import WhetTestSupport
import XCTest

/// `whet report` checked the way a reader meets it: the HTML in a real headless browser (Debian's chromium:
/// the DOM after scripts ran, and a screenshot), the Markdown through a CommonMark renderer with GitHub tables
/// (cmark-gfm). Both are installed by scripts/install-deps.sh.
final class ReportCLITests: XCTestCase {
    var demo: URL!

    override func setUpWithError() throws { demo = try WhetProcess.copyOfDemo() }

    override func tearDownWithError() throws {
        proxy?.stop()
        try? FileManager.default.removeItem(at: demo)
    }

    /// Runs a program and returns its standard output.
    func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = demo.appendingPathComponent(".tool-out")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return try String(contentsOf: out, encoding: .utf8)
    }

    func chromium() throws -> String {
        try XCTUnwrap(
            ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
                FileManager.default.isExecutableFile(atPath: $0)
            },
            "chromium is installed by scripts/install-deps.sh")
    }

    /// Every request the browser makes goes to this loopback server as its proxy, so a report that fetched
    /// anything (an image, a font, a script) would show up in `proxy.requests`.
    var proxy: TestModelServer?

    /// What the page itself asked for: the browser's own calls home (network time and the like, to Google's
    /// hosts) are left out.
    var pageRequests: [String] {
        (proxy?.requests.map(\.path) ?? []).filter { path in
            !["google.com", "gstatic.com", "googleapis.com"].contains { path.contains($0) }
        }
    }

    /// The DOM after the page's own script ran.
    func dom(_ page: URL) throws -> String {
        let proxy = try self.proxy ?? TestModelServer([[.head(404, []), .end]])
        self.proxy = proxy
        return try run(
            try chromium(),
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--proxy-server=\(proxy.baseURL)",
                "--proxy-bypass-list=<-loopback>",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-features=NetworkTimeServiceQuerying",
                "--dump-dom", page.absoluteString,
            ])
    }

    func testTheDemoReportHasTheMatrixAndCellsInABrowser() throws {
        let eval = try WhetProcess.run(["-C", demo.path, "eval"])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let page = demo.appendingPathComponent("report.html")
        let made = try WhetProcess.run(["-C", demo.path, "report", "-o", page.path])
        XCTAssertEqual(made.status, 0, made.stderr)
        XCTAssertTrue(made.stderr.contains("written to \(page.path)"), made.stderr)
        let html = try String(contentsOf: page, encoding: .utf8)
        XCTAssertEqual(html.components(separatedBy: "<script").count, 2, "exactly one script, the report's own")
        XCTAssertTrue(html.contains("Content-Security-Policy\" content=\"default-src 'none'"), "a strict CSP")
        XCTAssertFalse(html.contains(" src="), "nothing is loaded from anywhere")
        for reference in ["href=\"http", "href=\"//", "url(", "@import", "<link", "<iframe", "<object"] {
            XCTAssertFalse(html.contains(reference), "nothing fetched from anywhere: \(reference)")
        }

        let dom = try dom(page)
        XCTAssertTrue(dom.contains("<table id=\"grid\">"), String(dom.prefix(500)))
        XCTAssertTrue(dom.contains("key rotation steps"))
        XCTAssertEqual(dom.components(separatedBy: "<details id=\"c").count - 1, 22, "every cell is in the DOM")
        XCTAssertTrue(dom.contains(">failures only</button>"), "the script ran under the CSP (it adds the filter)")
        XCTAssertTrue(dom.contains("Next move: prompt engineering"), "the advisor's verdict")
        XCTAssertTrue(dom.contains("<svg"), "charts inline")
        XCTAssertEqual(pageRequests, [], "the page fetched nothing")

        let png = demo.appendingPathComponent("report.png")
        _ = try run(
            try chromium(),
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1200,900", "--screenshot=\(png.path)",
                page.absoluteString,
            ])
        let size = (try FileManager.default.attributesOfItem(atPath: png.path)[.size] as? Int) ?? 0
        XCTAssertGreaterThan(size, 20_000, "a rendered page, not a blank one")
    }

    /// Outputs, labels and variables that are HTML or script are shown as text: nothing from them runs, and a
    /// results file is reported from anywhere, without a workspace.
    func testHostileResultsAreShownAsTextAndNothingRuns() throws {
        let hostile =
            #"<script>document.title='PWNED'</script><img src=http://attacker.example/p.png onerror=\"document.body.dataset.pwned=1\">"#
        let label = #"</td></tr></table><script>document.body.dataset.pwned=2</script>"#
        let line =
            #"{"assertions":[{"reason":"\#(hostile)","score":0,"status":"failed","type":"icontains","weight":1}],"backend":"offline","case":{"description":"\#(label)","file":"evals/x.jsonl","line":1},"cell":"c1","eval_id":"e","model":"m<b>","output":"\#(hostile)","prompt":{"hash":"h","name":"p","path":"prompts/p.prompty"},"repeat":0,"score":0,"status":"failed","time":"2026-11-24T00:00:00Z","variables":{"q":"\#(hostile)"}}"#
        let elsewhere = FileManager.default.temporaryDirectory.appendingPathComponent(
            "whet-report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        let results = elsewhere.appendingPathComponent("hostile.jsonl")
        try (line + "\n").write(to: results, atomically: true, encoding: .utf8)
        let page = elsewhere.appendingPathComponent("hostile.html")
        let made = try WhetProcess.run(["report", results.path, "-o", page.path], in: elsewhere)
        XCTAssertEqual(made.status, 0, made.stderr)
        let html = try String(contentsOf: page, encoding: .utf8)
        XCTAssertEqual(html.components(separatedBy: "<script").count, 2)
        XCTAssertFalse(html.contains("<img"))
        XCTAssertTrue(html.contains("&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;"))

        let dom = try dom(page)
        XCTAssertTrue(
            dom.contains("<title>whet eval hostile</title>"), "the title was not rewritten by a model's script")
        XCTAssertFalse(dom.contains("data-pwned"), "no handler or script from the results ran")
        XCTAssertFalse(dom.contains("<img"), "no element from the results was created")
        XCTAssertTrue(dom.contains("&lt;script&gt;document.title"), "the output is shown as text")
        XCTAssertEqual(pageRequests, [], "no image or script from the results was fetched")

        let markdown = try WhetProcess.run(["report", results.path, "--format", "md"], in: elsewhere)
        XCTAssertEqual(markdown.status, 0, markdown.stderr)
        let rendered = try cmark(markdown.stdout)
        XCTAssertFalse(rendered.contains("<script"), rendered)
        XCTAssertFalse(rendered.contains("<img"), rendered)
    }

    func cmark(_ markdown: String) throws -> String {
        let tool = try XCTUnwrap(
            ["/usr/bin/cmark-gfm"].first { FileManager.default.isExecutableFile(atPath: $0) },
            "cmark-gfm is installed by scripts/install-deps.sh")
        let input = demo.appendingPathComponent("report.md")
        try markdown.write(to: input, atomically: true, encoding: .utf8)
        return try run(tool, ["-e", "table", input.path])
    }

    /// The Markdown summary is real CommonMark with GitHub tables: a table per section that has one, the
    /// right number of rows, and a baseline comparison naming the regressed case.
    func testTheMarkdownSummaryRendersAsTablesWithTheRegressions() throws {
        let directory = demo.appendingPathComponent("evals/results")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let earlier =
            #"{"assertions":[{"reason":"found","score":1,"status":"passed","type":"icontains","weight":1}],"backend":"offline","case":{"description":"SSO","file":"evals/support.jsonl","line":10},"cell":"x","eval_id":"base00000000","model":"extractive-v1","output":"SAML","prompt":{"hash":"h","name":"support-answer","path":"prompts/support-answer.prompty"},"repeat":0,"score":1,"status":"passed","time":"2026-11-24T00:00:00Z","variables":{}}"#
        try (earlier + "\n").write(
            to: directory.appendingPathComponent("base00000000.jsonl"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try WhetProcess.run(["-C", demo.path, "eval", "evals/support.jsonl"]).status, 0)
        let markdown = try WhetProcess.run([
            "-C", demo.path, "report", "latest", "--baseline", "base0", "--format", "md",
        ])
        XCTAssertEqual(markdown.status, 0, markdown.stderr)
        XCTAssertTrue(markdown.stdout.contains("**Pass rate 92.3% [66.7–98.6] of 13**"), markdown.stdout)
        let html = try cmark(markdown.stdout)
        XCTAssertEqual(
            html.components(separatedBy: "<table>").count - 1, 2, "the variants table and the regressions table")
        XCTAssertTrue(html.contains("<td>SSO</td>"), html)
        XCTAssertTrue(html.contains("0 fixed, 1 regressed"), html)
    }

    /// 1,000 cases × 4 variants: every cell in the DOM, and the page still one file of a few MB.
    func testAThousandCasesByFourVariantsRenders() throws {
        var lines: [String] = []
        for variant in 0..<4 {
            for item in 0..<1_000 {
                let passed = (item * 7 + variant) % 5 != 0
                lines.append(
                    #"{"assertions":[{"reason":"r","score":\#(passed ? 1 : 0),"status":"\#(passed ? "passed" : "failed")","type":"icontains","weight":1}],"backend":"b\#(variant)","case":{"description":"case \#(item)","file":"evals/big.jsonl","line":\#(item + 1)},"cell":"c\#(variant)-\#(item)","cost_usd":0.001,"eval_id":"big","latency_ms":\#(100 + item % 900),"model":"m","output":"An answer for case \#(item).","prompt":{"hash":"h\#(variant % 2)","name":"p","path":"prompts/p.prompty"},"repeat":0,"score":\#(passed ? 1 : 0),"status":"\#(passed ? "passed" : "failed")","time":"2026-11-24T00:00:00Z","variables":{"question":"q\#(item)"}}"#
                )
            }
        }
        let results = demo.appendingPathComponent("big.jsonl")
        try (lines.joined(separator: "\n") + "\n").write(to: results, atomically: true, encoding: .utf8)
        let page = demo.appendingPathComponent("big.html")
        let made = try WhetProcess.run(["report", results.path, "-o", page.path], in: demo)
        XCTAssertEqual(made.status, 0, made.stderr)
        let dom = try dom(page)
        XCTAssertEqual(dom.components(separatedBy: "<details id=\"c").count - 1, 4_000)
        XCTAssertTrue(dom.contains("80.0% [77.4–82.4] of 1000"), "each column's rate in its header")
    }
}
