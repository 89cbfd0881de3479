import XCTest

@testable import WhetCore

/// A cell nothing checked is never a pass, in new results and in results files written before that rule.
final class EvalIntegrityTests: XCTestCase {
    func line(status: String, assertions: String) -> String {
        #"{"assertions":\#(assertions),"backend":"offline","case":{"description":"d","file":"evals/a.jsonl","line":1},"cell":"c","eval_id":"e","model":"m","output":"o","prompt":{"hash":"h","name":"p","path":"prompts/p.prompty"},"repeat":0,"score":1,"status":"\#(status)","time":"2026-11-24T00:00:00Z","variables":{}}"#
    }

    func testOldResultsThatPassedWithNothingCheckedAreReadAsNotRun() throws {
        let notRun = #"[{"reason":"needs a grader","score":0,"status":"not-run","type":"llm-rubric","weight":1}]"#
        let checked = #"[{"reason":"found","score":1,"status":"passed","type":"icontains","weight":1}]"#
        let data = Data(
            [
                line(status: "passed", assertions: notRun), line(status: "passed", assertions: "[]"),
                line(status: "passed", assertions: checked),
            ].joined(separator: "\n").utf8)
        let results = JSONLines.decode(EvalResult.self, from: data, displayPath: "r.jsonl").records
        XCTAssertEqual(results.map(\.status), [.notRun, .notRun, .passed])
        XCTAssertEqual(results[0].score, 0)
        XCTAssertEqual(results[1].notRunReason, "the case has no assertions")
        let verdict = EvalVerdict(results: results)
        XCTAssertEqual(verdict.passRate, 1)
        XCTAssertEqual(verdict.headline, "pass rate 100.0% [20.7–100.0] of 1; 2 not evaluated")
        XCTAssertEqual(
            EvalVerdict(results: [results[0]]).headline,
            "the eval checked nothing: no answer could be evaluated (llm-rubric: needs a grader)")
    }

    func testAComparisonNeverCallsANotEvaluatedCaseFixedOrRegressed() throws {
        let decode = { (text: String) in
            JSONLines.decode(EvalResult.self, from: Data(text.utf8), displayPath: "r").records
        }
        let before = decode(
            line(
                status: "passed",
                assertions: #"[{"reason":"x","score":1,"status":"passed","type":"icontains","weight":1}]"#))
        let after = decode(line(status: "passed", assertions: "[]"))
        let comparison = EvalComparison(before: before, after: after)
        XCTAssertEqual(comparison.changes.map(\.kind), [.notEvaluated])
        XCTAssertTrue(comparison.regressed.isEmpty)
    }
}
