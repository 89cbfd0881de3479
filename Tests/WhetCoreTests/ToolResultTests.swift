import WhetTestSupport
import XCTest

@testable import WhetCore

/// Canned `tool_results` in an eval case: the model's call is answered and the conversation goes on, on both
/// wire formats, against a real server on loopback; the assertions check the second answer and every call.
final class ToolResultTests: XCTestCase {
    static let prompt = """
        ---
        name: orders
        tools:
          - name: lookup_order
            description: Find an order by number.
            parameters:
              type: object
              properties:
                number: {type: integer}
              required: [number]
        ---
        user:
        {{question}}
        """

    static func sse(_ events: [String]) -> [TestModelServer.Step] {
        [.head(200, [("Content-Type", "text/event-stream")])] + events.map { .chunk("data: \($0)\n\n") } + [.end]
    }

    /// A model that calls lookup_order until it is given a result, then answers with what the result said.
    static func openAIModel(_ request: TestModelServer.Received) -> [TestModelServer.Step] {
        let body = WireJSON.object(Data(request.body.utf8)) ?? [:]
        let messages = body["messages"] as? [[String: Any]] ?? []
        if let result = messages.last, result["role"] as? String == "tool" {
            let answer = "Order 42: " + (result["content"] as? String ?? "")
            return TestModelServer.openAIStream([answer])
        }
        return openAICall()
    }

