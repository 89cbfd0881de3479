import XCTest

@testable import WhetCore

/// One verdict per eval, read the same by every consumer, and each walkthrough finding that made two of them
/// disagree: a cell nothing checked counted as passed by the advisor, an all-error eval used as a baseline,
/// cases counted twice per prompt version, prompts joined in the history chart, advice that repeated the
/// prompt, and failed runs read as the application's failures.
final class EvalVerdictTests: XCTestCase {
    static let groundedPrompt = """
        ---
        name: answer
        inputs:
          question:
            sample: x
        ---
        system:
        You are a support engineer. Answer only from the context below, and say so when it is not in the context.
        Quote the passage you rely on before answering, and think step by step.
        {{context}}
        user:
        {{question}}
        """

    func cell(
        _ line: Int, _ status: EvalResult.Status, eval: String = "e", hash: String = "v1", repeatIndex: Int = 0,
        prompt: String = "answer", time: String = "2026-12-01T10:00:00Z", error: String? = nil,
        output: String = "an answer", context: String = "x"
    ) -> EvalResult {
        let assertions: [AssertionResult] =
            switch status {
            case .passed: [AssertionResult(type: "icontains", status: .passed, score: 1, reason: "found")]
            case .failed:
                {
                    var failed = AssertionResult(
                        type: "icontains", status: .failed, score: 0, reason: "\"SAML\" not found in the output")
                    failed.expected = ["SAML"]
                    return [failed]
                }()
            case .notRun: [AssertionResult(type: "llm-rubric", status: .notRun, score: 0, reason: "needs a grader")]
            case .error: []
            }
        let chunk = ContextChunk(
            chunk: RetrievedChunk(
                rank: 1, path: "corpus/a.md", startLine: 1, endLine: 1, headingPath: [], score: 1, matchedTerms: [],
                text: context), citation: 1, omitted: nil)
        return EvalResult(
            evalID: eval, cell: "\(eval)-\(hash)-\(line)-\(repeatIndex)-\(prompt)", time: time,
            caseRef: .init(file: "evals/cases.jsonl", line: line, description: "case \(line)"),
            prompt: .init(name: prompt, path: "prompts/\(prompt).prompty", hash: hash), backend: "offline",
            model: "m", repeatIndex: repeatIndex, variables: ["question": "q\(line)"],
            retrieval: RetrievalRecord(method: "bm25", topK: 5, query: "q", contextTokenBudget: 1500, chunks: [chunk]),
            output: status == .error ? "" : output, latencyMs: 10, costUSD: nil, cached: nil, error: error,
            assertions: assertions, status: status, score: status == .passed ? 1 : 0)
    }

    func workspace(prompt: String = EvalVerdictTests.groundedPrompt) throws -> TestWorkspace {
        try TestWorkspace(files: ["prompts/answer.prompty": prompt])
    }

    func write(_ results: [EvalResult], id: String, in files: TestWorkspace) throws -> URL {
        let url = files.root.appendingPathComponent("evals/results/\(id).jsonl")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        for result in results { try JSONLines.append(result, to: url) }
        return url
    }

    func testAdviceAfterANotEvaluatedCellNeverSaysEveryCellPasses() throws {
        let files = try workspace()
        let url = try write(
            [cell(1, .passed), cell(2, .passed), cell(3, .passed), cell(4, .notRun)], id: "e", in: files)
        let advice = try Advisor.advise(workspace: try files.open(), resultsURL: url)
        XCTAssertEqual(advice.recommendation.move, "keep going")
        XCTAssertFalse(advice.recommendation.why.contains("All 4"), advice.recommendation.why)
        XCTAssertTrue(advice.recommendation.why.hasPrefix("All 3 checked answers pass (100.0% [43.9–100.0] of 3)."))
        XCTAssertTrue(advice.recommendation.why.contains("1 cell(s) were not evaluated"), advice.recommendation.why)
        XCTAssertEqual(advice.headline, "pass rate 100.0% [43.9–100.0] of 3; 1 not evaluated")
    }

