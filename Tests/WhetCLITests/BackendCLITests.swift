import Foundation
import WhetTestSupport
import XCTest

/// `whet run --backend` and `whet models --backend` against a real OpenAI-compatible server on loopback.
final class BackendCLITests: XCTestCase {
    var demo: URL!
    var server: TestModelServer!

    override func setUpWithError() throws {
        demo = try WhetProcess.copyOfDemo()
        server = try TestModelServer([
            TestModelServer.openAIStream(
                ["Rotate the key ", "in the console [1]."], promptTokens: 900, completionTokens: 12),
            [
                .head(200, [("Content-Type", "application/json")]),
                .chunk("{\"data\":[{\"id\":\"test-model\"},{\"id\":\"other\"}]}"), .end,
            ],
            [
                .head(401, [("Content-Type", "application/json")]),
                .chunk("{\"error\":{\"type\":\"invalid_api_key\",\"message\":\"bad key\"}}"), .end,
            ],
        ])
        let config = demo.appendingPathComponent("whet.toml")
        var text = try String(contentsOf: config, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "[retrieval]",
            with: """
                [backends.local]
                kind = "openai"
                model = "test-model"
                base_url = "\(server.baseURL)/v1"
                api_key_env = "WHET_E2E_KEY"
                max_retries = 0

                [prices."test-model"]
                input = 1.0
                output = 4.0

                [retrieval]
                """)
        try text.write(to: config, atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws {
        server.stop()
        try? FileManager.default.removeItem(at: demo)
    }

    func testRunModelsAndErrorsThroughTheCommandLine() throws {
        let environment = ["WHET_E2E_KEY": "sk-e2e-secret-value"]
        let run = try WhetProcess.run(["-C", demo.path, "run", "--backend", "local"], environment: environment)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.stdout, "Rotate the key in the console [1].\n")
        XCTAssertTrue(run.stderr.contains("local/test-model"), run.stderr)
        XCTAssertTrue(run.stderr.contains("900+12 tokens"), run.stderr)
        XCTAssertTrue(run.stderr.contains("$0.0009"), run.stderr)

        let models = try WhetProcess.run(["-C", demo.path, "models", "--backend", "local"], environment: environment)
        XCTAssertEqual(models.status, 0, models.stderr)
        XCTAssertEqual(models.stdout, "  other\n* test-model\n")

        let failing = try WhetProcess.run(["-C", demo.path, "run", "--backend", "local"], environment: environment)
        XCTAssertEqual(failing.status, 1)
        XCTAssertTrue(failing.stderr.contains("HTTP 401 invalid_api_key: bad key"), failing.stderr)
        XCTAssertFalse(failing.stderr.contains("sk-e2e-secret-value"))

        let noKey = try WhetProcess.run(
            ["-C", demo.path, "models", "--backend", "local"], environment: ["WHET_E2E_KEY": ""])
        XCTAssertFalse(noKey.stderr.contains("no API key"), "a server on this machine may need no key: \(noKey.stderr)")
        XCTAssertNil(server.requests.last?.headers["authorization"], "no key, no Authorization header")
        XCTAssertEqual(server.requests.count, 4)
    }
}