    static func openAICall() -> [TestModelServer.Step] {
        sse([
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_7","type":"function","function":{"name":"lookup_order","arguments":"{\"number\":"}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":" 42}"}}]},"finish_reason":"tool_calls"}]}"#,
            "[DONE]",
        ])
    }

    static func anthropicModel(_ request: TestModelServer.Received) -> [TestModelServer.Step] {
        let body = WireJSON.object(Data(request.body.utf8)) ?? [:]
        let messages = body["messages"] as? [[String: Any]] ?? []
        let blocks = messages.last?["content"] as? [[String: Any]] ?? []
        if let result = blocks.first, result["type"] as? String == "tool_result" {
            return sse([
                #"{"type":"message_start","message":{"usage":{"input_tokens":5}}}"#,
                #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#,
                #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"#
                    + String(
                        decoding: try! JSONEncoder().encode("Order 42: " + (result["content"] as? String ?? "")),
                        as: UTF8.self)
                    + "}}",
                #"{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":4}}"#,
                #"{"type":"message_stop"}"#,
            ])
        }
        return sse([
            #"{"type":"message_start","message":{"usage":{"input_tokens":5}}}"#,
            #"{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_9","name":"lookup_order","input":{}}}"#,
            #"{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"number\": 42}"}}"#,
            #"{"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":9}}"#,
            #"{"type":"message_stop"}"#,
        ])
    }

    func evaluate(_ kind: BackendKind, server: TestModelServer, caseLine: String, cache: Bool = false) async throws
        -> (EvalResult, TestWorkspace)
    {
        setenv("WHET_TEST_KEY", "sk-test-loopback", 1)
        let files = try TestWorkspace(
            config: """
                name = "tools"
                default_prompt = "orders"
                default_backend = "model"

                [backends.model]
                kind = "\(kind.rawValue)"
                model = "m"
                base_url = "\(server.baseURL)\(kind == .openai ? "/v1" : "")"
                api_key_env = "WHET_TEST_KEY"
                max_retries = 0
                """,
            files: [
                "prompts/orders.prompty": Self.prompt, "corpus/a.md": "# A\n",
                "evals/cases.jsonl": caseLine + "\n",
            ])
        let workspace = try files.open()
        let url = workspace.evalsDirectory.appendingPathComponent("cases.jsonl")
        var plan = EvalRunner.Plan(
            cases: try EvalFile.load(url, displayPath: "evals/cases.jsonl"), caseFiles: ["evals/cases.jsonl"])
        plan.useCache = cache
        let (_, results, _) = try await EvalRunner(workspace: workspace).run(plan, retriever: nil)
        return (try XCTUnwrap(results.first), files)
    }

    static let shippedCase = """
        {"vars": {"question": "Where is order 42?"}, "tool_results": {"lookup_order": {"status": "shipped"}}, \
        "assert": [{"type": "contains", "value": "shipped"}, \
        {"type": "tool-call", "value": {"name": "lookup_order", "arguments": {"number": 42}}}]}
        """

    func testOpenAICallIsAnsweredAndTheSecondAnswerIsChecked() async throws {
        let server = try TestModelServer(responder: Self.openAIModel)
        defer { server.stop() }
        let (result, files) = try await evaluate(.openai, server: server, caseLine: Self.shippedCase)
        XCTAssertNil(result.error)
        XCTAssertEqual(result.output, #"Order 42: {"status":"shipped"}"#)
        let workspace = try files.open()
        let results = try XCTUnwrap(EvalHistory(workspace: workspace).files().first)
        let report = try EvalReport.make(
            resultsURL: workspace.evalsDirectory.appendingPathComponent("results/\(results.id).jsonl"),
            displayPath: results.path, workspace: workspace)
        let html = HTMLReport.render(report, workspace: workspace)
        XCTAssertTrue(
            html.contains("<h4>Tool calls</h4><ol class=\"context\"><li><b>lookup_order</b>"),
            "the report shows the call")
        XCTAssertEqual(result.status, .passed, "\(result.assertions)")
        XCTAssertEqual(result.toolCalls?.map(\.name), ["lookup_order"])
        XCTAssertEqual(server.requests.count, 2)
        let second = try XCTUnwrap(WireJSON.object(Data(server.requests[1].body.utf8)))
        let messages = try XCTUnwrap(second["messages"] as? [[String: Any]])
        XCTAssertEqual(messages.map { $0["role"] as? String }, ["user", "assistant", "tool"])
        let call = try XCTUnwrap((messages[1]["tool_calls"] as? [[String: Any]])?.first)
        XCTAssertEqual(call["id"] as? String, "call_7")
        XCTAssertEqual((call["function"] as? [String: Any])?["arguments"] as? String, "{\"number\": 42}")
        XCTAssertTrue(messages[1]["content"] is NSNull, "an assistant turn that only calls has null content")
        XCTAssertEqual(messages[2]["tool_call_id"] as? String, "call_7")
    }

    func testAnthropicCallIsAnsweredWithAToolResultBlock() async throws {
        let server = try TestModelServer(responder: Self.anthropicModel)
        defer { server.stop() }
        let (result, _) = try await evaluate(.anthropic, server: server, caseLine: Self.shippedCase)
        XCTAssertNil(result.error)
        XCTAssertEqual(result.status, .passed, "\(result.assertions) \(result.output)")
        let second = try XCTUnwrap(WireJSON.object(Data(server.requests[1].body.utf8)))
        let messages = try XCTUnwrap(second["messages"] as? [[String: Any]])
        XCTAssertEqual(messages.map { $0["role"] as? String }, ["user", "assistant", "user"])
        let use = try XCTUnwrap((messages[1]["content"] as? [[String: Any]])?.first)
        XCTAssertEqual(use["type"] as? String, "tool_use")
        XCTAssertEqual(use["id"] as? String, "toolu_9")
        XCTAssertEqual((use["input"] as? [String: Any])?["number"] as? Int, 42)
        let result2 = try XCTUnwrap((messages[2]["content"] as? [[String: Any]])?.first)
        XCTAssertEqual(result2["tool_use_id"] as? String, "toolu_9")
    }

    func testACallTheCaseDoesNotAnswerIsTheCellsError() async throws {
        let server = try TestModelServer(responder: Self.openAIModel)
        defer { server.stop() }
        let line =
            #"{"vars": {"question": "q"}, "tool_results": {"cancel_order": "done"}, "assert": [{"type": "contains", "value": "x"}]}"#
        let (result, _) = try await evaluate(.openai, server: server, caseLine: line)
        XCTAssertEqual(result.status, EvalResult.Status.error)
        XCTAssertEqual(
            result.error,
            "the model called 'lookup_order', which the case's tool_results do not answer (they answer 'cancel_order')")
        XCTAssertEqual(server.requests.count, 1)
    }

    func testAModelThatKeepsCallingStopsAfterTheTurnLimit() async throws {
        let server = try TestModelServer { _ in Self.openAICall() }
        defer { server.stop() }
        let (result, _) = try await evaluate(.openai, server: server, caseLine: Self.shippedCase)
        XCTAssertEqual(result.status, EvalResult.Status.error)
        XCTAssertEqual(result.error, "the model was still calling tools after 4 turns with the canned results")
        XCTAssertEqual(server.requests.count, EvalRunner.maxToolTurns)
    }

    func testCachedAnswersReplayTheirCalls() async throws {
        let server = try TestModelServer(responder: Self.openAIModel)
        defer { server.stop() }
        let (first, files) = try await evaluate(.openai, server: server, caseLine: Self.shippedCase, cache: true)
        XCTAssertEqual(first.status, .passed)
        let workspace = try files.open()
        let url = workspace.evalsDirectory.appendingPathComponent("cases.jsonl")
        var plan = EvalRunner.Plan(
            cases: try EvalFile.load(url, displayPath: "evals/cases.jsonl"), caseFiles: ["evals/cases.jsonl"])
        plan.useCache = true
        // A new eval id (another repeat count), so the cells run again: from the cache this time.
        plan.repeats = 1
        try FileManager.default.removeItem(at: workspace.evalsDirectory.appendingPathComponent("results"))
        let (_, results, _) = try await EvalRunner(workspace: workspace).run(plan, retriever: nil)
        let again = try XCTUnwrap(results.first)
        XCTAssertEqual(server.requests.count, 2, "both turns came from the cache")
        XCTAssertEqual(again.cached, true)
        XCTAssertEqual(again.status, .passed, "\(again.assertions)")
        XCTAssertEqual(again.toolCalls, first.toolCalls)
    }

    func testToolResultsMustBeAnObject() throws {
        XCTAssertThrowsError(
            try EvalFile.parse(#"{"vars": {}, "tool_results": "shipped"}"#, displayPath: "evals/c.jsonl")
        ) { error in
            XCTAssertTrue(
                "\(error)".hasPrefix("evals/c.jsonl:1:1: error: 'tool_results': expected an object"), "\(error)")
        }
    }

    func testAThreadInputKeepsToolCallsAndResults() throws {
        let file = try PromptFile(
            parsing: """
                ---
                inputSchema:
                  properties:
                    - name: history
                      kind: thread
                ---
                system:
                Help.
                {{ history }}
                """, path: "p.prompty", defaultName: "p")
        let history = """
            [{"role": "user", "content": "Where is 42?"},
             {"role": "assistant", "content": "", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "lookup_order", "arguments": "{\\"number\\": 42}"}}]},
             {"role": "tool", "tool_call_id": "c1", "content": "shipped"}]
            """
        let messages = try file.render(["history": history])
        XCTAssertEqual(messages.map(\.role), [.system, .user, .assistant, .tool])
        XCTAssertEqual(messages[2].toolCalls?.first?.name, "lookup_order")
        XCTAssertEqual(messages[3].toolCallID, "c1")
        XCTAssertEqual(OpenAIChatProtocol.message(messages[3])["tool_call_id"] as? String, "c1")
    }
}