    func testAnEvalWhoseRunsAllFailedIsNoBaselineAndTicksNothing() throws {
        let files = try workspace()
        let good = try write(
            (1...13).map { cell($0, $0 == 5 ? .failed : .passed, eval: "good", time: "2026-12-01T09:00:00Z") },
            id: "good", in: files)
        _ = good
        let missing = "the case does not set 'question', which prompt 'answer' uses"
        let broken = try write(
            (1...13).map { cell($0, .error, eval: "broken", time: "2026-12-01T10:00:00Z", error: missing) },
            id: "broken", in: files)
        let workspace = try files.open()
        let verdict = EvalVerdict(
            id: "broken", results: EvalResultsFile.read(broken, displayPath: "broken").results)
        XCTAssertFalse(verdict.checkedAnything)
        XCTAssertEqual(verdict.headline, "the eval checked nothing: 13 of 13 runs failed (\(missing))")

        let advice = try Advisor.advise(workspace: workspace, resultsURL: broken)
        XCTAssertFalse(advice.checkedAnything)
        XCTAssertEqual(advice.checklist["eval baseline"], false, "an eval that checked nothing is no baseline")
        XCTAssertEqual(advice.recommendation.move, "fix the runs")
        XCTAssertTrue(advice.recommendation.steps.first?.contains(missing) ?? false, "\(advice.recommendation.steps)")

        // A later eval compares with the last eval that checked something, never with the broken one.
        let later = try write(
            (1...13).map { cell($0, .passed, eval: "later", time: "2026-12-01T11:00:00Z") }, id: "later", in: files)
        let history = EvalHistory(workspace: workspace).files()
        XCTAssertEqual(EvalHistory.pick("previous", in: history, excluding: "later")?.id, "good")
        let laterAdvice = try Advisor.advise(workspace: workspace, resultsURL: later)
        XCTAssertEqual(laterAdvice.change?.evalID, "good")
        XCTAssertEqual(laterAdvice.change?.difference.fixed, 1, "one case fixed against the eval that checked it")
    }

    func testAContextSizeErrorMakesFixingTheRunsTheFirstMove() throws {
        let files = try workspace()
        let error =
            "backend 'smol' (http://127.0.0.1:8080/v1/chat/completions): HTTP 400 exceed_context_size_error: request "
            + "(696 tokens) exceeds the available context size (512 tokens)"
        let results = (1...22).map { cell($0, $0 == 1 ? .passed : .error, error: $0 == 1 ? nil : "error: " + error) }
        let url = try write(results, id: "smol", in: files)
        let advice = try Advisor.advise(workspace: try files.open(), resultsURL: url)
        XCTAssertEqual(advice.recommendation.move, "fix the runs")
        XCTAssertTrue(advice.recommendation.why.hasPrefix("21 of 22 runs failed"), advice.recommendation.why)
        let steps = advice.recommendation.steps.joined(separator: "\n")
        XCTAssertTrue(steps.contains("the request had 696 tokens; the server's context holds 512"), steps)
        XCTAssertTrue(steps.contains("[retrieval] top_k = 1 (now 3)"), steps)
        XCTAssertTrue(steps.contains("context_token_budget"), steps)
        XCTAssertTrue(steps.contains("max_tokens"), steps)
        XCTAssertFalse(steps.contains("expected facts"), "no advice about cases: \(steps)")
        XCTAssertEqual(advice.runFailures?.groups.first?.example, error, "recorded once, without `error: error:`")
        XCTAssertEqual(advice.headline, "pass rate 100.0% [20.7–100.0] of 1; 21 runs failed (not counted)")
    }

    func testAdviceNeverAsksForWhatThePromptAlreadyDoes() throws {
        let files = try workspace()
        let url = try write(
            [cell(1, .failed, output: "I am not sure.", context: "Use SAML for single sign-on."), cell(2, .passed)],
            id: "g", in: files)
        let advice = try Advisor.advise(workspace: try files.open(), resultsURL: url)
        let steps = advice.recommendation.steps.joined(separator: "\n")
        XCTAssertFalse(steps.contains("answer only from the context"), steps)
        XCTAssertFalse(steps.contains("quote the passage"), steps)
        XCTAssertFalse(steps.contains("room to think"), steps)
        XCTAssertTrue(
            advice.recommendation.why.contains("rewording is exhausted for grounding"), advice.recommendation.why)
        XCTAssertTrue(steps.contains("examples of a grounded answer"), "the next lever: \(steps)")

        // The same failure under a prompt that says none of it gets those steps.
        let plain = try workspace(prompt: "system:\nHelp.\n{{context}}\nuser:\n{{question}}\n")
        let plainURL = try write(
            [cell(1, .failed, output: "I am not sure.", context: "Use SAML for single sign-on.")], id: "g", in: plain)
        let plainSteps = try Advisor.advise(workspace: try plain.open(), resultsURL: plainURL).recommendation.steps
        XCTAssertTrue(plainSteps.contains { $0.contains("answer only from the context") }, "\(plainSteps)")
    }

