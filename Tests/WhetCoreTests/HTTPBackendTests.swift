import WhetTestSupport
import XCTest

@testable import WhetCore

/// The OpenAI-compatible and Anthropic backends against a real HTTP server on loopback: what the user sees
/// (events, errors) and what lands in the session log.
final class HTTPBackendTests: XCTestCase {
    static let fakeKey = "sk-test-FAKE-KEY-1234567890abcdef"
    var server: TestModelServer?
    var workspace: TestWorkspace!

    override func setUpWithError() throws {
        setenv("WHET_TEST_KEY", HTTPBackendTests.fakeKey, 1)
        workspace = try TestWorkspace(files: [
            "prompts/answer.prompty": TestWorkspace.answerPrompt,
            "corpus/doc.md": "# Doc\n\nThe default timeout is 60 seconds.\n",
        ])
    }

    override func tearDown() { server?.stop() }

    func config(_ kind: BackendKind, _ server: TestModelServer, tweak: (inout HTTPSettings) -> Void = { _ in })
        -> BackendConfig
    {
        var config = BackendConfig(
            name: "test-\(kind.rawValue)", kind: kind, model: kind == .anthropic ? "claude-test" : "gpt-test")
        config.http.baseURL = server.baseURL + (kind == .openai ? "/v1" : "")
        config.http.apiKeyEnvironment = "WHET_TEST_KEY"
        config.http.firstByteTimeout = 5
        config.http.idleTimeout = 5
        tweak(&config.http)
        return config
    }

    /// Runs the workspace's prompt on `backend` and records it, as `whet run` does.
    func runAndRecord(_ backend: HTTPChatBackend, cancelAfter: Duration? = nil) async throws -> (
        RunRecord, [BackendEvent], String
    ) {
        try await runAndRecordAny(backend, backend.config, cancelAfter: cancelAfter)
    }

    func testOpenAIStreamingWithUsageInTheLastChunk() async throws {
        let server = try TestModelServer([
            TestModelServer.openAIStream(["The default ", "timeout is ", "60 seconds [1]."])
        ])
        self.server = server
        let (record, _, log) = try await runAndRecord(
            HTTPChatBackend(config: config(.openai, server), workspaceRoot: workspace.root))
        XCTAssertEqual(record.output, "The default timeout is 60 seconds [1].")
        XCTAssertEqual(record.finishReason, .stop)
        XCTAssertEqual(record.usage, TokenUsage(promptTokens: 11, completionTokens: 7, estimated: false))
        XCTAssertEqual(record.costUSD ?? 0, (11 * 2 + 7 * 8) / 1_000_000, accuracy: 1e-12)
        XCTAssertNotNil(record.latency.firstTokenMs)
        XCTAssertTrue(log.contains("\"cost_usd\""))
        let request = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(request.path, "/v1/chat/completions")
        XCTAssertEqual(request.headers["authorization"], "Bearer \(HTTPBackendTests.fakeKey)")
        let body = try XCTUnwrap(WireJSON.object(Data(request.body.utf8)))
        XCTAssertEqual(body["model"] as? String, "gpt-test")
        XCTAssertEqual(body["stream"] as? Bool, true)
        XCTAssertEqual((body["stream_options"] as? [String: Any])?["include_usage"] as? Bool, true)
        XCTAssertEqual((body["messages"] as? [[String: Any]])?.first?["role"] as? String, "system")
    }

    func testStreamSplitAtEveryByteStillParses() async throws {
        var steps: [TestModelServer.Step] = []
        for step in TestModelServer.openAIStream(["split ", "everywhere"], done: false) {
            if case .chunk(let text) = step {
                steps += text.map { .chunk(String($0)) }
            } else {
                steps.append(step)
            }
        }
        let server = try TestModelServer([steps])
        self.server = server
        let (record, _, _) = try await runAndRecord(
            HTTPChatBackend(config: config(.openai, server), workspaceRoot: workspace.root))
        XCTAssertEqual(record.output, "split everywhere")
        XCTAssertEqual(
            record.usage?.completionTokens, 7, "a stream that ends without [DONE] still delivers its last event")
    }

