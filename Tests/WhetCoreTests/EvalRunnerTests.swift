import Foundation
import WhetTestSupport
import XCTest

@testable import WhetCore

final class EvalRunnerTests: XCTestCase {
    override func setUp() {
        setlocale(LC_ALL, "C.UTF-8")
        setenv("WHET_TEST_EVAL_KEY", "k", 1)
    }

    static let prompt = """
        ---
        name: answer
        inputs:
          question:
            sample: x
        ---
        system:
        Answer from the context.
        {{context}}
        user:
        {{question}}
        """

    func workspace(server: TestModelServer, cases: Int) throws -> TestWorkspace {
        let config = """
            name = "evals"
            default_prompt = "answer"
            default_backend = "model"

            [backends.model]
            kind = "openai"
            model = "m-1"
            base_url = "\(server.baseURL)/v1"
            api_key_env = "WHET_TEST_EVAL_KEY"
            max_retries = 0

            [retrieval]
            top_k = 2
            """
        let lines = (0..<cases).map {
            "{\"description\": \"case \($0)\", \"vars\": {\"question\": \"q\($0)\"}, \"assert\": [{\"type\": \"contains\", \"value\": \"answer q\($0)\"}]}"
        }
        return try TestWorkspace(
            config: config,
            files: [
                "prompts/answer.prompty": Self.prompt,
                "corpus/a.md": "# A\n\nSome text.\n",
                "evals/cases.jsonl": lines.joined(separator: "\n") + "\n",
            ])
    }

    /// Answers "answer qN" for the question qN, except q3 which gets a wrong answer.
    static func server() throws -> TestModelServer {
        try TestModelServer { request in
            let body = (try? JSONSerialization.jsonObject(with: Data(request.body.utf8))) as? [String: Any] ?? [:]
            let user = ((body["messages"] as? [[String: Any]])?.last?["content"] as? String) ?? ""
            return TestModelServer.openAIStream([user == "q3" ? "no idea" : "answer \(user)"])
        }
    }

    func plan(_ files: TestWorkspace) throws -> EvalRunner.Plan {
        let workspace = try files.open()
        let url = workspace.evalsDirectory.appendingPathComponent("cases.jsonl")
        var plan = EvalRunner.Plan(
            cases: try EvalFile.load(url, displayPath: "evals/cases.jsonl"), caseFiles: ["evals/cases.jsonl"])
        plan.useCache = false
        plan.concurrency = 3
        return plan
    }

