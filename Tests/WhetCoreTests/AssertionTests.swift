import Foundation
import WhetTestSupport
import XCTest

@testable import WhetCore

final class AssertionTests: XCTestCase {
    func assertion(_ type: String, _ value: JSONValue?, extra: [String: JSONValue] = [:]) -> EvalCase.Assertion {
        var raw = extra
        raw["type"] = .string(type)
        if let value { raw["value"] = value }
        return EvalCase.Assertion(type: type, value: value, raw: raw)
    }

    func status(
        _ type: String, _ value: JSONValue?, output: String, extra: [String: JSONValue] = [:],
        context: AssertionContext? = nil
    ) async -> AssertionResult.Status {
        var context = context ?? AssertionContext(output: output)
        context.output = output
        return await AssertionEvaluator.evaluate(assertion(type, value, extra: extra), in: context).status
    }

    func testTextAssertions() async {
        let output = "Rotate the key, then revoke the old one."
        let cases: [(String, JSONValue?, AssertionResult.Status)] = [
            ("equals", .string(output), .passed), ("equals", .string("Rotate"), .failed),
            ("contains", .string("revoke"), .passed), ("contains", .string("Revoke"), .failed),
            ("icontains", .string("REVOKE"), .passed), ("icontains", .string("delete"), .failed),
            ("contains-any", .array([.string("delete"), .string("revoke")]), .passed),
            ("contains-any", .array([.string("delete"), .string("remove")]), .failed),
            ("contains-all", .array([.string("rotate"), .string("revoke")]), .passed),
            ("contains-all", .array([.string("rotate"), .string("delete")]), .failed),
            ("not-contains", .string("password"), .passed), ("not-contains", .string("revoke"), .failed),
            ("starts-with", .string("Rotate"), .passed), ("starts-with", .string("Revoke"), .failed),
            ("regex", .string("re(voke|move)"), .passed), ("regex", .string("^revoke"), .failed),
            ("not-icontains", .string("password"), .passed), ("not-regex", .string("revoke"), .failed),
        ]
        for (type, value, expected) in cases {
            let got = await status(type, value, output: output)
            XCTAssertEqual(got, expected, "\(type) \(value?.description ?? "")")
        }
    }

    func testLevenshteinUsesTheThreshold() async {
        let passed = await status(
            "levenshtein", .string("hello world"), output: "helo world", extra: ["threshold": .number(1)])
        XCTAssertEqual(passed, .passed)
        let failed = await status(
            "levenshtein", .string("hello world"), output: "hallo wereld", extra: ["threshold": .number(1)])
        XCTAssertEqual(failed, .failed)
        XCTAssertEqual(Levenshtein.distance("kitten", "sitting"), 3)
    }

