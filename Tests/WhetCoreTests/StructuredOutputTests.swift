import WhetTestSupport
import XCTest

@testable import WhetCore

/// A workspace holding one prompt, and a loopback server to run it against: what the structured-output and
/// tool tests share.
class LoopbackPromptTestCase: XCTestCase {
    var server: TestModelServer?
    var workspace: TestWorkspace!
    /// The prompt's name and text, set by each subclass.
    class var promptName: String { "" }
    class var promptText: String { "" }

    override func setUpWithError() throws {
        setenv("WHET_TEST_KEY", "sk-test-loopback", 1)
        workspace = try TestWorkspace(files: [
            "prompts/\(Self.promptName).prompty": Self.promptText, "corpus/doc.md": "# Doc\n",
        ])
    }

    override func tearDown() { server?.stop() }

    /// Runs the prompt (no retrieval) on a backend of `kind` that talks to `server`.
    func run(_ kind: BackendKind, _ server: TestModelServer) async throws -> RunRecord {
        let opened = try workspace.open()
        var config = BackendConfig(name: "t", kind: kind, model: "m")
        config.http.baseURL = server.baseURL + (kind == .openai ? "/v1" : "")
        config.http.apiKeyEnvironment = "WHET_TEST_KEY"
        var plan = try await RunPlan.make(
            RunInput(promptName: Self.promptName, retrievalEnabled: false), in: opened, retriever: nil)
        plan.backend = config
        return await RunExecutor().execute(
            plan, on: HTTPChatBackend(config: config, workspaceRoot: workspace.root), runNumber: 1)
    }
}

/// A prompt's outputSchema on both protocols against a real server on loopback: sent as each provider
/// expects it, the answer assembled from streamed pieces, checked, and the verdict recorded.
final class StructuredOutputTests: LoopbackPromptTestCase {
    override class var promptName: String { "triage" }
    override class var promptText: String { prompt }

    static let prompt = """
        ---
        name: triage
        inputs:
          question:
            sample: My invoice is wrong
        outputSchema:
          strict: true
          properties:
            - name: category
              kind: string
            - name: urgent
              kind: boolean
        ---
        user:
        Classify: {{question}}
        """

    func testOpenAIGetsAJSONSchemaResponseFormatAndTheAnswerIsChecked() async throws {
        let server = try TestModelServer([
            TestModelServer.openAIStream(["{\"category\": \"bil", "ling\", \"urgent\": false}"]),
            TestModelServer.openAIStream(["{\"category\": \"billing\"}"]),
        ])
        self.server = server
        let good = try await run(.openai, server)
        XCTAssertEqual(good.output, "{\"category\": \"billing\", \"urgent\": false}")
        XCTAssertEqual(good.schemaCheck, RunRecord.SchemaCheck(conforms: true, problems: []))
        let body = try XCTUnwrap(WireJSON.object(Data(try XCTUnwrap(server.requests.first).body.utf8)))
        let format = try XCTUnwrap(body["response_format"] as? [String: Any])
        XCTAssertEqual(format["type"] as? String, "json_schema")
        let schema = try XCTUnwrap(format["json_schema"] as? [String: Any])
        XCTAssertEqual(schema["name"] as? String, "triage")
        XCTAssertEqual(schema["strict"] as? Bool, true)
        XCTAssertEqual(
            ((schema["schema"] as? [String: Any])?["required"] as? [String])?.sorted(), ["category", "urgent"])

        let bad = try await run(.openai, server)
        XCTAssertEqual(bad.schemaCheck?.conforms, false)
        XCTAssertTrue(
            bad.schemaCheck?.problems.first?.contains("urgent") ?? false, "\(String(describing: bad.schemaCheck))")
        let encoded = String(decoding: try JSONEncoder().encode(bad), as: UTF8.self)
        XCTAssertTrue(encoded.contains("\"schema_check\""), encoded)
    }