    func testMatrixRunsRecordsAndSummarises() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let files = try workspace(server: server, cases: 6)
        let workspace = try files.open()
        let (id, results, resumed) = try await EvalRunner(workspace: workspace).run(try plan(files), retriever: nil)
        XCTAssertEqual(resumed, 0)
        XCTAssertEqual(results.count, 6)
        XCTAssertEqual(
            results.map(\.label), (0..<6).map { "case \($0)" }, "results in matrix order whatever finished first")
        XCTAssertEqual(results.filter { $0.status == .failed }.map(\.label), ["case 3"])
        XCTAssertEqual(EvalVerdict(results: results).passRate, 5.0 / 6.0, accuracy: 1e-9)
        let lines = try String(contentsOf: EvalRunner(workspace: workspace).resultsURL(id), encoding: .utf8).split(
            separator: "\n")
        XCTAssertEqual(lines.count, 6)
        let xml = JUnitReport.render(EvalVerdict(id: id, results: results))
        XCTAssertTrue(xml.contains("tests=\"6\" failures=\"1\""), xml)
        XCTAssertTrue(xml.contains("<failure message=\"contains: &quot;answer q3&quot; not found in the output\""), xml)
    }

    func testRepeatsAreSeparateSamplesEvenThroughTheCache() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let files = try workspace(server: server, cases: 2)
        let workspace = try files.open()
        var repeated = try plan(files)
        repeated.repeats = 3
        repeated.useCache = true
        repeated.concurrency = 1  // one at a time, so a later repeat would find the first one's answer cached
        let runner = EvalRunner(workspace: workspace)
        let (id, results, _) = try await runner.run(repeated, retriever: nil)
        XCTAssertEqual(results.count, 6)
        XCTAssertEqual(
            server.requests.count, 6, "every repeat asks the model: a cached first answer is not a second sample")
        XCTAssertEqual(results.filter { $0.cached == true }.count, 0)

        // Run again from scratch: each repeat is answered from its own cache entry.
        try FileManager.default.removeItem(at: runner.resultsURL(id))
        let (_, again, _) = try await runner.run(repeated, retriever: nil)
        XCTAssertEqual(server.requests.count, 6, "nothing paid for twice")
        XCTAssertEqual(again.filter { $0.cached == true }.count, 6)
    }

    func testAnInterruptedEvalResumesWithoutPayingTwice() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let files = try workspace(server: server, cases: 8)
        let workspace = try files.open()
        let runner = EvalRunner(workspace: workspace)
        let (id, _, _) = try await runner.run(try plan(files), retriever: nil)
        XCTAssertEqual(server.requests.count, 8)

        // Keep three finished cells and a torn fourth line, as a crash mid-write would leave them.
        let url = runner.resultsURL(id)
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        try (lines.prefix(3).joined(separator: "\n") + "\n" + lines[3].prefix(40)).write(
            to: url, atomically: true, encoding: .utf8)

        let (sameID, results, resumed) = try await runner.run(try plan(files), retriever: nil)
        XCTAssertEqual(sameID, id, "the same matrix is the same eval")
        XCTAssertEqual(resumed, 3)
        XCTAssertEqual(results.count, 8)
        XCTAssertEqual(server.requests.count, 8 + 5, "only the five unfinished cells were sent again")
        XCTAssertEqual(Set(results.map(\.label)).count, 8)

        // A changed case is a different eval.
        try files.write(
            "evals/cases.jsonl",
            "{\"vars\": {\"question\": \"q1\"}, \"assert\": [{\"type\": \"contains\", \"value\": \"q1\"}]}\n")
        var changed = try plan(files)
        changed.cases = try EvalFile.load(
            workspace.evalsDirectory.appendingPathComponent("cases.jsonl"), displayPath: "evals/cases.jsonl")
        let (otherID, _, _) = try await runner.run(changed, retriever: nil)
        XCTAssertNotEqual(otherID, id)
    }

    func testAnEvalAfterTheCorpusChangedIsANewEvalAndARebuildIsNot() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let files = try workspace(server: server, cases: 3)
        let workspace = try files.open()
        let runner = EvalRunner(workspace: workspace)
        var (index, _) = try workspace.openIndex()
        let (id, _, _) = try await runner.run(try plan(files), retriever: index)
        XCTAssertEqual(server.requests.count, 3)
        // Nothing changed: the same eval, nothing sent again; rebuilt from the same files: still the same.
        let again = try await runner.run(try plan(files), retriever: index)
        XCTAssertEqual(again.id, id)
        (index, _) = try workspace.openIndex(rebuild: true)
        let rebuilt = try await runner.run(try plan(files), retriever: index)
        XCTAssertEqual(rebuilt.resumed, 3)
        XCTAssertEqual(server.requests.count, 3)
        // The corpus changed: the answers were made from the old one, so this is another eval.
        try files.write("corpus/a.md", "# A\n\nOther text.\n")
        (index, _) = try workspace.openIndex()
        let (otherID, _, resumed) = try await runner.run(try plan(files), retriever: index)
        XCTAssertNotEqual(otherID, id)
        XCTAssertEqual(resumed, 0)
        XCTAssertEqual(try runner.pendingCells(try plan(files), retriever: index).id, otherID)
    }

    func testBackendErrorsAreRecordedAsErrors() async throws {
        let server = try TestModelServer([
            [.head(500, [("Content-Type", "application/json")]), .chunk("{\"error\":{\"message\":\"boom\"}}"), .end]
        ])
        defer { server.stop() }
        let files = try workspace(server: server, cases: 1)
        let (_, results, _) = try await EvalRunner(workspace: try files.open()).run(try plan(files), retriever: nil)
        XCTAssertEqual(results.first?.status, .error)
        XCTAssertTrue(results.first?.error?.contains("boom") ?? false, "\(results.first?.error ?? "")")
        let verdict = EvalVerdict(results: results)
        XCTAssertFalse(verdict.checkedAnything, "a failed run is no answer: the eval checked nothing")
        XCTAssertEqual(verdict.standing, .everyRunFailed(error: verdict.runFailures.groups[0].example))
        XCTAssertFalse(verdict.runFailures.groups[0].example.hasPrefix("error:"), "no severity inside the value")
    }
}

final class AdvisorTests: XCTestCase {
    func result(_ label: String, output: String, context: String?, failed: [AssertionResult], prompt: String = "p1")
        -> EvalResult
    {
        let chunks = context.map {
            [
                ContextChunk(
                    chunk: RetrievedChunk(
                        rank: 1, path: "corpus/a.md", startLine: 1, endLine: 1, headingPath: [],
                        score: 1, matchedTerms: [], text: $0), citation: 1, omitted: nil)
            ]
        }
        return EvalResult(
            evalID: "e", cell: label + prompt, time: "",
            caseRef: .init(file: "evals/x.jsonl", line: 1, description: label),
            prompt: .init(name: "answer", path: "prompts/answer.prompty", hash: prompt), backend: "b", model: "m",
            repeatIndex: 0, variables: [:],
            retrieval: chunks.map {
                RetrievalRecord(method: "bm25", topK: 1, query: "q", contextTokenBudget: 100, chunks: $0)
            },
            output: output, latencyMs: 1, costUSD: nil, cached: nil, error: nil,
            assertions: failed.isEmpty
                ? [AssertionResult(type: "icontains", status: .passed, score: 1, reason: "found")] : failed,
            status: failed.isEmpty ? .passed : .failed, score: failed.isEmpty ? 1 : 0)
    }

