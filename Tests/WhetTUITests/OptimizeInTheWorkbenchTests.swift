import WhetTestSupport
import XCTest

@testable import WhetCore
@testable import WhetTUI

/// `:optimize` runs the core's optimiser in the background, shows what it found in an overlay and the verdict in
/// the status line, and `:optimize adopt` loads the proposed prompt into the editor as one unsaved, undoable edit.
@MainActor
final class OptimizeInTheWorkbenchTests: XCTestCase {
    static let prompt = """
        ---
        name: helper
        ---
        system:
        You help customers of a widget shop with their questions, briefly and politely, in plain words.
        user:
        {{question}}

        """

    func testOptimizeFindsAPromptAndAdoptLoadsItUnsaved() async throws {
        DisplayWidth.prepareLocale()
        // A model that answers in the asked form only when told to quote.
        let server = try TestModelServer { request in
            let body = String(decoding: Data(request.body.utf8), as: UTF8.self).lowercased()
            let good = body.contains("quote") || body.contains("(solid)")
            return TestModelServer.openAIStream([good ? "ANSWER: yes." : "Well, maybe."])
        }
        defer { server.stop() }
        setenv("WHET_TEST_KEY", "sk-test-loopback", 1)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("whet-optimize-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let cases = (0..<24).map { index in
            #"{"description": "q\#(index)", "vars": {"question": "Question \#(index)\#(index % 4 == 0 ? " (solid)" : "")?"}, "assert": [{"type": "starts-with", "value": "ANSWER:"}]}"#
        }.joined(separator: "\n")
        let files = [
            "whet.toml": """
            name = "optimize"
            default_prompt = "helper"
            default_backend = "model"

            [backends.model]
            kind = "openai"
            model = "task"
            base_url = "\(server.baseURL)/v1"
            api_key_env = "WHET_TEST_KEY"
            max_retries = 0

            [retrieval]
            enabled = false
            """,
            "prompts/helper.prompty": Self.prompt, "evals/cases.jsonl": cases + "\n", "corpus/.keep": "",
        ]
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        let workbench = try openWorkbench(root: root)
        workbench.runCommand("optimize adopt")
        XCTAssertEqual(workbench.state.message?.text, "no proposed prompt to adopt: :optimize looks for one")
        workbench.runCommand("optimize")
        for _ in 0..<1_500 where workbench.evals.optimizeJob.isBusy {
            try await Task.sleep(nanoseconds: 20_000_000)
            workbench.applyEvents()
        }
        XCTAssertFalse(workbench.evals.optimizeJob.isBusy, "the optimisation finished")
        let message = try XCTUnwrap(workbench.state.message)
        XCTAssertTrue(message.text.contains("proposed quote before answering (held out: +9 cases"), message.text)
        let screen = workbench.render(width: 140, height: 45, now: Date(timeIntervalSince1970: 0)).0.text
        XCTAssertTrue(screen.contains("optimize "), screen)
        XCTAssertTrue(screen.contains("quote before answering"), screen)

        // The overlay lists every candidate with its rate and interval; Enter shows a prompt's word diff.
        let layer = try XCTUnwrap(workbench.layers.top as? OptimizeLayer)
        XCTAssertTrue(screen.contains("held out: +9 cases"), screen)
        XCTAssertTrue(screen.contains("c0  baseline"), screen)
        let layout = Layout.make(width: 140, height: 45)
        let row = try XCTUnwrap(layer.outcome.tried.firstIndex { $0.candidate.axis == .prompt })
        for _ in 0..<row { workbench.handle(.character("j"), layout: layout) }
        workbench.handle(.enter, layout: layout)
        XCTAssertTrue(workbench.layers.top is DiffLayer, "Enter shows the candidate's change")
        workbench.handle(.escape, layout: layout)
        XCTAssertTrue(workbench.layers.top is OptimizeLayer)
        workbench.handle(.escape, layout: layout)

        XCTAssertFalse(workbench.state.prompt.buffer.isModified)
        workbench.runCommand("optimize adopt")
        XCTAssertTrue(workbench.state.prompt.buffer.isModified, "loaded, not saved")
        XCTAssertTrue(
            workbench.state.prompt.buffer.text.contains("quote word for word"), workbench.state.prompt.buffer.text)
        XCTAssertEqual(
            try String(contentsOf: root.appendingPathComponent("prompts/helper.prompty"), encoding: .utf8), Self.prompt,
            "the prompt on disk is unchanged")
        XCTAssertTrue(workbench.state.prompt.buffer.undo())
        XCTAssertEqual(workbench.state.prompt.buffer.text, Self.prompt, "one undo takes the adoption back")
    }
}