    func testAnthropicIsMadeToCallAToolWhoseStreamedInputIsTheAnswer() async throws {
        let events = [
            #"{"type":"message_start","message":{"usage":{"input_tokens":9}}}"#,
            #"{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"t1","name":"triage","input":{}}}"#,
            #"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"category\": \"ship"}}"#,
            #"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"ping\", \"urgent\": true}"}}"#,
            #"{"type":"content_block_stop","index":0}"#,
            #"{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":12}}"#,
            #"{"type":"message_stop"}"#,
        ]
        var steps: [TestModelServer.Step] = [.head(200, [("Content-Type", "text/event-stream")])]
        for event in events { steps.append(.chunk("data: \(event)\n\n")) }
        steps.append(.end)
        let server = try TestModelServer([steps])
        self.server = server
        let record = try await run(.anthropic, server)
        XCTAssertEqual(record.output, "{\"category\": \"shipping\", \"urgent\": true}")
        XCTAssertEqual(record.schemaCheck?.conforms, true)
        let body = try XCTUnwrap(WireJSON.object(Data(try XCTUnwrap(server.requests.first).body.utf8)))
        let tools = try XCTUnwrap(body["tools"] as? [[String: Any]])
        XCTAssertEqual(tools.first?["name"] as? String, "triage")
        XCTAssertNotNil(tools.first?["input_schema"] as? [String: Any])
        XCTAssertEqual((body["tool_choice"] as? [String: Any])?["name"] as? String, "triage")
    }

    func testAJSONSchemaAssertionWithoutAValueChecksThePromptsSchema() async throws {
        let context = { (output: String) -> AssertionContext in
            var context = AssertionContext(output: output)
            context.outputSchema =
                (try? PromptFile(parsing: Self.prompt, path: "p", defaultName: "p"))?.outputSchema?.schema
            return context
        }
        let assertion = EvalCase.Assertion(type: "json-schema", value: nil, raw: ["type": .string("json-schema")])
        let passed = await AssertionEvaluator.evaluate(
            assertion, in: context("{\"category\": \"a\", \"urgent\": true}"))
        XCTAssertEqual(passed.status, .passed, passed.reason)
        let failed = await AssertionEvaluator.evaluate(assertion, in: context("{\"category\": 3}"))
        XCTAssertEqual(failed.status, .failed, failed.reason)
    }
}

/// Tools declared in a prompt, sent on both protocols, their calls assembled from streamed pieces and recorded.
final class ToolCallTests: LoopbackPromptTestCase {
    override class var promptName: String { "orders" }
    override class var promptText: String { prompt }

    static let prompt = """
        ---
        name: orders
        inputs:
          question:
            sample: Where is order 42?
        tools:
          - type: function
            function:
              name: lookup_order
              description: Find an order by number.
              parameters:
                type: object
                properties:
                  number:
                    type: integer
                required: [number]
        ---
        user:
        {{question}}
        """

    func stream(_ events: [String]) -> [TestModelServer.Step] {
        [.head(200, [("Content-Type", "text/event-stream")])] + events.map { .chunk("data: \($0)\n\n") } + [.end]
    }

    func testOpenAIToolCallPiecesAreAssembledAndRecorded() async throws {
        let server = try TestModelServer([
            stream([
                #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"lookup_order","arguments":""}}]},"finish_reason":null}]}"#,
                #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"numb"}}]},"finish_reason":null}]}"#,
                #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"er\": 42}"}}]},"finish_reason":null}]}"#,
                #"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
                "[DONE]",
            ])
        ])
        self.server = server
        let record = try await run(.openai, server)
        XCTAssertEqual(record.toolCalls, [ToolCall(id: "call_1", name: "lookup_order", arguments: "{\"number\": 42}")])
        XCTAssertEqual(record.toolCalls?.first?.prettyArguments, "{\n  \"number\" : 42\n}")
        let body = try XCTUnwrap(WireJSON.object(Data(try XCTUnwrap(server.requests.first).body.utf8)))
        let tool = try XCTUnwrap((body["tools"] as? [[String: Any]])?.first)
        XCTAssertEqual(tool["type"] as? String, "function")
        XCTAssertEqual((tool["function"] as? [String: Any])?["name"] as? String, "lookup_order")
        let encoded = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
        XCTAssertTrue(encoded.contains("\"tool_calls\""), encoded)
    }

