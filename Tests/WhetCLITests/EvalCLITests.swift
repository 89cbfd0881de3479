import Foundation
import XCTest

/// `whet eval` and `whet advise` end to end on a copy of the demo workspace, offline.
final class EvalCLITests: XCTestCase {
    var demo: URL!

    override func setUpWithError() throws { demo = try WhetProcess.copyOfDemo() }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: demo) }

    func testEvalGatesResumesAndTheAdvisorRecommendsWithEvidence() throws {
        try? FileManager.default.removeItem(at: demo.appendingPathComponent("evals/results"))
        let junit = demo.appendingPathComponent("report.xml")
        let first = try WhetProcess.run(["-C", demo.path, "eval", "--junit", junit.path, "--fail-under", "96%"])
        XCTAssertEqual(first.status, 1, "the demo's offline answers miss some expected facts")
        XCTAssertTrue(first.stdout.contains("pass rate"), first.stdout)
        XCTAssertTrue(first.stdout.contains("failures:"), first.stdout)
        XCTAssertTrue(first.stderr.contains("below --fail-under 96.0%"), first.stderr)
        let xml = try String(contentsOf: junit, encoding: .utf8)
        XCTAssertTrue(xml.hasPrefix("<?xml") && xml.contains("<testsuites name=\"whet eval "), xml)

        let results = try FileManager.default.contentsOfDirectory(
            atPath: demo.appendingPathComponent("evals/results").path)
        XCTAssertEqual(results.count, 1)
        let again = try WhetProcess.run(["-C", demo.path, "eval"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("from an earlier run, not repeated"), again.stdout)

        let advice = try WhetProcess.run(["-C", demo.path, "advise"])
        XCTAssertEqual(advice.status, 0, advice.stderr)
        XCTAssertTrue(advice.stdout.contains("failures by class:"), advice.stdout)
        XCTAssertTrue(advice.stdout.contains("next: "), advice.stdout)
        XCTAssertTrue(advice.stdout.contains("based on: "), advice.stdout)

        let json = try WhetProcess.run(["-C", demo.path, "advise", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let recommendation = object?["recommendation"] as? [String: Any]
        XCTAssertNotNil(recommendation?["move"] as? String)
        XCTAssertFalse((recommendation?["based_on"] as? [String] ?? []).isEmpty)
        XCTAssertEqual((object?["fine_tuning"] as? [String: Any])?["minimum"] as? Int, 10)
    }

    func testPromptVersionsAreListedWithPassRatesAndDiffed() throws {
        try? FileManager.default.removeItem(at: demo.appendingPathComponent("evals/results"))
        XCTAssertNotEqual(try WhetProcess.run(["-C", demo.path, "eval", "evals/support.jsonl"]).status, 2)
        let prompt = demo.appendingPathComponent("prompts/support-answer.prompty")
        let text = try String(contentsOf: prompt, encoding: .utf8)
        try text.replacingOccurrences(
            of: "Think through which passages", with: "Think step by step about which passages"
        )
        .write(to: prompt, atomically: true, encoding: .utf8)
        XCTAssertNotEqual(try WhetProcess.run(["-C", demo.path, "eval", "evals/support.jsonl"]).status, 2)

        let list = try WhetProcess.run(["-C", demo.path, "prompts", "--versions", "support-answer"])
        XCTAssertEqual(list.status, 0, list.stderr)
        let rows = list.stdout.split(separator: "\n").dropFirst()
        XCTAssertEqual(rows.count, 2, list.stdout)
        XCTAssertTrue(rows.allSatisfy { $0.contains("] of 13") }, "each case once, with its interval: \(list.stdout)")
        XCTAssertTrue(rows.last?.hasSuffix("(on disk)") ?? false, list.stdout)
        let hashes = rows.map { String($0.prefix(8)) }
        let diff = try WhetProcess.run([
            "-C", demo.path, "prompts", "--versions", "support-answer", "--diff", hashes[0], hashes[1],
        ])
        XCTAssertEqual(diff.status, 0, diff.stderr)
        XCTAssertTrue(diff.stdout.contains("\n-Think through which passages"), diff.stdout)
        XCTAssertTrue(diff.stdout.contains("\n+Think step by step about which passages"), diff.stdout)
    }

    func testABaselineComparisonNamesRegressionsAndCanFailCI() throws {
        try? FileManager.default.removeItem(at: demo.appendingPathComponent("evals/results"))
        try FileManager.default.createDirectory(
            at: demo.appendingPathComponent("evals/results"), withIntermediateDirectories: true)
        // An earlier eval in which the SSO case passed (the offline demo answer misses "SAML" today).
        let earlier =
            #"{"assertions":[{"reason":"found","score":1,"status":"passed","type":"icontains","weight":1}],"backend":"offline","case":{"description":"SSO","file":"evals/support.jsonl","line":10},"cell":"x","eval_id":"base00000000","model":"extractive-v1","output":"SAML","prompt":{"hash":"h","name":"support-answer","path":"prompts/support-answer.prompty"},"repeat":0,"score":1,"status":"passed","time":"2026-11-24T00:00:00Z","variables":{}}"#
        try (earlier + "\n").write(
            to: demo.appendingPathComponent("evals/results/base00000000.jsonl"), atomically: true, encoding: .utf8)
        // One case of one regressed is within noise: the default gate (a bare flag means `significant`) holds.
        let gated = try WhetProcess.run([
            "-C", demo.path, "eval", "evals/support.jsonl", "--baseline", "base0", "--fail-on-regression",
        ])
        XCTAssertEqual(gated.status, 0, gated.stdout + gated.stderr)
        XCTAssertTrue(
            gated.stdout.contains(
                "compared with eval base00000000 (100.0% [20.7–100.0] of 1): 0 fixed, 1 regressed · −1 case, "
                    + "−100.0 points ["), gated.stdout)
        XCTAssertTrue(gated.stdout.contains("p = 1.00: within noise"), gated.stdout)
        XCTAssertTrue(gated.stdout.contains("(add cases or --repeat to tell it from noise)"), gated.stdout)
        XCTAssertTrue(gated.stdout.contains("▼ regressed  SSO  100% → 0%"), gated.stdout)
        // `any` fails on it.
        let strict = try WhetProcess.run([
            "-C", demo.path, "eval", "evals/support.jsonl", "--baseline", "base0", "--fail-on-regression", "any",
        ])
        XCTAssertEqual(strict.status, 1, strict.stdout + strict.stderr)
        XCTAssertTrue(
            strict.stderr.contains("1 case(s) regressed against eval base00000000 (--fail-on-regression any)"),
            strict.stderr)
        let typo = try WhetProcess.run(["-C", demo.path, "eval", "--baseline", "base0", "--fail-on-regression=some"])
        XCTAssertEqual(typo.status, 1)
        XCTAssertTrue(typo.stderr.contains("significant"), typo.stderr)
        let previous = try WhetProcess.run(["-C", demo.path, "eval", "evals/support.jsonl", "--baseline", "previous"])
        XCTAssertEqual(previous.status, 0, "without --fail-on-regression a regression is reported, not fatal")
        let missing = try WhetProcess.run(["-C", demo.path, "eval", "--baseline", "nope"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(
            missing.stderr.contains("no eval in evals/results/ has an id starting with 'nope'"), missing.stderr)
    }

    func testBadEvalInputIsOneLine() throws {
        let rate = try WhetProcess.run(["-C", demo.path, "eval", "--fail-under", "lots"])
        XCTAssertNotEqual(rate.status, 0)
        XCTAssertTrue(rate.stderr.contains("--fail-under expects a rate"), rate.stderr)
        let missing = try WhetProcess.run(["-C", demo.path, "eval", "evals/nope.jsonl"], in: demo)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("nope.jsonl: error: cannot read the eval file"), missing.stderr)
        try "{\"vars\": {\"question\": \"x\"}, \"assert\": 3}\n".write(
            to: demo.appendingPathComponent("evals/broken.jsonl"), atomically: true, encoding: .utf8)
        let broken = try WhetProcess.run(["-C", demo.path, "eval"])
        XCTAssertEqual(broken.status, 1)
        XCTAssertTrue(broken.stderr.hasPrefix("evals/broken.jsonl:1:1: error: 'assert'"), broken.stderr)
    }

    /// A case runs with the prompt it names, never on another prompt's sample values.
    func testCasesRunWithTheirPromptsAndNeverOnSampleValues() throws {
        let python = try WhetProcess.run(["-C", demo.path, "eval", "evals/python.jsonl", "--json"])
        XCTAssertEqual(python.status, 0, python.stderr)
        let cells = try WhetProcess.evalCells(python.stdout)
        XCTAssertEqual(cells.count, 3)
        XCTAssertEqual(Set(cells.compactMap { ($0["prompt"] as? [String: Any])?["name"] as? String }), ["python-tutor"])

        let wrong = try WhetProcess.run(["-C", demo.path, "eval", "evals/python.jsonl", "--prompt", "support-answer"])
        XCTAssertEqual(wrong.status, 1)
        XCTAssertTrue(
            wrong.stderr.contains(
                "3 case(s) not run: they name only other prompts (python-tutor); --prompt python-tutor runs them"),
            wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("no case is for the prompt(s) given"), wrong.stderr)

        try
            #"{"description": "no question", "vars": {"topic": "x"}, "assert": [{"type": "icontains", "value": "key"}]}"#
            .write(to: demo.appendingPathComponent("evals/loose.jsonl"), atomically: true, encoding: .utf8)
        let loose = try WhetProcess.run(["-C", demo.path, "eval", "evals/loose.jsonl"])
        XCTAssertEqual(loose.status, 1, "the only cell could not run: nothing was checked")
        XCTAssertTrue(
            loose.stdout.contains(
                "the case does not set 'question', which prompt 'support-answer' uses (it sets 'topic'; evals never use sample values)"
            ),
            loose.stdout)
    }
}