    func test429WithRetryAfterThenSuccessIsRetriedAndShown() async throws {
        let server = try TestModelServer([
            [
                .head(429, [("Retry-After", "1")]),
                .chunk("{\"error\":{\"type\":\"rate_limit_exceeded\",\"message\":\"slow down\"}}"), .end,
            ],
            TestModelServer.openAIStream(["ok"]),
        ])
        self.server = server
        let started = Date()
        let (record, events, _) = try await runAndRecord(
            HTTPChatBackend(config: config(.openai, server), workspaceRoot: workspace.root))
        XCTAssertEqual(record.output, "ok")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.9, "Retry-After was honoured")
        XCTAssertTrue(events.contains(.retrying(seconds: 1, reason: "429")), "\(events)")
        XCTAssertEqual(server.requests.count, 2)
    }

    func test500ThenSuccessIsRetriedWithBackoff() async throws {
        let server = try TestModelServer([
            [.head(500, []), .chunk("{\"error\":{\"message\":\"boom\"}}"), .end],
            TestModelServer.openAIStream(["recovered"]),
        ])
        self.server = server
        let backend = HTTPChatBackend(config: config(.openai, server), workspaceRoot: workspace.root, backoffBase: 0.05)
        let (record, events, _) = try await runAndRecord(backend)
        XCTAssertEqual(record.output, "recovered")
        XCTAssertEqual(events.filter { if case .retrying = $0 { return true } else { return false } }.count, 1)
    }

    func test401SaysWhatTheServerSaidAndNeverTheKey() async throws {
        let server = try TestModelServer([
            [
                .head(401, [("Content-Type", "application/json")]),
                .chunk(
                    "{\"error\":{\"type\":\"invalid_api_key\",\"message\":\"Incorrect API key provided: \(HTTPBackendTests.fakeKey)\"}}"
                ), .end,
            ]
        ])
        self.server = server
        let (record, _, log) = try await runAndRecord(
            HTTPChatBackend(config: config(.openai, server), workspaceRoot: workspace.root))
        XCTAssertEqual(record.finishReason, .error)
        let error = try XCTUnwrap(record.error)
        XCTAssertTrue(error.contains("backend 'test-openai'"), error)
        XCTAssertTrue(error.contains(server.baseURL + "/v1/chat/completions"), error)
        XCTAssertTrue(error.contains("HTTP 401 invalid_api_key"), error)
        XCTAssertTrue(error.contains("Incorrect API key provided: [redacted]"), error)
        XCTAssertTrue(error.contains("check the key (WHET_TEST_KEY"), error)
        XCTAssertEqual(server.requests.count, 1, "401 is not retried")
        XCTAssertFalse(log.contains(HTTPBackendTests.fakeKey))
    }

    func testAStreamCutMidwayKeepsThePartialOutputAndIsNotRetried() async throws {
        let server = try TestModelServer([
            [
                .head(200, [("Content-Type", "text/event-stream")]),
                .chunk("data: {\"choices\":[{\"delta\":{\"content\":\"partial \"}}]}\n\n"), .pause(milliseconds: 50),
                .cut,
            ]
        ])
        self.server = server
        let (record, _, log) = try await runAndRecord(
            HTTPChatBackend(config: config(.openai, server), workspaceRoot: workspace.root))
        XCTAssertEqual(record.output, "partial ")
        XCTAssertTrue(record.finishReason == .error || record.finishReason == .stop, "\(record.finishReason)")
        if record.finishReason == .error {
            XCTAssertTrue(record.error?.contains("connection") ?? false, record.error ?? "")
        }
        XCTAssertEqual(server.requests.count, 1, "never a silent retry once output has started")
        XCTAssertTrue(log.contains("partial "))
    }

    func testSlowStreamCancelledByTheClient() async throws {
        var steps: [TestModelServer.Step] = [.head(200, [("Content-Type", "text/event-stream")])]
        for index in 0..<50 {
            steps.append(.chunk("data: {\"choices\":[{\"delta\":{\"content\":\"w\(index) \"}}]}\n\n"))
            steps.append(.pause(milliseconds: 100))
        }
        let server = try TestModelServer([steps])
        self.server = server
        let (record, _, log) = try await runAndRecord(
            HTTPChatBackend(config: config(.openai, server), workspaceRoot: workspace.root),
            cancelAfter: .milliseconds(450))
        XCTAssertEqual(record.finishReason, .cancelled)
        XCTAssertTrue(record.output.hasPrefix("w0 "), record.output)
        XCTAssertFalse(record.output.contains("w20"), record.output)
        XCTAssertTrue(log.contains("\"finish_reason\":\"cancelled\""))
    }

    func testMalformedJSONInAnEventIsAProtocolError() async throws {
        let server = try TestModelServer([
            [
                .head(200, [("Content-Type", "text/event-stream")]),
                .chunk("data: {\"choices\":[{\"delta\":{\"content\":\"ok \"}}]}\n\n"), .chunk("data: {not json\n\n"),
                .end,
            ]
        ])
        self.server = server
        let (record, _, _) = try await runAndRecord(
            HTTPChatBackend(config: config(.openai, server), workspaceRoot: workspace.root))
        XCTAssertEqual(record.finishReason, .error)
        XCTAssertEqual(record.output, "ok ")
        XCTAssertTrue(
            record.error?.contains("unexpected response: an event whose data is not a JSON object") ?? false,
            record.error ?? "")
    }

    func testAServerThatNeverAnswersTimesOut() async throws {
        let server = try TestModelServer([[]])
        self.server = server
        let backend = HTTPChatBackend(
            config: config(.openai, server) {
                $0.firstByteTimeout = 0.4
                $0.maxRetries = 1
            },
            workspaceRoot: workspace.root, backoffBase: 0.05)
        let started = Date()
        let (record, _, _) = try await runAndRecord(backend)
        XCTAssertEqual(record.finishReason, .error)
        XCTAssertTrue(
            record.error?.contains("no response within 0 s") ?? false
                || record.error?.contains("no response within") ?? false, record.error ?? "")
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        XCTAssertEqual(server.requests.count, 2, "a timeout before any output is retried")
    }

    func testAnthropicMessagesStreaming() async throws {
        let events = [
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}\n\n",
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
            "event: ping\ndata: {\"type\": \"ping\"}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Sixty \"}}\n\n",
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"seconds.\"}}\n\n",
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\"},\"usage\":{\"output_tokens\":15}}\n\n",
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
        ]
        let server = try TestModelServer([
            [.head(200, [("Content-Type", "text/event-stream")])] + events.map { .chunk($0) } + [.end]
        ])
        self.server = server
        let (record, _, _) = try await runAndRecord(
            HTTPChatBackend(config: config(.anthropic, server), workspaceRoot: workspace.root))
        XCTAssertEqual(record.output, "Sixty seconds.")
        XCTAssertEqual(record.usage, TokenUsage(promptTokens: 25, completionTokens: 15, estimated: false))
        XCTAssertEqual(record.finishReason, .length)
        let request = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(request.path, "/v1/messages")
        XCTAssertEqual(request.headers["x-api-key"], HTTPBackendTests.fakeKey)
        XCTAssertEqual(request.headers["anthropic-version"], "2023-06-01")
        let body = try XCTUnwrap(WireJSON.object(Data(request.body.utf8)))
        XCTAssertTrue((body["system"] as? String)?.hasPrefix("Answer from the context.") ?? false)
        XCTAssertEqual((body["messages"] as? [[String: Any]])?.map { $0["role"] as? String }, ["user"])
        XCTAssertNotNil(body["max_tokens"])
    }

    func testAnthropicErrorEventIsReported() async throws {
        let server = try TestModelServer([
            [
                .head(200, [("Content-Type", "text/event-stream")]),
                .chunk(
                    "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n"
                ), .end,
            ]
        ])
        self.server = server
        let (record, _, _) = try await runAndRecord(
            HTTPChatBackend(config: config(.anthropic, server), workspaceRoot: workspace.root))
        XCTAssertEqual(record.finishReason, .error)
        XCTAssertTrue(record.error?.contains("overloaded_error: Overloaded") ?? false, record.error ?? "")
    }

    func testNonStreamingResponse() async throws {
        let server = try TestModelServer([
            [
                .head(200, [("Content-Type", "application/json")]),
                .chunk(
                    "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"whole answer\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}"
                ), .end,
            ]
        ])
        self.server = server
        let (record, _, _) = try await runAndRecord(
            HTTPChatBackend(config: config(.openai, server) { $0.stream = false }, workspaceRoot: workspace.root))
        XCTAssertEqual(record.output, "whole answer")
        XCTAssertEqual(record.usage?.totalTokens, 5)
        XCTAssertEqual(WireJSON.object(Data(server.requests[0].body.utf8))?["stream"] as? Bool, false)
    }

    func testMissingKeySaysHowToProvideOne() async throws {
        let server = try TestModelServer([TestModelServer.openAIStream(["x"])])
        self.server = server
        var settings = config(.openai, server)
        settings.http.apiKeyEnvironment = "WHET_TEST_NO_SUCH_VARIABLE"
        settings.http.baseURL = "https://api.example.invalid/v1"
        let (record, _, _) = try await runAndRecord(HTTPChatBackend(config: settings, workspaceRoot: workspace.root))
        XCTAssertTrue(record.error?.contains("no API key: set WHET_TEST_NO_SUCH_VARIABLE") ?? false, record.error ?? "")
        XCTAssertEqual(server.requests.count, 0)
    }

    func testTheKeyAppearsNowhereInTheWorkspace() async throws {
        let server = try TestModelServer([
            [.head(401, []), .chunk("{\"error\":{\"message\":\"bad key \(HTTPBackendTests.fakeKey)\"}}"), .end],
            TestModelServer.openAIStream(["fine"]),
        ])
        self.server = server
        let backend = HTTPChatBackend(config: config(.openai, server), workspaceRoot: workspace.root)
        let first = try await runAndRecord(backend)
        let second = try await runAndRecord(backend)
        XCTAssertFalse(first.0.error?.contains(HTTPBackendTests.fakeKey) ?? true)
        XCTAssertEqual(second.0.output, "fine")
        let enumerator = FileManager.default.enumerator(at: workspace.root, includingPropertiesForKeys: nil)
        var files = 0
        while let url = enumerator?.nextObject() as? URL {
            guard let data = FileManager.default.contents(atPath: url.path) else { continue }
            files += 1
            XCTAssertNil(data.range(of: Data(HTTPBackendTests.fakeKey.utf8)), "key found in \(url.path)")
        }
        XCTAssertGreaterThan(files, 3)
    }

    func testTheCacheAnswersARepeatedRequestAndNeverStoresErrors() async throws {
        let server = try TestModelServer([
            [.head(500, []), .chunk("{\"error\":{\"message\":\"down\"}}"), .end],
            TestModelServer.openAIStream(["cached answer"]),
            [.head(500, []), .chunk("{\"error\":{\"message\":\"must not be asked\"}}"), .end],
        ])
        self.server = server
        let settings = config(.openai, server) { $0.maxRetries = 0 }
        let cacheDirectory = workspace.root.appendingPathComponent(".whet/cache")
        let backend = CachingBackend(
            HTTPChatBackend(config: settings, workspaceRoot: workspace.root), config: settings,
            directory: cacheDirectory)
        let failed = try await runAndRecordAny(backend, settings)
        XCTAssertEqual(failed.0.finishReason, .error)
        XCTAssertEqual(
            (try? FileManager.default.contentsOfDirectory(atPath: cacheDirectory.path))?.count ?? 0, 0,
            "errors are never cached")
        let first = try await runAndRecordAny(backend, settings)
        XCTAssertEqual(first.0.output, "cached answer")
        XCTAssertNil(first.0.cached)
        let second = try await runAndRecordAny(backend, settings)
        XCTAssertEqual(second.0.output, "cached answer")
        XCTAssertEqual(second.0.cached, true)
        XCTAssertNil(second.0.costUSD, "a cached answer costs nothing")
        XCTAssertTrue(second.2.contains("\"cached\":true"))
        XCTAssertEqual(server.requests.count, 2)
    }

    func testModelsAreListed() async throws {
        let server = try TestModelServer([
            [
                .head(200, [("Content-Type", "application/json")]),
                .chunk("{\"object\":\"list\",\"data\":[{\"id\":\"zeta\"},{\"id\":\"alpha\"}]}"), .end,
            ]
        ])
        self.server = server
        let models = try await ModelCatalog.models(for: config(.openai, server), workspaceRoot: workspace.root)
        XCTAssertEqual(models, ["alpha", "zeta"])
        XCTAssertEqual(server.requests.first?.path, "/v1/models")
        XCTAssertEqual(server.requests.first?.method, "GET")
    }

    func testTheConcurrencyGateBoundsRequestsInFlight() async {
        let gate = ConcurrencyGate(limit: 3)
        let peak = EventLog()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<12 {
                group.addTask {
                    await gate.acquire()
                    peak.add(.delta(String(await gate.current)))
                    try? await Task.sleep(for: .milliseconds(20))
                    await gate.release()
                }
            }
        }
        let counts = peak.all.compactMap { if case .delta(let text) = $0 { return Int(text) } else { return nil } }
        XCTAssertEqual(counts.count, 12)
        XCTAssertLessThanOrEqual(counts.max() ?? 0, 3)
    }

    /// `runAndRecord` for any backend (the cache wrapper too), optionally cancelling the run after a while.
    func runAndRecordAny(_ backend: any ModelBackend, _ settings: BackendConfig, cancelAfter: Duration? = nil)
        async throws -> (RunRecord, [BackendEvent], String)
    {
        let opened = try workspace.open()
        let (index, _) = try opened.openIndex()
        var plan = try await RunPlan.make(
            RunInput(variables: ["question": "default timeout?"]), in: opened, retriever: index)
        plan.backend = settings
        let recorder = RunRecorder(workspace: opened)
        let (session, number) = try recorder.nextRun(session: nil)
        let events = EventLog()
        let task = Task {
            await RunExecutor().execute(
                plan, on: backend, runNumber: number,
                price: ModelPrice(inputPerMillion: 2, outputPerMillion: 8)
            ) { events.add($0) }
        }
        if let cancelAfter {
            try await Task.sleep(for: cancelAfter)
            task.cancel()
        }
        let record = await task.value
        try recorder.record(record, session: session)
        let log = try String(contentsOf: SessionStore(workspace: opened).log(session).url, encoding: .utf8)
        return (record, events.all, log)
    }

    /// A server that drips a byte now and then keeps the idle watchdog happy forever; the overall request
    /// timeout gives up on it, says which limit fired, and does not retry it.
    func testADripFeedingServerIsGivenUpOnAtTheRequestTimeout() async throws {
        var steps: [TestModelServer.Step] = [.head(200, [("Content-Type", "text/event-stream")])]
        for _ in 0..<200 { steps += [.chunk(":"), .pause(milliseconds: 100)] }
        let server = try TestModelServer([steps])
        self.server = server
        let backend = HTTPChatBackend(
            config: config(.openai, server) {
                $0.requestTimeout = 1.0
                $0.idleTimeout = 0.5
            },
            workspaceRoot: workspace.root, backoffBase: 0.05)
        let started = Date()
        let (record, _, _) = try await runAndRecord(backend)
        let took = Date().timeIntervalSince(started)
        XCTAssertEqual(record.finishReason, .error)
        XCTAssertTrue(
            record.error?.contains(
                "the request was still not finished after 1 s (request_timeout in [backends.test-openai]") ?? false,
            record.error ?? "")
        XCTAssertLessThan(took, 4, "given up on at the limit, not after the drip ends")
        XCTAssertEqual(server.requests.count, 1, "a request that used its whole budget is not retried")
    }

    func testTimeoutMessagesSayWhichLimitInPlainWords() {
        let idle = BackendError.timeout(backend: "b", url: "http://x", kind: .idle, seconds: 3).description
        XCTAssertTrue(idle.contains("no data for 3 s in the middle of the answer (idle_timeout in [backends.b]"), idle)
        let first = BackendError.timeout(backend: "b", url: "http://x", kind: .firstByte, seconds: 60).description
        XCTAssertTrue(first.contains("no response within 60 s (first_byte_timeout"), first)
    }

    /// One streamed event larger than max_response_bytes ends the run with a message naming the setting,
    /// and whet holds no more than the limit of it.
    func testAnEventOverTheSizeLimitIsRefusedNamingTheSetting() async throws {
        let piece = String(repeating: "x", count: 16 << 10)
        var steps: [TestModelServer.Step] = [
            .head(200, [("Content-Type", "text/event-stream")]),
            .chunk("data: {\"choices\":[{\"delta\":{\"content\":\"ok\"}}]}\n\n"), .chunk("data: "),
        ]
        for _ in 0..<64 { steps.append(.chunk(piece)) }
        steps.append(.end)
        let server = try TestModelServer([steps])
        self.server = server
        let backend = HTTPChatBackend(
            config: config(.openai, server) { $0.maxResponseBytes = 256 << 10 }, workspaceRoot: workspace.root)
        let (record, _, _) = try await runAndRecord(backend)
        XCTAssertEqual(record.finishReason, .error)
        XCTAssertEqual(record.output, "ok")
        XCTAssertTrue(
            record.error?.contains(
                "one streamed event larger than 256 KiB (max_response_bytes in [backends.test-openai])") ?? false,
            record.error ?? "")
    }

    func testAHugeErrorBodyIsReadOnlyUpToItsCap() async throws {
        let message = String(repeating: "e", count: 200 << 10)
        let server = try TestModelServer([
            [
                .head(400, [("Content-Type", "application/json")]),
                .chunk("{\"error\":{\"message\":\"\(message)\"}}"), .end,
            ]
        ])
        self.server = server
        let (record, _, _) = try await runAndRecord(
            HTTPChatBackend(config: config(.openai, server), workspaceRoot: workspace.root))
        XCTAssertEqual(record.finishReason, .error)
        XCTAssertTrue(record.error?.contains("HTTP 400") ?? false, record.error ?? "")
        XCTAssertLessThan(record.error?.utf8.count ?? 0, 70_000, "the message is cut at the cap, never the whole body")
    }

    func testKeyFilesInsideTheWorkspaceAreRefused() throws {
        var settings = BackendConfig(name: "b", kind: .openai, model: "m")
        settings.http.apiKeyFile = workspace.root.appendingPathComponent("key.txt").path
        try workspace.write("key.txt", "sk-inside")
        XCTAssertThrowsError(try APIKey.resolve(settings, workspaceRoot: workspace.root)) { error in
            XCTAssertTrue("\(error)".contains("inside the workspace"), "\(error)")
        }
    }
}

