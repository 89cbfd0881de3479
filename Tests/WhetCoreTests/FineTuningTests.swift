import Foundation
import XCTest

@testable import WhetCore

/// The fine-tuning data path: ratings, export (de-duplication, conflicts, a stable split) and the validator on
/// good and broken files.
final class FineTuningTests: XCTestCase {
    func record(_ run: Int, question: String, output: String = "answer", error: String? = nil) -> RunRecord {
        RunRecord(
            run: run, id: "id-\(run)", time: "2026-11-25T00:00:00Z",
            prompt: .init(name: "p", path: "prompts/p.prompty", hash: "abc"), variables: ["q": question],
            messages: [ChatMessage(role: .system, content: "Be brief."), ChatMessage(role: .user, content: question)],
            retrieval: nil, backend: .init(name: "offline", kind: "offline"), model: "m", parameters: [:],
            output: output, finishReason: .stop, usage: nil, latency: .init(firstTokenMs: 1, totalMs: 2), error: error,
            rating: nil)
    }

    func goodLine(_ index: Int) -> String {
        "{\"messages\": [{\"role\": \"system\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"Question \(index)?\"}, {\"role\": \"assistant\", \"content\": \"Answer \(index).\"}]}"
    }

    func testAGoodFileHasNoFindingsAndItsNumbersAreCounted() {
        let text = (1...60).map(goodLine).joined(separator: "\n") + "\n"
        let report = FineTuningValidator().validate(Data(text.utf8), displayPath: "train.jsonl")
        XCTAssertEqual(report.findings, [])
        XCTAssertEqual(report.examples, 60)
        XCTAssertEqual(report.messagesPerExample.min, 3)
        XCTAssertEqual(report.epochs, 3)
        XCTAssertEqual(
            report.billedTokensPerEpoch, Int((report.tokensPerExample.mean * 60).rounded()),
            "billed = Σ tokens when none is over the limit")
        XCTAssertGreaterThan(report.tokensPerExample.min, 9, "three messages carry 3 tokens each plus 3 for the reply")
        XCTAssertEqual(report.missingSystem, 0)
    }