    func testAnthropicToolUseBlocksAreToolCalls() async throws {
        let server = try TestModelServer([
            stream([
                #"{"type":"message_start","message":{"usage":{"input_tokens":5}}}"#,
                #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
                #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Let me check."}}"#,
                #"{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"lookup_order","input":{}}}"#,
                #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"number\":"}}"#,
                #"{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" 42}"}}"#,
                #"{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9}}"#,
                #"{"type":"message_stop"}"#,
            ])
        ])
        self.server = server
        let record = try await run(.anthropic, server)
        XCTAssertEqual(record.output, "Let me check.")
        XCTAssertEqual(record.toolCalls, [ToolCall(id: "toolu_1", name: "lookup_order", arguments: "{\"number\": 42}")])
        let body = try XCTUnwrap(WireJSON.object(Data(try XCTUnwrap(server.requests.first).body.utf8)))
        let tool = try XCTUnwrap((body["tools"] as? [[String: Any]])?.first)
        XCTAssertEqual(tool["name"] as? String, "lookup_order")
        XCTAssertNotNil(tool["input_schema"] as? [String: Any])
        XCTAssertNil(body["tool_choice"], "the model chooses whether to call a tool")
    }

    func testAssertionsOnToolCalls() async throws {
        let prompt = try PromptFile(parsing: Self.prompt, path: "p", defaultName: "p")
        func check(_ type: String, _ value: JSONValue?, _ calls: [ToolCall]) async -> AssertionResult {
            var context = AssertionContext(output: "")
            context.tools = prompt.tools
            context.toolCalls = calls
            var raw: [String: JSONValue] = ["type": .string(type)]
            if let value { raw["value"] = value }
            return await AssertionEvaluator.evaluate(
                EvalCase.Assertion(type: type, value: value, raw: raw), in: context)
        }
        let good = [ToolCall(id: "1", name: "lookup_order", arguments: "{\"number\": 42}")]
        let badType = [ToolCall(id: "1", name: "lookup_order", arguments: "{\"number\": \"42\"}")]
        let unknown = [ToolCall(id: "1", name: "delete_order", arguments: "{}")]
        var result = await check("is-valid-openai-tools-call", nil, good)
        XCTAssertEqual(result.status, .passed, result.reason)
        result = await check("is-valid-openai-tools-call", nil, badType)
        XCTAssertEqual(result.status, .failed, result.reason)
        XCTAssertTrue(result.reason.contains("lookup_order"), result.reason)
        result = await check("is-valid-openai-tools-call", nil, unknown)
        XCTAssertEqual(result.reason, "'delete_order' is not one of the prompt's tools")
        result = await check("is-valid-openai-tools-call", nil, [])
        XCTAssertEqual(result.status, .failed)
        result = await check("tool-call", .string("lookup_order"), good)
        XCTAssertEqual(result.status, .passed, result.reason)
        result = await check(
            "tool-call", .object(["name": .string("lookup_order"), "arguments": .object(["number": .number(7)])]), good)
        XCTAssertEqual(result.status, .failed, result.reason)
        result = await check("tool-call", .string("lookup_order"), [])
        XCTAssertEqual(result.reason, "expected a call to 'lookup_order'; the model called no tool")
    }

    func testContainsJSONLooksAtToolArgumentsWhenTheAnswerIsACall() async throws {
        var context = AssertionContext(output: "Let me look that up.")
        context.toolCalls = [ToolCall(id: "1", name: "lookup_order", arguments: "{\"number\": 42}")]
        let assertion = EvalCase.Assertion(type: "contains-json", value: nil, raw: ["type": .string("contains-json")])
        let result = await AssertionEvaluator.evaluate(assertion, in: context)
        XCTAssertEqual(result.status, .passed, result.reason)
        context.toolCalls = []
        let without = await AssertionEvaluator.evaluate(assertion, in: context)
        XCTAssertEqual(without.status, .failed, without.reason)
    }

    func testAnEvalCellKeepsItsToolCalls() throws {
        var result = EvalResult(
            evalID: "e", cell: "c", time: "t", caseRef: .init(file: "f", line: 1, description: nil),
            prompt: .init(name: "p", path: "p", hash: "h"), backend: "b", model: "m", repeatIndex: 0, variables: [:],
            retrieval: nil, output: "", latencyMs: nil, costUSD: nil, cached: nil, error: nil, assertions: [],
            status: .notRun, score: 0)
        result.toolCalls = [ToolCall(id: "1", name: "lookup_order", arguments: "{}")]
        let line = try JSONEncoder().encode(result)
        XCTAssertTrue(String(decoding: line, as: UTF8.self).contains("\"tool_calls\""))
        XCTAssertEqual(try JSONDecoder().decode(EvalResult.self, from: line).toolCalls, result.toolCalls)
    }
}