/// Collects events from the executor's callback.
final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [BackendEvent] = []
    func add(_ event: BackendEvent) {
        lock.lock()
        events.append(event)
        lock.unlock()
    }
    var all: [BackendEvent] {
        lock.lock()
        defer { lock.unlock() }
        return events
    }
}

final class EmbeddingClientTests: XCTestCase {
    func testEmbeddingsAreBatchedAndKeptInOrder() async throws {
        func response(_ vectors: [(Int, [Double])]) -> [TestModelServer.Step] {
            let items = vectors.map {
                "{\"object\":\"embedding\",\"index\":\($0.0),\"embedding\":[\($0.1.map { String($0) }.joined(separator: ","))]}"
            }
            return [
                .head(200, [("Content-Type", "application/json")]),
                .chunk("{\"data\":[\(items.joined(separator: ","))]}"), .end,
            ]
        }
        let server = try TestModelServer([response([(1, [0, 1]), (0, [1, 0])]), response([(0, [0.5, 0.5])])])
        defer { server.stop() }
        var config = BackendConfig(name: "e", kind: .openai, model: "chat")
        config.http.baseURL = server.baseURL + "/v1"
        let client = try EmbeddingClient(config: config, model: "embed-small", workspaceRoot: nil, batchSize: 2)
        let vectors = try await client.embed(["a", "b", "c"])
        XCTAssertEqual(vectors, [[1, 0], [0, 1], [0.5, 0.5]])
        XCTAssertEqual(server.requests.count, 2)
        XCTAssertEqual(server.requests.first?.path, "/v1/embeddings")
        let body = WireJSON.object(Data(server.requests[0].body.utf8))
        XCTAssertEqual(body?["input"] as? [String], ["a", "b"])
        XCTAssertEqual(body?["model"] as? String, "embed-small")
    }
}