    func testJSONAssertions() async throws {
        let schema: JSONValue = .object([
            "type": .string("object"), "required": .array([.string("name"), .string("age")]),
            "properties": .object([
                "name": .object(["type": .string("string")]),
                "age": .object(["type": .string("integer"), "minimum": .number(0)]),
            ]),
        ])
        var result = await status("is-json", nil, output: "{\"name\": \"Ada\", \"age\": 36}")
        XCTAssertEqual(result, .passed)
        result = await status("is-json", nil, output: "Here: {\"name\": \"Ada\"}")
        XCTAssertEqual(result, .failed)
        result = await status(
            "contains-json", nil, output: "Here you go:\n```json\n{\"name\": \"Ada\", \"tags\": [\"}\"]}\n```")
        XCTAssertEqual(result, .passed)
        result = await status("json-schema", schema, output: "{\"name\": \"Ada\", \"age\": 36}")
        XCTAssertEqual(result, .passed)
        let wrong = await AssertionEvaluator.evaluate(
            assertion("json-schema", schema), in: AssertionContext(output: "{\"name\": \"Ada\", \"age\": -1.5}"))
        XCTAssertEqual(wrong.status, .failed)
        XCTAssertTrue(wrong.reason.contains("$.age"), wrong.reason)

        let root = FileManager.default.temporaryDirectory.appendingPathComponent("schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try JSONEncoder().encode(schema).write(to: root.appendingPathComponent("person.json"))
        let fromFile = await AssertionEvaluator.evaluate(
            assertion("json-schema", .string("file://person.json")),
            in: AssertionContext(output: "{\"name\": \"Ada\"}", workspaceRoot: root.path))
        XCTAssertEqual(fromFile.status, .failed)
        XCTAssertTrue(fromFile.reason.contains("missing required \"age\""), fromFile.reason)
        let missing = await AssertionEvaluator.evaluate(
            assertion("json-schema", .string("nope.json")),
            in: AssertionContext(output: "{}", workspaceRoot: root.path))
        XCTAssertEqual(missing.status, .notRun)
    }

    func testLatencyCostAndContextRecall() async {
        let fast = AssertionContext(output: "x", latencyMs: 120, costUSD: 0.002)
        let latency = await status("latency", nil, output: "x", extra: ["threshold": .number(200)], context: fast)
        XCTAssertEqual(latency, .passed)
        let cost = await status("cost", nil, output: "x", extra: ["threshold": .number(0.001)], context: fast)
        XCTAssertEqual(cost, .failed)
        let unknownCost = await status("cost", nil, output: "x", extra: ["threshold": .number(0.001)])
        XCTAssertEqual(unknownCost, .notRun, "no price known: not run, never passed")

        let chunk = RetrievedChunk(
            rank: 1, path: "corpus/a.md", startLine: 1, endLine: 2, headingPath: [], score: 1,
            matchedTerms: [], text: "Create a new key first, then revoke the old key.")
        let withContext = AssertionContext(output: "x", chunks: [chunk])
        let recall = await AssertionEvaluator.evaluate(
            assertion("context-recall", .array([.string("create a new key first"), .string("90 days")])),
            in: withContext)
        XCTAssertEqual(recall.status, .failed)
        XCTAssertEqual(recall.score, 0.5)
        XCTAssertEqual(recall.expected, ["create a new key first", "90 days"])
        let partial = await AssertionEvaluator.evaluate(
            assertion(
                "context-recall", .array([.string("create a new key first"), .string("90 days")]),
                extra: ["threshold": .number(0.5)]), in: withContext)
        XCTAssertEqual(partial.status, .passed)
    }

    func testWeightMetricAndUnknownType() async {
        let result = await AssertionEvaluator.evaluate(
            assertion("contains", .string("x"), extra: ["weight": .number(3), "metric": .string("accuracy")]),
            in: AssertionContext(output: "x"))
        XCTAssertEqual(result.weight, 3)
        XCTAssertEqual(result.metric, "accuracy")
        let unknown = await AssertionEvaluator.evaluate(assertion("made-up", nil), in: AssertionContext(output: "x"))
        XCTAssertEqual(unknown.status, .notRun)
        XCTAssertTrue(unknown.reason.contains("unknown assertion type"), unknown.reason)
    }

    func testSimilarUsesTheEmbedderOrIsNotRun() async {
        let embedder = HashingEmbedder()
        let context = AssertionContext(output: "Revoke the old key after rotating.", embedder: embedder)
        let close = await AssertionEvaluator.evaluate(
            assertion(
                "similar", .string("rotate the key, then revoke the old key"),
                extra: ["threshold": .number(0.5)]), in: context)
        XCTAssertEqual(close.status, .passed, close.reason)
        let far = await AssertionEvaluator.evaluate(
            assertion("similar", .string("invoices are monthly"), extra: ["threshold": .number(0.5)]), in: context)
        XCTAssertEqual(far.status, .failed, far.reason)
        let none = await AssertionEvaluator.evaluate(
            assertion("similar", .string("x")), in: AssertionContext(output: "x"))
        XCTAssertEqual(none.status, .notRun)
    }

    // MARK: Model-graded, against a loopback server

    func grader(_ answer: @escaping @Sendable (String) -> String) throws -> (TestModelServer, any ModelBackend) {
        setenv("WHET_TEST_GRADER_KEY", "k", 1)
        let server = try TestModelServer { request in
            let body = (try? JSONSerialization.jsonObject(with: Data(request.body.utf8))) as? [String: Any] ?? [:]
            let user = ((body["messages"] as? [[String: Any]])?.last?["content"] as? String) ?? ""
            return TestModelServer.openAIStream([answer(user)])
        }
        var config = BackendConfig(name: "grader", kind: .openai, model: "judge-1")
        config.http.baseURL = server.baseURL + "/v1"
        config.http.apiKeyEnvironment = "WHET_TEST_GRADER_KEY"
        config.http.maxRetries = 0
        return (server, makeBackend(config))
    }

    func testLLMRubricKeepsTheGradersReasoning() async throws {
        let (server, backend) = try grader { prompt in
            prompt.contains("polite") && prompt.contains("Thanks")
                ? "{\"reason\": \"It thanks the user.\", \"score\": 0.9, \"pass\": true}"
                : "{\"reason\": \"Curt.\", \"score\": 0.2, \"pass\": false}"
        }
        defer { server.stop() }
        let rubric = assertion("llm-rubric", .string("The answer is polite."))
        let good = await AssertionEvaluator.evaluate(
            rubric, in: AssertionContext(output: "Thanks for asking! Rotate the key.", grader: backend))
        XCTAssertEqual(good.status, .passed)
        XCTAssertEqual(good.score, 0.9)
        XCTAssertEqual(good.reason, "grader (grader/judge-1): It thanks the user.")
        let bad = await AssertionEvaluator.evaluate(rubric, in: AssertionContext(output: "Rotate it.", grader: backend))
        XCTAssertEqual(bad.status, .failed)
        XCTAssertTrue(bad.reason.contains("Curt."))
        let none = await AssertionEvaluator.evaluate(rubric, in: AssertionContext(output: "x"))
        XCTAssertEqual(none.status, .notRun)
        XCTAssertTrue(none.reason.contains("--grader"), none.reason)
    }

    func testAnswerRelevanceAndContextFaithfulness() async throws {
        let (server, backend) = try grader { prompt in
            if prompt.contains("Question:") { return "{\"reason\": \"on topic\", \"score\": 0.8}" }
            return prompt.contains("[1] Rotate keys every 90 days.") && prompt.contains("Answer:\nEvery 90 days.")
                ? "{\"reason\": \"all claims supported\", \"score\": 1, \"pass\": true}"
                : "{\"reason\": \"the 30-day claim is unsupported\", \"score\": 0.5, \"pass\": false}"
        }
        defer { server.stop() }
        let chunk = RetrievedChunk(
            rank: 1, path: "a", startLine: 1, endLine: 1, headingPath: [], score: 1, matchedTerms: [],
            text: "Rotate keys every 90 days.")
        let relevant = await AssertionEvaluator.evaluate(
            assertion("answer-relevance", nil),
            in: AssertionContext(output: "Every 90 days.", query: "How often?", grader: backend))
        XCTAssertEqual(relevant.status, .passed)
        let faithful = await AssertionEvaluator.evaluate(
            assertion("context-faithfulness", nil),
            in: AssertionContext(output: "Every 90 days.", chunks: [chunk], grader: backend))
        XCTAssertEqual(faithful.status, .passed)
        let unfaithful = await AssertionEvaluator.evaluate(
            assertion("context-faithfulness", nil),
            in: AssertionContext(output: "Every 30 days.", chunks: [chunk], grader: backend))
        XCTAssertEqual(unfaithful.status, .failed)
        XCTAssertEqual(unfaithful.score, 0.5)
        XCTAssertTrue(unfaithful.reason.contains("30-day claim"), unfaithful.reason)
        let garbled = try grader { _ in "I think it is fine." }
        defer { garbled.0.stop() }
        let unparsed = await AssertionEvaluator.evaluate(
            assertion("llm-rubric", .string("x")), in: AssertionContext(output: "x", grader: garbled.1))
        XCTAssertEqual(unparsed.status, .notRun, "an answer that is not a verdict is not a pass")
    }

    /// "Nothing happened" never reads as a verdict: a context metric with retrieval off, or with no facts to
    /// look for, is not run; an assert-set whose children could not run is not run either.
    func testContextMetricsWithoutContextAndEmptySetsAreNotRun() async {
        var off = AssertionContext(output: "x")
        off.retrievalRan = false
        let recall = await AssertionEvaluator.evaluate(assertion("context-recall", .string("revoke")), in: off)
        XCTAssertEqual(recall.status, .notRun)
        XCTAssertTrue(recall.reason.contains("retrieval is off"), recall.reason)
        let empty = await AssertionEvaluator.evaluate(
            assertion("context-recall", .array([])), in: AssertionContext(output: "x"))
        XCTAssertEqual(empty.status, .notRun)
        let set = assertion(
            "assert-set", nil,
            extra: ["assert": .array([.object(["type": .string("llm-rubric"), "value": .string("polite")])])])
        let grouped = await AssertionEvaluator.evaluate(set, in: AssertionContext(output: "x"))
        XCTAssertEqual(grouped.status, .notRun)
    }

    /// A python assertion that writes a lot to standard error still finishes (no full-pipe deadlock) and its
    /// return value decides; an exception fails it with the script's own message.
    func testPythonAssertionsReturnVerdictsAndReportExceptions() async {
        let noisy = "import sys\nsys.stderr.write('x' * 200000)\nreturn {'pass': True, 'score': 0.9, 'reason': 'fine'}"
        let result = await AssertionEvaluator.evaluate(
            assertion("python", .string(noisy)), in: AssertionContext(output: "x"))
        XCTAssertEqual(result.status, .passed, result.reason)
        XCTAssertEqual(result.score, 0.9)
        XCTAssertEqual(result.reason, "fine")
        let failing = await AssertionEvaluator.evaluate(
            assertion("python", .string("1 / 0")), in: AssertionContext(output: "x"))
        XCTAssertEqual(failing.status, .failed)
        XCTAssertTrue(failing.reason.contains("ZeroDivisionError"), failing.reason)
    }
}
