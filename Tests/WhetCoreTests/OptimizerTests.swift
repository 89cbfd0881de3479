import WhetTestSupport
import XCTest

@testable import WhetCore

/// `whet optimize`'s prompt axis against a task model on loopback whose answers depend on the prompt's wording
/// in a known way (it answers in the asked form only when told to quote), and a proposer on the same server that
/// proposes a good, a harmful and two malformed edits.
final class OptimizerTests: XCTestCase {
    static let prompt = """
        ---
        name: helper
        ---
        system:
        You help customers of a widget shop with their questions, briefly and politely, in plain words.
        user:
        {{question}}

        """

    /// The proposer's answer: a good edit, a harmful one, one that drops the variable, one that renames the prompt.
    static let proposals = [
        prompt.replacingOccurrences(
            of: "in plain words.", with: "in plain words.\nQuote the question's key words first."),
        prompt.replacingOccurrences(of: "in plain words.", with: "in plain words.\nRamble before you answer."),
        prompt.replacingOccurrences(of: "{{question}}", with: "Answer the question."),
        prompt.replacingOccurrences(of: "name: helper", with: "name: other")
            .replacingOccurrences(of: "in plain words.", with: "in plain words. Quote first."),
    ].map { "```prompty\n\($0)```" }.joined(separator: "\n\n")

    /// A task model that starts with `ANSWER:` when the system message says "quote" (and not "ramble"), or when
    /// the question is marked `(solid)`; `quoteHelps` narrows which questions quoting helps, and `quoteHurts` lists
    /// questions quoting makes it fail even when solid.
    static func server(
        quoteHelps: @escaping @Sendable (String) -> Bool = { _ in true },
        quoteHurts: @escaping @Sendable (String) -> Bool = { _ in false }
    ) throws -> TestModelServer {
        try TestModelServer { request in
            let body = WireJSON.object(Data(request.body.utf8)) ?? [:]
            if body["model"] as? String == "proposer" { return TestModelServer.openAIStream([proposals]) }
            let messages = body["messages"] as? [[String: Any]] ?? []
            let system = (messages.first { $0["role"] as? String == "system" }?["content"] as? String ?? "")
                .lowercased()
            let question = messages.last?["content"] as? String ?? ""
            let quoted = system.contains("quote") && !system.contains("ramble")
            var good = question.contains("(solid)") || (quoted && quoteHelps(question))
            if quoted && quoteHurts(question) { good = false }
            return TestModelServer.openAIStream([good ? "ANSWER: yes, we can do that." : "Well, maybe, it depends."])
        }
    }

    /// `count` cases asking for the answer's form; every `solidEvery`-th passes without help.
    static func cases(_ count: Int, solidEvery: Int = 4, mark: (Int) -> String = { _ in "" }) -> String {
        (0..<count).map { index in
            let solid = index % solidEvery == 0 ? " (solid)" : ""
            return
                #"{"description": "question \#(index)", "vars": {"question": "Question \#(index)\#(solid)\#(mark(index))?"}, "assert": [{"type": "starts-with", "value": "ANSWER:"}]}"#
        }.joined(separator: "\n") + "\n"
    }

    func workspace(_ server: TestModelServer, cases: String, extra: String = "") throws -> TestWorkspace {
        setenv("WHET_TEST_KEY", "sk-test-loopback", 1)
        return try TestWorkspace(
            config: """
                name = "optimize"
                default_prompt = "helper"
                default_backend = "model"

                [backends.model]
                kind = "openai"
                model = "task"
                base_url = "\(server.baseURL)/v1"
                api_key_env = "WHET_TEST_KEY"
                max_retries = 0

                [backends.proposer]
                kind = "openai"
                model = "proposer"
                base_url = "\(server.baseURL)/v1"
                api_key_env = "WHET_TEST_KEY"
                max_retries = 0

                [retrieval]
                enabled = false
                \(extra)
                """,
            files: ["prompts/helper.prompty": Self.prompt, "evals/cases.jsonl": cases])
    }