    func testEveryBrokenLineIsNamedWithItsCheck() {
        let lines = [
            goodLine(1),
            "not json",
            "[1, 2]",
            "{\"prompt\": \"x\", \"completion\": \"y\"}",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}",
            "{\"messages\": [{\"role\": \"robot\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello\"}]}",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"\"}, {\"role\": \"assistant\", \"content\": \"Hello\"}]}",
            "{\"messages\": [{\"role\": \"user\", \"text\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello\"}]}",
            "",
            "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": 5}]}",
        ]
        let report = FineTuningValidator().validate(
            Data((lines.joined(separator: "\n") + "\n").utf8), displayPath: "bad.jsonl")
        func checks(onLine line: Int) -> Set<String> {
            Set(report.errors.filter { $0.location.line == line }.map(\.check))
        }
        XCTAssertEqual(checks(onLine: 1), [])
        XCTAssertEqual(checks(onLine: 2), ["invalid_json"])
        XCTAssertEqual(checks(onLine: 3), ["data_type"])
        XCTAssertEqual(checks(onLine: 4), ["missing_messages_list"])
        XCTAssertEqual(checks(onLine: 5), ["example_missing_assistant_message"])
        XCTAssertEqual(checks(onLine: 6), ["unrecognized_role"])
        XCTAssertEqual(checks(onLine: 7), ["missing_content"])
        XCTAssertEqual(checks(onLine: 8), ["message_missing_key", "message_unrecognized_key", "missing_content"])
        XCTAssertEqual(checks(onLine: 9), ["blank_line"])
        XCTAssertEqual(checks(onLine: 10), ["missing_content"])
        XCTAssertTrue(report.errors.contains { $0.check == "too_few_examples" && $0.location.line == nil })
        XCTAssertTrue(
            report.errors.first { $0.location.line == 6 }?.description.hasPrefix(
                "bad.jsonl:6: error: message 1: role \"robot\"") ?? false,
            report.errors.map(\.description).joined(separator: "\n"))
    }

    func testExampleCountThresholdsTokenLimitAndEpochs() {
        let twenty = (1...20).map(goodLine).joined(separator: "\n")
        let report = FineTuningValidator(tokenLimit: 12).validate(Data(twenty.utf8), displayPath: "t.jsonl")
        XCTAssertEqual(report.errors, [], "20 examples are enough to submit")
        XCTAssertTrue(report.warnings.contains { $0.check == "few_examples" })
        XCTAssertEqual(report.overLimit, 20)
        XCTAssertEqual(report.billedTokensPerEpoch, 20 * 12, "billing counts at most the limit per example")
        XCTAssertEqual(report.epochs, 5, "3 epochs are raised so 20 examples see about 100")
        XCTAssertEqual(FineTuningValidator.defaultEpochs(examples: 1), 25)
        XCTAssertEqual(FineTuningValidator.defaultEpochs(examples: 500), 3)
        XCTAssertEqual(FineTuningValidator.defaultEpochs(examples: 20_000), 1)
    }

    func testTokensAreCountedAsOpenAIsGuideCountsThem() throws {
        // A vocabulary where "user", "assistant", "ab" and "abc" are single tokens and anything else is a byte each.
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vocab-\(UUID().uuidString).tiktoken")
        defer { try? FileManager.default.removeItem(at: url) }
        let tokens = ["a", "b", "c", "x", "user", "assistant", "ab", "abc"]
        try tokens.enumerated().map { "\(Data($0.element.utf8).base64EncodedString()) \($0.offset)" }.joined(
            separator: "\n"
        )
        .write(to: url, atomically: true, encoding: .utf8)
        let counter = TokenCounter.bpe(try BPETokenizer(contentsOf: url, displayPath: "vocab"))
        let line =
            #"{"messages": [{"role": "user", "content": "abc", "name": "x"}, {"role": "assistant", "content": "ab"}]}"#
        let report = FineTuningValidator(counter: counter).validate(Data(line.utf8), displayPath: "t.jsonl")
        // user message: 3 + role 1 + content 1 + name (1 + 1) = 7; assistant: 3 + 1 + 1 = 5; reply priming 3.
        XCTAssertEqual(report.tokensPerExample.min, 15)
        XCTAssertEqual(report.assistantTokensPerExample.min, 1)
        XCTAssertEqual(report.tokenCounting, "BPE vocabulary vocab")
    }

    func testRatedRunsBecomeExamplesLatestRatingWinsAndTheRunLogIsUntouched() throws {
        let workspace = try TestWorkspace()
        let opened = try workspace.open()
        let store = SessionStore(workspace: opened)
        let session = try store.create(title: nil)
        for (index, question) in ["A?", "B?", "C?", "D?"].enumerated() {
            try store.log(session).append(
                record(index + 1, question: question, output: "out \(question)", error: index == 3 ? "boom" : nil))
        }
        let before = try workspace.read("sessions/\(session)/runs.jsonl")
        let records = store.log(session).read().records
        try store.rate(RunRating(of: records[0], verdict: .bad, time: "t1"), inSession: session)
        try store.rate(RunRating(of: records[0], verdict: .good, time: "t2"), inSession: session)
        try store.rate(
            RunRating(of: records[1], verdict: .bad, corrected: "B is right.", time: "t3"), inSession: session)
        try store.rate(RunRating(of: records[2], verdict: .bad, time: "t4"), inSession: session)
        try store.rate(RunRating(of: records[3], verdict: .good, time: "t5"), inSession: session)
        XCTAssertEqual(
            try workspace.read("sessions/\(session)/runs.jsonl"), before, "ratings never rewrite the run log")

        let (candidates, skipped) = FineTuningExporter(workspace: opened).fromRatedRuns()
        XCTAssertEqual(candidates.map { $0.example.messages.last?.content }, ["out A?", "B is right."])
        XCTAssertEqual(candidates.first?.example.messages.map(\.role), [.system, .user, .assistant])
        XCTAssertEqual(skipped.count, 2, skipped.joined(separator: "\n"))
        XCTAssertTrue(skipped.contains { $0.contains("run 3: rated bad without a corrected answer") })
        XCTAssertTrue(skipped.contains { $0.contains("run 4: rated good but has no output") })
    }

    func testDuplicatesDropConflictsAreReportedAndTheSplitIsStable() {
        func candidate(_ question: String, _ answer: String, _ source: String) -> FineTuningCandidate {
            FineTuningCandidate(
                example: FineTuningExample(prompt: [ChatMessage(role: .user, content: question)], answer: answer),
                source: source)
        }
        let items =
            [candidate("q1", "a1", "s1"), candidate("q1", "a1", "s2"), candidate("q1", "other", "s3")]
            + (2...10).map { candidate("q\($0)", "a\($0)", "s\($0 + 2)") }
        let (kept, duplicates, conflicts) = FineTuningExporter.deduplicate(items)
        XCTAssertEqual(kept.count, 11)
        XCTAssertEqual(duplicates, ["s2 repeats s1"])
        XCTAssertEqual(conflicts, ["s3 and s1 answer the same prompt differently"])

        let many = (1...400).map { candidate("question \($0)", "answer \($0)", "s\($0)") }
        let split = FineTuningExporter.split(Array(many.prefix(300)), validationFraction: 0.2)
        XCTAssertEqual(split.train.count + split.validation.count, 300)
        XCTAssertEqual(Double(split.validation.count) / 300, 0.2, accuracy: 0.07, "about the share asked for")
        let grown = FineTuningExporter.split(many, validationFraction: 0.2)
        XCTAssertTrue(
            Set(split.validation.map(\.source)).isSubset(of: Set(grown.validation.map(\.source))),
            "adding examples never moves a held-out one into training")
        XCTAssertTrue(Set(split.train.map(\.source)).isSubset(of: Set(grown.train.map(\.source))))
        XCTAssertEqual(FineTuningExporter.split(kept, validationFraction: 0).validation, [])
    }

    func testEvalCasesWithAnExpectedAnswerAreRenderedLikeARun() async throws {
        let workspace = try TestWorkspace(files: [
            "prompts/answer.prompty": TestWorkspace.answerPrompt,
            "corpus/a.md": "# Defaults\n\nThe default port is 8080.\n",
            "evals/cases.jsonl": """
            {"vars": {"question": "What is the default port?"}, "assert": [], "metadata": {"expected_answer": "8080."}}
            {"vars": {"question": "Ignored, no answer"}, "assert": []}
            """,
        ])
        let opened = try workspace.open()
        let (candidates, skipped) = try await FineTuningExporter(workspace: opened).fromEvalCases(
            promptName: nil, retriever: nil)
        XCTAssertEqual(skipped, [])
        XCTAssertEqual(candidates.count, 1)
        XCTAssertEqual(candidates.first?.source, "evals/cases.jsonl:1 (expected_answer)")
        XCTAssertEqual(candidates.first?.example.messages.map(\.role), [.system, .user, .assistant])
        XCTAssertEqual(candidates.first?.example.messages[1].content, "What is the default port?")
        XCTAssertEqual(candidates.first?.example.messages.last?.content, "8080.")
    }

    func testAddingATunedBackendKeepsTheUsersTextAndRefusesATakenName() throws {
        let workspace = try TestWorkspace(
            config: TestWorkspace.defaultConfig.replacingOccurrences(
                of: "[backends.offline]", with: "# my comment\n[backends.offline]") + """

                    [backends.lab]
                    kind = "openai"
                    model = "gpt-4o-mini"
                    base_url = "http://127.0.0.1:9/v1"
                    api_key_env = "LAB_KEY"
                    """)
        let original = try workspace.read("whet.toml")
        let opened = try workspace.open()
        let base = try opened.config.backend(named: "lab")
        _ = try BackendAppender.append(name: "tuned", model: "ft:gpt-4o-mini:org::abc", basedOn: base, to: opened)
        let text = try workspace.read("whet.toml")
        XCTAssertTrue(text.hasPrefix(original), "the user's text stays exactly as written")
        let reopened = try workspace.open()
        XCTAssertEqual(try reopened.config.backend(named: "tuned").model, "ft:gpt-4o-mini:org::abc")
        XCTAssertEqual(try reopened.config.backend(named: "tuned").http.apiKeyEnvironment, "LAB_KEY")
        XCTAssertThrowsError(try BackendAppender.append(name: "tuned", model: "x", basedOn: base, to: reopened)) {
            error in
            XCTAssertTrue("\(error)".contains("an existing backend 'tuned'"), "\(error)")
        }
        XCTAssertThrowsError(try BackendAppender.append(name: "bad name", model: "x", basedOn: base, to: reopened))
        XCTAssertEqual(try workspace.read("whet.toml"), text, "a refused addition writes nothing")
    }
}
