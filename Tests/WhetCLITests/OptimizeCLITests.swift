import Foundation
import XCTest

/// `whet optimize` on a copy of the demo, offline: the context axis finds the retrieval setting its overview
/// questions need, keeps it on the held-out cases, and proposes it without touching the workspace's files;
/// killed half-way, the same command resumes; bad input gets one line.
final class OptimizeCLITests: XCTestCase {
    var demo: URL!

    override func setUpWithError() throws { demo = try WhetProcess.copyOfDemo() }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: demo) }

    func optimize(_ arguments: [String] = []) throws -> WhetProcess.Result {
        try WhetProcess.run(["-C", demo.path, "optimize", "evals/context/retrieval.jsonl"] + arguments)
    }

    func testContextAxisFindsTopKOfflineAndProposesItWithItsHeldOutInterval() throws {
        let config = try String(contentsOf: demo.appendingPathComponent("whet.toml"), encoding: .utf8)
        let result = try optimize()
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("plan: at most"), result.stderr)
        XCTAssertTrue(result.stdout.contains("the leading failure class is knowledge"), result.stdout)
        XCTAssertTrue(result.stdout.contains("proposed: r3 (top_k=10)"), result.stdout)
        XCTAssertTrue(result.stdout.contains(": better; retrieval on the held-out cases: hit rate"), result.stdout)
        XCTAssertTrue(result.stdout.contains("[retrieval]\ntop_k = 10\n"), result.stdout)
        XCTAssertTrue(result.stdout.contains("not tried: rerank=true: the offline backend cannot grade"), result.stdout)
        XCTAssertEqual(
            try String(contentsOf: demo.appendingPathComponent("whet.toml"), encoding: .utf8), config,
            "whet.toml is never changed")
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: demo.appendingPathComponent("evals/results").path),
            "the candidates' cells are kept under evals/optimize/, not as evals")
        let again = try optimize(["--json"])
        XCTAssertEqual(again.status, 0, again.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["proposed"] as? Bool, true, "the same run resumes to the same answer")
        XCTAssertEqual(object["toml_block"] as? String, "[retrieval]\ntop_k = 10\n")
        let validation = try XCTUnwrap(object["validation"] as? [String: Any])
        XCTAssertEqual(validation["verdict"] as? String, "better")
        XCTAssertGreaterThan(validation["lower"] as? Double ?? 0, 0)
        let report = try WhetProcess.run(["-C", demo.path, "report", try XCTUnwrap(object["log_path"] as? String)])
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertTrue(report.stdout.contains("Lineage: c0 (the workspace as it is) → r3 (top\\_k=10)"), report.stdout)
        XCTAssertTrue(report.stdout.contains("On the held-out cases: 9 fixed, 0 broken."), report.stdout)
        let spent = result.stdout.components(separatedBy: "\n").first { $0.hasPrefix("spent: ") }
        XCTAssertEqual(
            spent, "spent: \((object["spent"] as? [String: Any])?["calls"] as? Int ?? -1) calls",
            "the first run's spending is counted when it resumes")
    }

    func testKilledRunResumesWithoutRepeatingItsLog() throws {
        let process = Process()
        process.executableURL = WhetProcess.binary
        process.arguments = ["-C", demo.path, "optimize", "evals/context/retrieval.jsonl"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 4)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let result = try optimize()
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("proposed: r3 (top_k=10)"), result.stdout)
        let directory = demo.appendingPathComponent("evals/optimize")
        let log = try XCTUnwrap(
            try FileManager.default.contentsOfDirectory(atPath: directory.path).first { $0.hasSuffix(".jsonl") })
        let lines = try String(contentsOf: directory.appendingPathComponent(log), encoding: .utf8)
            .split(separator: "\n").compactMap {
                try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
        let candidates = lines.filter { $0["kind"] as? String == "candidate" }.map {
            "\($0["candidate"] ?? "") \($0["set"] ?? "")"
        }
        XCTAssertEqual(candidates.count, Set(candidates).count, "no candidate logged twice: \(candidates)")
        XCTAssertEqual(lines.filter { $0["kind"] as? String == "result" }.count, 1)
    }

    func testBadInputGetsOneClearLine() throws {
        let wrongPrompt = try optimize(["--prompt", "support-answer"])
        XCTAssertEqual(wrongPrompt.status, 1)
        XCTAssertTrue(wrongPrompt.stderr.contains("no eval case runs with prompt 'support-answer'"), wrongPrompt.stderr)
        let tooSmall = try optimize(["--budget-calls", "20"])
        XCTAssertEqual(tooSmall.status, 1)
        XCTAssertTrue(tooSmall.stderr.contains("the budget is too small"), tooSmall.stderr)
        XCTAssertTrue(tooSmall.stderr.contains("plan: at most"), tooSmall.stderr)
        let proposer = try optimize(["--proposer", "nope"])
        XCTAssertEqual(proposer.status, 1)
        XCTAssertTrue(proposer.stderr.contains("the proposer 'nope' is not configured"), proposer.stderr)
        let defaultEvals = try WhetProcess.run(["-C", demo.path, "optimize"])
        XCTAssertEqual(defaultEvals.status, 1, defaultEvals.stdout)
        XCTAssertTrue(defaultEvals.stdout.contains("could not be told from noise"), defaultEvals.stdout)
    }
}
