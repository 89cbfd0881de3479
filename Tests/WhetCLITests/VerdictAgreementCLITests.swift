import Foundation
import WhetCore
import XCTest

/// One results file, every consumer: `whet eval` (text, `--json`, `--junit`), `whet advise` (text and JSON) and
/// `whet report` (HTML and Markdown) state the same counts, rate, interval and verdict as the core's
/// `EvalVerdict` of that file. (The workbench's status line, sidebar and results view are checked against the
/// same value in `VerdictInTheWorkbenchTests`.)
final class VerdictAgreementCLITests: XCTestCase {
    var demo: URL!

    override func setUpWithError() throws { demo = try WhetProcess.copyOfDemo() }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: demo) }

    func testEveryConsumerStatesTheSameVerdict() throws {
        try? FileManager.default.removeItem(at: demo.appendingPathComponent("evals/results"))
        let junit = demo.appendingPathComponent("junit.xml")
        let eval = try WhetProcess.run(["-C", demo.path, "eval", "evals/support.jsonl", "--junit", junit.path])
        XCTAssertEqual(eval.status, 0, eval.stderr)
        let directory = demo.appendingPathComponent("evals/results")
        let name = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: directory.path).first)
        let url = directory.appendingPathComponent(name)
        let verdict = EvalVerdict(
            id: String(name.dropLast(6)), results: EvalResultsFile.read(url, displayPath: name).results)
        let rate = try XCTUnwrap(verdict.rate)
        XCTAssertTrue(rate.text.contains("["), rate.text)

        XCTAssertTrue(eval.stdout.contains(verdict.headline), "eval text:\n\(eval.stdout)\nwants \(verdict.headline)")

        let json = try WhetProcess.run(["-C", demo.path, "eval", "evals/support.jsonl", "--json"])
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let jsonVerdict = try XCTUnwrap(object["verdict"] as? [String: Any])
        let jsonRate = try XCTUnwrap(jsonVerdict["rate"] as? [String: Any])
        XCTAssertEqual(jsonVerdict["headline"] as? String, verdict.headline)
        XCTAssertEqual(jsonRate["lower"] as? Double ?? -1, rate.lower, accuracy: 1e-12)
        XCTAssertEqual(jsonRate["upper"] as? Double ?? -1, rate.upper, accuracy: 1e-12)
        XCTAssertEqual(jsonRate["method"] as? String, "wilson")
        XCTAssertEqual((jsonVerdict["counts"] as? [String: Any])?["passed"] as? Int, verdict.counts.passed)
        XCTAssertEqual((object["results"] as? [Any])?.count, verdict.results.count)

        let xml = try String(contentsOf: junit, encoding: .utf8)
        XCTAssertTrue(xml.contains("name=\"pass_rate_text\" value=\"\(rate.text)\""), xml)
        XCTAssertTrue(xml.contains("failures=\"\(verdict.counts.failed)\""), xml)

        let advise = try WhetProcess.run(["-C", demo.path, "advise", "--results", url.path])
        XCTAssertTrue(advise.stdout.contains(verdict.headline), advise.stdout)
        let adviceJSON = try WhetProcess.run(["-C", demo.path, "advise", "--results", url.path, "--json"])
        let advice = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(adviceJSON.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(advice["headline"] as? String, verdict.headline)
        XCTAssertEqual((advice["rate"] as? [String: Any])?["lower"] as? Double ?? -1, rate.lower, accuracy: 1e-12)

        let markdown = try WhetProcess.run(["-C", demo.path, "report", "latest", "--format", "md"])
        XCTAssertTrue(markdown.stdout.contains("**Pass rate \(rate.text)**"), markdown.stdout)
        let page = demo.appendingPathComponent("r.html")
        XCTAssertEqual(try WhetProcess.run(["-C", demo.path, "report", "latest", "-o", page.path]).status, 0)
        let html = try String(contentsOf: page, encoding: .utf8)
        XCTAssertTrue(html.contains("<strong>\(rate.text)</strong>"), "the HTML header states the same rate")
    }
}
