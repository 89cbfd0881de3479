import Foundation
import WhetTestSupport
import XCTest

/// `whet rate` and `whet finetune` end to end: rating runs of the offline demo, exporting, validating, and a job
/// submitted to and followed on a real HTTP server on loopback that speaks OpenAI's fine-tuning API.
final class FineTuneCLITests: XCTestCase {
    var demo: URL!

    override func setUpWithError() throws { demo = try WhetProcess.copyOfDemo() }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: demo) }

    func goodFile(_ count: Int) -> String {
        (1...count).map {
            "{\"messages\": [{\"role\": \"user\", \"content\": \"Question \($0)?\"}, {\"role\": \"assistant\", \"content\": \"Answer \($0).\"}]}"
        }
        .joined(separator: "\n") + "\n"
    }

    func testRatedRunsAndExpectedAnswersExportAndValidate() throws {
        let run = try WhetProcess.run(["-C", demo.path, "run", "--var", "question=Where can I download my invoices?"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let rate = try WhetProcess.run([
            "-C", demo.path, "rate", "latest", "1", "bad", "--corrected", "Under Settings › Billing › Invoices.",
        ])
        XCTAssertEqual(rate.status, 0, rate.stderr)
        XCTAssertTrue(rate.stdout.contains("rated bad with a corrected answer"), rate.stdout)
        let unknown = try WhetProcess.run(["-C", demo.path, "rate", "latest", "7", "good"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("has no run 7; it has runs 1"), unknown.stderr)

        let export = try WhetProcess.run(["-C", demo.path, "finetune", "export", "--validation", "0"])
        XCTAssertEqual(export.status, 0, export.stderr)
        XCTAssertTrue(export.stdout.contains("4 examples (1 from rated runs, 3 from eval cases)"), export.stdout)
        XCTAssertTrue(
            export.stdout.contains("at least 10 are required"),
            "the export says what the validator will say: \(export.stdout)")
        let lines = try String(contentsOf: demo.appendingPathComponent("finetune/train.jsonl"), encoding: .utf8).split(
            separator: "\n")
        XCTAssertEqual(lines.count, 4)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        let messages = first?["messages"] as? [[String: String]]
        XCTAssertEqual(messages?.map { $0["role"] ?? "" }, ["system", "user", "assistant"])
        XCTAssertEqual(messages?.last?["content"], "Under Settings › Billing › Invoices.")

        let again = try WhetProcess.run(["-C", demo.path, "finetune", "export"])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("finetune/train.jsonl exists; pass --force"), again.stderr)

        let validate = try WhetProcess.run(["-C", demo.path, "finetune", "validate", "finetune/train.jsonl"])
        XCTAssertEqual(validate.status, 1, "4 examples are fewer than the 10 required")
        XCTAssertTrue(validate.stdout.contains("finetune/train.jsonl: 4 examples, 1 error"), validate.stdout)
        XCTAssertTrue(validate.stdout.contains("billed: "), validate.stdout)
    }

    func testValidateOutsideAWorkspaceNamesTheBrokenLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("whet-ft-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try (goodFile(12) + "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}\n")
            .write(to: directory.appendingPathComponent("data.jsonl"), atomically: true, encoding: .utf8)
        let bad = try WhetProcess.run(["finetune", "validate", "data.jsonl"], in: directory)
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stdout.contains("data.jsonl:13: error: no assistant message"), bad.stdout)
        try goodFile(12).write(to: directory.appendingPathComponent("data.jsonl"), atomically: true, encoding: .utf8)
        let good = try WhetProcess.run(["finetune", "validate", "data.jsonl", "--json"], in: directory)
        XCTAssertEqual(good.status, 0, good.stdout + good.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(good.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(report?["examples"] as? Int, 12)
        XCTAssertEqual(report?["epochs"] as? Int, 8)
        XCTAssertEqual((report?["warnings"] as? [[String: Any]])?.first?["check"] as? String, "few_examples")
    }

    func testSubmitFollowAndAddTheTunedModelAsABackend() throws {
        final class Polls: @unchecked Sendable {
            let lock = NSLock()
            var jobReads = 0
            var files = 0
            func next(_ keyPath: ReferenceWritableKeyPath<Polls, Int>) -> Int {
                lock.withLock {
                    self[keyPath: keyPath] += 1
                    return self[keyPath: keyPath]
                }
            }
        }
        let polls = Polls()
        let server = try TestModelServer { request in
            switch (request.method, request.path) {
            case ("POST", "/v1/files"):
                return TestModelServer.json(
                    "{\"id\": \"file-\(polls.next(\.files))\", \"object\": \"file\", \"purpose\": \"fine-tune\"}")
            case ("POST", "/v1/fine_tuning/jobs"):
                return TestModelServer.json(
                    "{\"id\": \"ftjob-1\", \"status\": \"validating_files\", \"model\": \"gpt-4o-mini\", \"fine_tuned_model\": null}"
                )
            case ("GET", "/v1/fine_tuning/jobs/ftjob-1"):
                let done = polls.next(\.jobReads) >= 3
                return TestModelServer.json(
                    "{\"id\": \"ftjob-1\", \"status\": \"\(done ? "succeeded" : "running")\", \"model\": \"gpt-4o-mini\", \"fine_tuned_model\": \(done ? "\"ft:gpt-4o-mini:lab::xyz\"" : "null"), \"trained_tokens\": \(done ? "1234" : "null")}"
                )
            case ("GET", "/v1/fine_tuning/jobs/ftjob-1/events?limit=50"):
                return TestModelServer.json(
                    "{\"data\": [{\"created_at\": 1764050000, \"level\": \"info\", \"message\": \"Step 10/30: training loss=0.42\"}, {\"created_at\": 1764049000, \"level\": \"info\", \"message\": \"Validating training file\"}]}"
                )
            case ("POST", "/v1/chat/completions"):
                return TestModelServer.openAIStream(["Answer from the tuned model."])
            default:
                return [
                    .head(404, [("Content-Type", "application/json")]),
                    .chunk("{\"error\": {\"message\": \"no route \(request.path)\"}}"), .end,
                ]
            }
        }
        defer { server.stop() }
        let config = demo.appendingPathComponent("whet.toml")
        let original = try String(contentsOf: config, encoding: .utf8)
        try
            (original
            + "\n[backends.lab]\nkind = \"openai\"\nmodel = \"gpt-4o-mini\"\nbase_url = \"\(server.baseURL)/v1\"\n")
            .write(to: config, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            at: demo.appendingPathComponent("finetune"), withIntermediateDirectories: true)

        try "{\"messages\": []}\n".write(
            to: demo.appendingPathComponent("finetune/train.jsonl"), atomically: true, encoding: .utf8)
        let refused = try WhetProcess.run(["-C", demo.path, "finetune", "submit", "--backend", "lab"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("finetune/train.jsonl:1: error:"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("nothing was uploaded"), refused.stderr)
        XCTAssertEqual(server.requests.count, 0)

        try goodFile(12).write(
            to: demo.appendingPathComponent("finetune/train.jsonl"), atomically: true, encoding: .utf8)
        try goodFile(3).write(
            to: demo.appendingPathComponent("finetune/validation.jsonl"), atomically: true, encoding: .utf8)
        let submit = try WhetProcess.run([
            "-C", demo.path, "finetune", "submit", "--backend", "lab", "--suffix", "support",
        ])
        XCTAssertEqual(submit.status, 0, submit.stderr)
        XCTAssertTrue(
            submit.stdout.contains(
                "job ftjob-1: validating_files (training gpt-4o-mini on file-1, validating on file-2)"), submit.stdout)
        let upload = server.requests.first { $0.path == "/v1/files" }
        XCTAssertTrue(
            upload?.headers["content-type"]?.hasPrefix("multipart/form-data; boundary=") ?? false,
            "\(upload?.headers ?? [:])")
        XCTAssertTrue(upload?.body.contains("name=\"purpose\"\r\n\r\nfine-tune") ?? false)
        XCTAssertTrue(upload?.body.contains("Question 12?") ?? false)
        let create = server.requests.first { $0.path == "/v1/fine_tuning/jobs" }
        let body = try JSONSerialization.jsonObject(with: Data((create?.body ?? "").utf8)) as? [String: Any]
        XCTAssertEqual(body?["training_file"] as? String, "file-1")
        XCTAssertEqual(body?["validation_file"] as? String, "file-2")
        XCTAssertEqual(body?["suffix"] as? String, "support")

        let early = try WhetProcess.run(["-C", demo.path, "finetune", "status", "--add-backend", "tuned"])
        XCTAssertEqual(early.status, 1)
        XCTAssertTrue(early.stderr.contains("is running, not succeeded; no backend added"), early.stderr)
        XCTAssertEqual(try String(contentsOf: config, encoding: .utf8).contains("[backends.tuned]"), false)

        let watched = try WhetProcess.run([
            "-C", demo.path, "finetune", "status", "--watch", "--interval", "0.05", "--add-backend", "tuned",
        ])
        XCTAssertEqual(watched.status, 0, watched.stderr)
        XCTAssertTrue(watched.stdout.contains("Validating training file"), watched.stdout)
        XCTAssertTrue(
            watched.stdout.contains(
                "job ftjob-1: succeeded · base gpt-4o-mini · model ft:gpt-4o-mini:lab::xyz · 1234 trained tokens"),
            watched.stdout)
        XCTAssertTrue(watched.stdout.contains("added backend 'tuned'"), watched.stdout)
        let tuned = try WhetProcess.run(["-C", demo.path, "run", "--backend", "tuned", "--var", "question=Hi?"])
        XCTAssertEqual(tuned.status, 0, tuned.stderr)
        XCTAssertTrue(tuned.stdout.contains("Answer from the tuned model."), tuned.stdout)
        XCTAssertTrue(
            server.requests.last?.body.contains("\"model\":\"ft:gpt-4o-mini:lab::xyz\"") ?? false,
            server.requests.last?.body ?? "")
        let text = try String(contentsOf: config, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix(original), "the user's whet.toml text is kept as written")
        XCTAssertTrue(text.contains("model = \"ft:gpt-4o-mini:lab::xyz\""), text)
    }
}