    func testAVersionCountsEachCaseOnceAcrossEvals() throws {
        let first = (1...13).map { cell($0, $0 == 3 ? .failed : .passed, eval: "a", time: "2026-12-01T09:00:00Z") }
        var second = (1...13).map { cell($0, .passed, eval: "b", time: "2026-12-01T10:00:00Z") }
        second[0].cell = "other"
        let files = [
            EvalHistory.File(id: "a", path: "a", results: first, time: "2026-12-01T09:00:00Z"),
            EvalHistory.File(id: "b", path: "b", results: second, time: "2026-12-01T10:00:00Z"),
        ]
        let versions = VersionRate.compute(files: files)
        XCTAssertEqual(versions.count, 1)
        XCTAssertEqual(versions[0].estimate.answered, 13, "13 cases, not 26 cells")
        XCTAssertEqual(versions[0].estimate.passed, 13, "the newest eval's answer of each case wins")
        XCTAssertEqual(versions[0].evals, 1)
    }

    func testTheHistoryChartHasOneLinePerPrompt() throws {
        let files = try workspace()
        let results =
            (1...3).map { cell($0, .passed, hash: "a06d", prompt: "support-answer") }
            + (4...5).map { cell($0, .failed, hash: "748e", prompt: "handbuch") }
        _ = try write(
            (1...3).map {
                cell(
                    $0, $0 == 1 ? .failed : .passed, eval: "old", hash: "d1c3", prompt: "support-answer",
                    time: "2026-11-30T10:00:00Z")
            },
            id: "old", in: files)
        let url = try write(results, id: "e", in: files)
        let report = try EvalReport.make(
            resultsURL: url, displayPath: "evals/results/e.jsonl", workspace: try files.open())
        XCTAssertEqual(report.history.map(\.prompt), ["support-answer", "handbuch"])
        XCTAssertEqual(report.history[0].versions.map(\.label), ["support-answer@d1c3", "support-answer@a06d"])
        XCTAssertEqual(report.history[1].versions.map(\.label), ["handbuch@748e"])
        let html = HTMLReport.render(report, workspace: nil)
        XCTAssertTrue(html.contains("Pass rate over support-answer&#39;s versions"), "one chart per prompt")
        XCTAssertTrue(html.contains("Pass rate over handbuch&#39;s versions"))
    }

    func testFailedRunsAreSetApartFromThePassRate() {
        let results = [cell(1, .passed), cell(2, .failed), cell(3, .error, error: "backend 'x': boom")]
        let verdict = EvalVerdict(results: results)
        XCTAssertEqual(verdict.counts.answered, 2)
        XCTAssertEqual(verdict.rate?.text, "50.0% [9.5–90.5] of 2")
        XCTAssertEqual(verdict.headline, "pass rate 50.0% [9.5–90.5] of 2; 1 run failed (not counted)")
        XCTAssertNotNil(EvalGate.failUnder(0.1, verdict: verdict, allowNotEvaluated: true), "a gate needs every run")
    }

    func testFlakyCasesAndTheClusteredRateWithRepeats() {
        let results = [
            cell(1, .passed, repeatIndex: 0), cell(1, .failed, repeatIndex: 1), cell(1, .passed, repeatIndex: 2),
            cell(2, .passed, repeatIndex: 0), cell(2, .passed, repeatIndex: 1), cell(2, .passed, repeatIndex: 2),
        ]
        let verdict = EvalVerdict(results: results)
        XCTAssertEqual(verdict.flaky.map(\.label), ["case 1"])
        XCTAssertEqual(verdict.rate?.method, .clusteredWilson)
        XCTAssertEqual(verdict.rate?.cases, 2)
    }

    func testTwoVariantsAreComparedCaseByCase() {
        let first = (1...13).map { cell($0, $0 <= 3 ? .passed : .failed, hash: "v1") }
        let second = (1...13).map { cell($0, $0 <= 4 ? .passed : .failed, hash: "v2") }
        let verdict = EvalVerdict(results: first + second)
        XCTAssertEqual(verdict.variants.count, 2)
        XCTAssertNil(verdict.variants[0].againstFirst)
        let against = try? XCTUnwrap(verdict.variants[1].againstFirst)
        XCTAssertEqual(against?.verdict, .withinNoise)
        XCTAssertEqual(against?.pValue ?? 0, 1, accuracy: 1e-12)
        let xml = JUnitReport.render(verdict)
        XCTAssertTrue(xml.contains("name=\"difference_verdict\" value=\"within noise\""), xml)
        XCTAssertTrue(xml.contains("name=\"pass_rate_text\" value=\"30.8% [12.7–57.6] of 13\""), xml)
    }

    func testAFailedRunIsRunAgainWhenTheEvalResumes() {
        var failed = cell(1, .error, error: "boom")
        failed.cell = "c1"
        var retried = cell(1, .passed)
        retried.cell = "c1"
        XCTAssertEqual(EvalResultsFile.newestPerCell([failed, retried]).map(\.status), [.passed])
    }
}