    func taskCalls(_ server: TestModelServer) -> Int {
        server.requests.filter { (WireJSON.object(Data($0.body.utf8))?["model"] as? String) == "task" }.count
    }

    func testChecklistMoveThatHelpsIsFoundAndHoldsOnHeldOutCases() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let files = try workspace(server, cases: Self.cases(24))
        let outcome = try await Optimizer(workspace: try files.open(), options: .init()).run()
        XCTAssertEqual(outcome.ending, .proposed, outcome.text)
        XCTAssertEqual(outcome.winner?.label, "quote before answering")
        XCTAssertEqual(outcome.validation?.verdict, .better)
        XCTAssertGreaterThan(outcome.validation?.lower ?? 0, 0)
        XCTAssertTrue(outcome.axisReason?.contains("behaviour") ?? false, outcome.axisReason ?? "")
        XCTAssertEqual(outcome.writtenPrompt, "prompts/helper.optimized.prompty")
        let written = try files.read("prompts/helper.optimized.prompty")
        XCTAssertTrue(written.contains("optimized_by: \"whet optimize \(outcome.id)\""), written)
        XCTAssertTrue(written.contains("quote word for word"), written)
        XCTAssertNoThrow(try PromptFile(parsing: written, path: "x", defaultName: "x"), "the proposal parses")
        XCTAssertEqual(try files.read("prompts/helper.prompty"), Self.prompt, "the user's prompt is unchanged")
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: files.root.appendingPathComponent("evals/results").path),
            "candidates never become the latest eval")
        XCTAssertTrue(outcome.notes.contains { $0.contains("retrieval is off") }, "\(outcome.notes)")
        XCTAssertEqual(outcome.budget?.spentCalls, taskCalls(server), "every call counted, none twice")
        XCTAssertLessThanOrEqual(outcome.budget?.spentCalls ?? .max, outcome.plan?.totalCalls ?? 0, "within the plan")
    }

    func testProposerGoodEditWinsAndMalformedOnesAreDiscardedWithReasons() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let files = try workspace(server, cases: Self.cases(24))
        var options = Optimizer.Options()
        options.proposer = "proposer"
        let outcome = try await Optimizer(workspace: try files.open(), options: options).run()
        XCTAssertEqual(outcome.ending, .proposed, outcome.text)
        XCTAssertEqual(outcome.winner?.how, "proposer round 1")
        XCTAssertTrue(outcome.winner?.prompt.source.contains("Quote the question's key words") ?? false)
        let reasons = outcome.discarded.map(\.reason)
        XCTAssertTrue(reasons.contains { $0.contains("drops {{question}}") }, "\(reasons)")
        XCTAssertTrue(reasons.contains { $0.contains("changes the front matter") }, "\(reasons)")
        let harmful = outcome.tried.first { $0.candidate.prompt.source.contains("Ramble") }
        XCTAssertEqual(harmful?.score.passed ?? -1, 3, "the harmful edit was scored and lost")
        let log = OptimizeLog.read(files.root.appendingPathComponent(outcome.logPath), displayPath: outcome.logPath)
        XCTAssertEqual(log.filter { $0.kind == "discarded" }.count, 2)
        XCTAssertEqual(log.filter { $0.kind == "proposer" }.count, 1)
        let heldOut = Set(log.first { $0.kind == "split" }?.cases?.map(\.id) ?? [])
        let cases = try EvalFile.load(
            files.root.appendingPathComponent("evals/cases.jsonl"), displayPath: "evals/cases.jsonl")
        let proposerRequest = try XCTUnwrap(
            server.requests.first { (WireJSON.object(Data($0.body.utf8))?["model"] as? String) == "proposer" })
        for item in cases where heldOut.contains(OptimizeSplit.caseID(item)) {
            let question = try XCTUnwrap(item.vars["question"]?.stringValue)
            XCTAssertFalse(
                proposerRequest.body.contains(question), "the proposer never sees a held-out case: \(question)")
        }
        XCTAssertEqual(log.last?.kind, "result")
        XCTAssertEqual(log.last?.proposed, true)

        let url = files.root.appendingPathComponent(outcome.logPath)
        XCTAssertTrue(OptimizeReport.isLog(url))
        let report = OptimizeReport(logURL: url, displayPath: outcome.logPath).markdown()
        XCTAssertTrue(report.contains("**Proposed**: p1 (proposal 1 of round 1)"), report)
        XCTAssertTrue(report.contains("Lineage: c0 (the workspace as it is) → p1 (proposal 1 of round 1)"), report)
        XCTAssertTrue(report.contains("+ Quote the question's key words first."), report)
        XCTAssertTrue(report.contains("On the held-out cases: 9 fixed, 0 broken."), report)
        XCTAssertTrue(report.contains("- question 1 `evals/cases.jsonl:2`"), report)
        XCTAssertTrue(report.contains("## Discarded proposals"), report)
        XCTAssertTrue(report.contains("drops {{question}}"), report)
    }

    func testProposerThatAnswersNoPromptOrCannotBeReachedIsSaidSo() async throws {
        let server = try TestModelServer { request in
            let body = WireJSON.object(Data(request.body.utf8)) ?? [:]
            if body["model"] as? String == "proposer" {
                return TestModelServer.openAIStream(["I cannot help with that."])
            }
            return TestModelServer.openAIStream(["Well, maybe, it depends."])
        }
        defer { server.stop() }
        let dead = """
            [backends.dead]
            kind = "openai"
            model = "proposer"
            base_url = "http://127.0.0.1:\(try TestPostgres.freePort())/v1"
            api_key_env = "WHET_TEST_KEY"
            max_retries = 0
            """
        let files = try workspace(server, cases: Self.cases(24), extra: dead)
        var options = Optimizer.Options()
        options.proposer = "proposer"
        let chatty = try await Optimizer(workspace: try files.open(), options: options).run()
        XCTAssertTrue(
            chatty.discarded.contains { $0.reason == "the proposer's answer held no prompt in a fenced block" },
            chatty.text)
        XCTAssertTrue(chatty.notes.contains { $0.contains("the proposer wrote no usable prompt") }, chatty.text)
        XCTAssertEqual(chatty.ending, .noImprovement)
        options.proposer = "dead"
        let unreachable = try await Optimizer(workspace: try files.open(), options: options).run()
        XCTAssertTrue(
            unreachable.notes.contains { $0.contains("the proposer 'dead' failed") && $0.contains("stopped there") },
            unreachable.text)
    }

    func testExamplesFromPassingSearchCellsAreTriedAndNeverHeldOutOnes() async throws {
        let server = try TestModelServer { request in
            let body = WireJSON.object(Data(request.body.utf8)) ?? [:]
            let messages = body["messages"] as? [[String: Any]] ?? []
            let system = messages.first { $0["role"] as? String == "system" }?["content"] as? String ?? ""
            let question = messages.last?["content"] as? String ?? ""
            let good = question.contains("(solid)") || system.contains("A: ANSWER:")
            return TestModelServer.openAIStream([good ? "ANSWER: yes, we can do that." : "Well, maybe, it depends."])
        }
        defer { server.stop() }
        let files = try workspace(server, cases: Self.cases(24))
        let outcome = try await Optimizer(workspace: try files.open(), options: .init()).run()
        XCTAssertEqual(outcome.ending, .proposed, outcome.text)
        XCTAssertEqual(outcome.winner?.how, "examples", outcome.text)
        let prompt = try XCTUnwrap(outcome.winner?.prompt.source)
        let asked = prompt.components(separatedBy: "\n").filter { $0.hasPrefix("Q: ") }.map { String($0.dropFirst(3)) }
        XCTAssertFalse(asked.isEmpty, prompt)
        let log = OptimizeLog.read(files.root.appendingPathComponent(outcome.logPath), displayPath: outcome.logPath)
        let heldOut = Set(log.first { $0.kind == "split" }?.cases?.map(\.id) ?? [])
        let cases = try EvalFile.load(
            files.root.appendingPathComponent("evals/cases.jsonl"), displayPath: "evals/cases.jsonl")
        let heldOutQuestions = Set(
            cases.filter { heldOut.contains(OptimizeSplit.caseID($0)) }.compactMap { $0.vars["question"]?.stringValue })
        XCTAssertFalse(heldOut.isEmpty)
        XCTAssertTrue(asked.allSatisfy { !heldOutQuestions.contains($0) }, "\(asked) \(heldOutQuestions)")
    }

    func testGainWithinNoiseOnHeldOutCasesIsNotProposed() async throws {
        let server = try Self.server(quoteHelps: { $0.contains("(fixable)") })
        defer { server.stop() }
        let files = try workspace(server, cases: Self.cases(24, mark: { $0 % 6 == 1 ? " (fixable)" : "" }))
        let outcome = try await Optimizer(workspace: try files.open(), options: .init()).run()
        XCTAssertEqual(outcome.ending, .noImprovement, outcome.text)
        XCTAssertNil(outcome.writtenPrompt)
        XCTAssertNotEqual(outcome.validation?.verdict, .better)
        XCTAssertTrue(outcome.message.contains("not proposed") || outcome.message.contains("nothing tried"))
        XCTAssertFalse(
            FileManager.default.fileExists(
                atPath: files.root.appendingPathComponent("prompts/helper.optimized.prompty").path))
    }

    func testFailuresThatPersistOnBothAxesEndWithTheFineTuningDatasetExportedAndValidated() async throws {
        let server = try Self.server(quoteHelps: { $0.contains("(fixable)") })
        defer { server.stop() }
        // Format failures the prompt cannot fix, on cases that carry the answer they should have given.
        let cases = Self.cases(24, mark: { $0 % 6 == 1 ? " (fixable)" : "" }).replacingOccurrences(
            of: #""assert":"#, with: #""metadata": {"expected_answer": "ANSWER: yes, we can."}, "assert":"#)
        let files = try workspace(server, cases: cases)
        let outcome = try await Optimizer(workspace: try files.open(), options: .init()).run()
        let note = try XCTUnwrap(outcome.notes.first { $0.contains("fine-tuning is the next lever") }, outcome.text)
        XCTAssertTrue(note.contains("its dataset: "), note)
        XCTAssertTrue(note.contains("validated (0 errors)"), note)
        let train = files.root.appendingPathComponent("evals/optimize/\(outcome.id)/finetune/train.jsonl")
        XCTAssertTrue(FileManager.default.fileExists(atPath: train.path), note)
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: files.root.appendingPathComponent("finetune").path),
            "the user's finetune/ folder is not written")
    }

    func testCandidateBetterOnSearchAndWorseOnHeldOutCasesIsNotProposed() async throws {
        let text = Self.cases(24, solidEvery: 2)
        let probe = try TestWorkspace(files: ["evals/cases.jsonl": text])
        let loaded = try EvalFile.load(
            probe.root.appendingPathComponent("evals/cases.jsonl"), displayPath: "evals/cases.jsonl")
        let failing = loaded.filter { !($0.vars["question"]?.stringValue ?? "").contains("(solid)") }
        let split = OptimizeSplit.stratified(
            loaded, strata: Dictionary(uniqueKeysWithValues: failing.map { (OptimizeSplit.caseID($0), "behaviour") }),
            validationShare: 0.5)
        let heldOut = Set(split.validation.compactMap { $0.vars["question"]?.stringValue })
        let server = try Self.server(quoteHurts: { heldOut.contains($0) })
        defer { server.stop() }
        let files = try workspace(server, cases: text)
        var options = Optimizer.Options()
        options.axes = [.prompt]
        let outcome = try await Optimizer(workspace: try files.open(), options: options).run()
        XCTAssertEqual(outcome.winner?.label, "quote before answering", outcome.text)
        XCTAssertEqual(outcome.ending, .noImprovement, outcome.text)
        XCTAssertEqual(outcome.validation?.verdict, .worse, outcome.text)
        XCTAssertTrue(outcome.message.contains("fitted the search cases"), outcome.message)
        XCTAssertNil(outcome.writtenPrompt)
    }

    func testBudgetBelowTheBaselineIsRefusedBeforeAnyCall() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let files = try workspace(server, cases: Self.cases(24))
        var options = Optimizer.Options()
        options.maxCalls = 30
        do {
            _ = try await Optimizer(workspace: try files.open(), options: options).run()
            XCTFail("a budget below the baseline and the held-out check is refused")
        } catch let error as OptimizeError {
            guard case .budgetTooSmall(let plan, let needed) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(plan.hasPrefix("plan: at most"), plan)
            XCTAssertTrue(needed.contains("the baseline 24 and the held-out check 12"), needed)
        }
        XCTAssertEqual(server.requests.count, 0, "nothing was spent")
    }

    func testBudgetStopsTheSearchAndIsNeverExceeded() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let files = try workspace(server, cases: Self.cases(24))
        var options = Optimizer.Options()
        options.maxCalls = 50
        let outcome = try await Optimizer(workspace: try files.open(), options: options).run()
        XCTAssertTrue(outcome.budgetStopped, outcome.text)
        XCTAssertLessThanOrEqual(outcome.budget?.spentCalls ?? .max, 50)
        XCTAssertLessThanOrEqual(taskCalls(server), 50, "the server saw no more calls than the budget")
        XCTAssertEqual(outcome.ending, .proposed, "the best so far was still checked on the held-out cases")
        XCTAssertTrue(outcome.text.contains("the budget (50 calls) stopped the search"), outcome.text)
    }

    func testDollarBudgetIsReckonedFromThePriceAndNeverExceeded() async throws {
        let server = try Self.server()
        defer { server.stop() }
        // 10 $ per million tokens: before any call, one is reckoned at the prompt, a full context and 1,024 tokens
        // out (about 2.8 cents), so the baseline and the held-out check (36 calls) need about a dollar.
        let prices = "[prices.\"task\"]\ninput = 10.0\noutput = 10.0\n"
        let files = try workspace(server, cases: Self.cases(24), extra: prices)
        var options = Optimizer.Options()
        options.maxUSD = 0.5
        do {
            _ = try await Optimizer(workspace: try files.open(), options: options).run()
            XCTFail("half a dollar cannot pay for the baseline at the reckoned price")
        } catch let error as OptimizeError {
            guard case .budgetTooSmall = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(server.requests.count, 0)
        options.maxUSD = 1.5
        let outcome = try await Optimizer(workspace: try files.open(), options: options).run()
        let spent = try XCTUnwrap(outcome.budget?.spentUSD)
        XCTAssertGreaterThan(spent, 0, "the calls were priced")
        XCTAssertLessThanOrEqual(spent, 1.5)
        XCTAssertEqual(outcome.ending, .proposed, outcome.text)
        XCTAssertTrue(outcome.text.contains("spent: \(outcome.budget?.spentCalls ?? 0) calls, $"), outcome.text)
    }

    func testProvenanceGoesIntoTheFrontMatterWithoutBreakingIt() throws {
        let plain = OptimizeOutcome.annotated(Self.prompt, provenance: [("optimized_by", "whet optimize abc")])
        XCTAssertTrue(plain.contains("metadata:\n  optimized_by: \"whet optimize abc\"\n---"), plain)
        let withMetadata = Self.prompt.replacingOccurrences(
            of: "name: helper", with: "name: helper\nmetadata:\n  team: x")
        let annotated = OptimizeOutcome.annotated(withMetadata, provenance: [("optimized_by", "whet optimize abc")])
        XCTAssertTrue(annotated.contains("# optimized_by: whet optimize abc"), annotated)
        for text in [plain, annotated] { XCTAssertNoThrow(try PromptFile(parsing: text, path: "p", defaultName: "p")) }
        XCTAssertEqual(
            OptimizeOutcome.tomlBlock(try RetrievalVariant(parsing: "top_k=10 chunking=sentence rerank=true")),
            "[retrieval]\ntop_k = 10\nchunking = \"sentence\"\nrerank = true\n")
    }

    func testRunningAgainResumesAndPaysNothingTwice() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let files = try workspace(server, cases: Self.cases(24))
        var options = Optimizer.Options()
        options.proposer = "proposer"
        options.useCache = false
        let first = try await Optimizer(workspace: try files.open(), options: options).run()
        let calls = server.requests.count
        let url = files.root.appendingPathComponent(first.logPath)
        let lines = OptimizeLog.read(url, displayPath: first.logPath).count
        let second = try await Optimizer(workspace: try files.open(), options: options).run()
        XCTAssertEqual(second.id, first.id)
        XCTAssertEqual(server.requests.count, calls, "cells resumed from the results, the proposer from the cache")
        XCTAssertEqual(OptimizeLog.read(url, displayPath: first.logPath).count, lines, "the log tells one story")
        XCTAssertEqual(second.ending, first.ending)
        XCTAssertEqual(second.validation?.text, first.validation?.text)
        XCTAssertEqual(second.budget?.spentCalls, first.budget?.spentCalls, "earlier spending is counted")
    }

    func testTwoOptimizersOfOneWorkspaceShareTheWork() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let files = try workspace(server, cases: Self.cases(24))
        let workspace = try files.open()
        var options = Optimizer.Options()
        options.useCache = false
        async let first = Optimizer(workspace: workspace, options: options).run()
        async let second = Optimizer(workspace: workspace, options: options).run()
        let (a, b) = try await (first, second)
        XCTAssertEqual(a.id, b.id)
        XCTAssertEqual(a.validation?.text, b.validation?.text)
        XCTAssertEqual(a.ending, .proposed)
        XCTAssertEqual(taskCalls(server), max(a.budget?.spentCalls ?? 0, b.budget?.spentCalls ?? 0), "no cell twice")
    }

    func testResumingUnderTheSameBudgetReplaysTheRunInsteadOfStoppingEarlier() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let files = try workspace(server, cases: Self.cases(24))
        var options = Optimizer.Options()
        options.maxCalls = 90
        let first = try await Optimizer(workspace: try files.open(), options: options).run()
        XCTAssertTrue(first.budgetStopped, "the budget ends the first run's search early")
        let calls = server.requests.count
        let second = try await Optimizer(workspace: try files.open(), options: options).run()
        XCTAssertEqual(server.requests.count, calls)
        XCTAssertEqual(second.budgetStopped, first.budgetStopped)
        XCTAssertEqual(second.tried.count, first.tried.count, "what was recorded is replayed, not cut by the budget")
        XCTAssertEqual(second.ending, first.ending)
        XCTAssertEqual(second.validation?.text, first.validation?.text)
        XCTAssertLessThanOrEqual(second.budget?.spentCalls ?? .max, 90)
    }

    func testNothingToOptimiseAndTooSmallHeldOutSetSaySo() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let passing = try workspace(server, cases: Self.cases(8, solidEvery: 1))
        let all = try await Optimizer(workspace: try passing.open(), options: .init()).run()
        XCTAssertEqual(all.ending, .nothingToOptimise)
        XCTAssertTrue(all.message.contains("already passes"), all.message)
        let small = try workspace(server, cases: Self.cases(12, solidEvery: 2))
        let outcome = try await Optimizer(workspace: try small.open(), options: .init()).run()
        XCTAssertEqual(outcome.ending, .validationTooSmall, outcome.text)
        XCTAssertTrue(outcome.message.contains("takes about 24 cases"), outcome.message)
        XCTAssertTrue(outcome.message.contains("--repeat"), outcome.message)
    }

    func testFactsNoDocumentHoldsAreNamedAsTheCorpusLackingThem() async throws {
        let cases = (0..<12).map { index in
            #"{"description": "limit \#(index)", "vars": {"question": "What is the zorblax limit \#(index)?"}, "assert": [{"type": "context-recall", "value": "zorblax-\#(index)"}]}"#
        }.joined(separator: "\n")
        let files = try TestWorkspace(files: [
            "prompts/answer.prompty": TestWorkspace.answerPrompt,
            "corpus/limits.md": "# Limits\n\nThe default limit is 10 requests a second.\n", "evals/cases.jsonl": cases,
        ])
        let outcome = try await Optimizer(workspace: try files.open(), options: .init()).run()
        XCTAssertTrue(
            outcome.notes.contains { $0.contains("the corpus lacks 12 expected fact(s)") && $0.contains("zorblax-3") },
            "\(outcome.notes)")
        XCTAssertEqual(outcome.ending, .noImprovement, outcome.text)
        XCTAssertTrue(outcome.message.contains("nothing tried beat the baseline"), outcome.message)
    }

    func testSplitIsStratifiedAndTheSameEveryTime() throws {
        let probe = try TestWorkspace(files: ["evals/cases.jsonl": Self.cases(40)])
        let loaded = try EvalFile.load(
            probe.root.appendingPathComponent("evals/cases.jsonl"), displayPath: "evals/cases.jsonl")
        let strata = Dictionary(
            uniqueKeysWithValues: loaded.enumerated().map {
                (
                    OptimizeSplit.caseID($0.element),
                    $0.offset % 4 == 0 ? "passing" : $0.offset % 4 == 1 ? "knowledge" : "grounding"
                )
            })
        let split = OptimizeSplit.stratified(loaded, strata: strata, validationShare: 0.5)
        let again = OptimizeSplit.stratified(loaded.reversed(), strata: strata, validationShare: 0.5)
        XCTAssertEqual(Set(split.validation.map(OptimizeSplit.caseID)), Set(again.validation.map(OptimizeSplit.caseID)))
        XCTAssertEqual(split.validation.count, 20)
        for stratum in ["passing", "knowledge", "grounding"] {
            let members = loaded.filter { strata[OptimizeSplit.caseID($0)] == stratum }.count
            let held = split.validation.filter { strata[OptimizeSplit.caseID($0)] == stratum }.count
            XCTAssertEqual(held, members / 2, stratum)
        }
        let explicit = OptimizeSplit.explicit(loaded, validation: Array(loaded.prefix(5)), file: "evals/held.jsonl")
        XCTAssertEqual(explicit.search.count, 35)
    }

    func testProposalCheckNamesWhatIsWrong() throws {
        let original = try PromptFile(parsing: Self.prompt, path: "prompts/helper.prompty", defaultName: "helper")
        func reason(_ text: String) -> String? {
            if case .failure(let failure) = PromptCandidates.check(
                text, against: original, path: "p", baseDirectory: nil)
            {
                return failure.reason
            }
            return nil
        }
        XCTAssertEqual(reason(Self.prompt), "is the prompt unchanged")
        XCTAssertEqual(reason("   "), "is empty")
        XCTAssertTrue(reason("---\nname: helper\n") ?? "" != "", "an unclosed front matter does not parse")
        XCTAssertTrue(reason(String(repeating: "x", count: 5_000))?.contains("length budget") ?? false)
        XCTAssertTrue(
            reason(Self.prompt.replacingOccurrences(of: "{{question}}", with: "{{question}} {{extra}}"))?.contains(
                "adds {{extra}}") ?? false)
        XCTAssertNil(reason(Self.prompt.replacingOccurrences(of: "briefly", with: "briefly, quoting first,")))
    }
}