    func contains(_ fact: String) -> AssertionResult {
        var assertion = AssertionResult(
            type: "icontains", status: .failed, score: 0, reason: "\"\(fact)\" not found in the output")
        assertion.expected = [fact]
        return assertion
    }

    func testKnowledgeGroundingBehaviourAndUnknown() {
        let knowledge = FailureClassifier.classify(
            result("k", output: "I don't know.", context: "Invoices are monthly.", failed: [contains("90 days")]))
        XCTAssertEqual(knowledge.failureClass, .knowledge)
        XCTAssertTrue(knowledge.evidence.contains("\"90 days\""), knowledge.evidence)

        let grounding = FailureClassifier.classify(
            result("g", output: "Rotate yearly.", context: "Rotate keys every 90 days.", failed: [contains("90 days")]))
        XCTAssertEqual(grounding.failureClass, .grounding)

        let schema = AssertionResult(type: "is-json", status: .failed, score: 0, reason: "the output is not valid JSON")
        let behaviour = FailureClassifier.classify(
            result("b", output: "Every 90 days.", context: "Every 90 days.", failed: [schema]))
        XCTAssertEqual(behaviour.failureClass, .behaviour)

        let rubric = AssertionResult(type: "llm-rubric", status: .failed, score: 0.2, reason: "grader: curt")
        XCTAssertEqual(
            FailureClassifier.classify(result("u", output: "x", context: nil, failed: [rubric])).failureClass, .unknown)

        // Metadata facts make a rubric failure classifiable.
        XCTAssertEqual(
            FailureClassifier.classify(
                result("m", output: "x", context: "Every 90 days.", failed: [rubric]),
                expectedFacts: ["90 days"]
            ).failureClass, .grounding)
        var recall = AssertionResult(type: "context-recall", status: .failed, score: 0, reason: "0 of 1")
        recall.expected = ["SAML"]
        XCTAssertEqual(
            FailureClassifier.classify(result("r", output: "SAML is supported", context: "nothing", failed: [recall]))
                .failureClass,
            .knowledge, "a context-recall failure is knowledge by definition")
    }

    func workspace() throws -> TestWorkspace {
        try TestWorkspace(files: ["prompts/answer.prompty": EvalRunnerTests.prompt])
    }

    func recommendation(_ results: [EvalResult]) throws -> Advice.Recommendation {
        let files = try workspace()
        let url = files.root.appendingPathComponent("evals/results/e.jsonl")
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        for result in results { try JSONLines.append(result, to: url) }
        return try Advisor.advise(workspace: try files.open()).recommendation
    }

    func testRecommendationsFollowTheLeadingClassAndNameTheCases() throws {
        let knowledge = try recommendation([
            result("k1", output: "?", context: "x", failed: [contains("90 days")]),
            result("k2", output: "?", context: "x", failed: [contains("SAML")]),
            result("g1", output: "?", context: "Use SAML", failed: [contains("SAML")]),
            result("ok", output: "fine", context: "x", failed: []),
        ])
        XCTAssertEqual(knowledge.move, "context optimisation")
        XCTAssertEqual(knowledge.basedOn, ["k1", "k2"])
        XCTAssertTrue(knowledge.why.hasPrefix("2 of 3 failures"), knowledge.why)

        let grounding = try recommendation([result("g1", output: "?", context: "Use SAML", failed: [contains("SAML")])])
        XCTAssertEqual(grounding.move, "prompt engineering")

        // The same case failing for grounding under two prompt versions: fine-tuning.
        let persistent = try recommendation([
            result("g1", output: "?", context: "Use SAML", failed: [contains("SAML")], prompt: "p1"),
            result("g1", output: "?", context: "Use SAML", failed: [contains("SAML")], prompt: "p2"),
        ])
        XCTAssertEqual(persistent.move, "fine-tuning")

        let mixed = try recommendation([
            result("k1", output: "?", context: "x", failed: [contains("a")]),
            result("g1", output: "?", context: "b", failed: [contains("b")]),
        ])
        XCTAssertEqual(
            mixed.move, "context optimisation", "a tie goes to knowledge: fix what the model cannot see first")

        let unknown = try recommendation([
            result(
                "u1", output: "x", context: nil,
                failed: [AssertionResult(type: "llm-rubric", status: .failed, score: 0, reason: "r")])
        ])
        XCTAssertEqual(unknown.move, "add evidence")
        XCTAssertEqual(try recommendation([]).move, "build a baseline")
        XCTAssertEqual(try recommendation([result("ok", output: "fine", context: nil, failed: [])]).move, "keep going")
    }
}
