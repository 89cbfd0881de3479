import WhetTestSupport
import XCTest

@testable import WhetCore

/// Core fixes found by using the workbench as a new user would: a cancelled run rated good is no training
/// example, query expansion refuses a backend that cannot write, and an unscored rerank keeps exactly the
/// order a search without reranking gives.
final class RetrievalAndDataFixesTests: XCTestCase {
    func testACancelledRunRatedGoodIsNotAFineTuningExample() throws {
        let workspace = try TestWorkspace()
        let opened = try workspace.open()
        let store = SessionStore(workspace: opened)
        let session = try store.create(title: nil)
        var partial = RunRecord(
            run: 1, id: "id-1", time: "2026-11-25T00:00:00Z",
            prompt: .init(name: "p", path: "prompts/p.prompty", hash: "abc"), variables: ["q": "A?"],
            messages: [ChatMessage(role: .system, content: "Be brief."), ChatMessage(role: .user, content: "A?")],
            retrieval: nil, backend: .init(name: "offline", kind: "offline"), model: "m", parameters: [:],
            output: "To rotate your key, first", finishReason: .cancelled, usage: nil,
            latency: .init(firstTokenMs: 1, totalMs: 2), error: nil, rating: nil)
        try store.log(session).append(partial)
        partial.run = 2
        partial.id = "id-2"
        try store.log(session).append(partial)
        let records = store.log(session).read().records
        try store.rate(RunRating(of: records[0], verdict: .good, time: "t1"), inSession: session)
        try store.rate(
            RunRating(of: records[1], verdict: .good, corrected: "The whole answer.", time: "t2"), inSession: session)
        let (candidates, skipped) = FineTuningExporter(workspace: opened).fromRatedRuns()
        XCTAssertEqual(candidates.map { $0.example.messages.last?.content }, ["The whole answer."])
        XCTAssertTrue(skipped.first?.contains("run 1: rated good but was cancelled") ?? false, "\(skipped)")
    }

    func testExpansionOnTheOfflineBackendIsRefusedWithTheReason() throws {
        let root = try DemoWorkspace.copy()
        defer { try? FileManager.default.removeItem(at: root) }
        let workspace = try Workspace.open(root: root)
        let (index, _) = try workspace.openIndex()
        var options = RetrievalOptions(workspace.config.retrieval)
        options.expansion = .multiQuery
        XCTAssertThrowsError(try WorkspaceRetriever(workspace: workspace, lexical: index, dense: nil, options: options))
        { error in
            XCTAssertTrue("\(error)".contains("query expansion (multi-query) needs a model that writes"), "\(error)")
        }
    }

    func testRerankingOnTheOfflineBackendIsRefusedWithTheReason() throws {
        // Its quoted sentences hold numbers ("90 days") that would be read as grades, reordering at random.
        let root = try DemoWorkspace.copy()
        defer { try? FileManager.default.removeItem(at: root) }
        let workspace = try Workspace.open(root: root)
        let (index, _) = try workspace.openIndex()
        var options = RetrievalOptions(workspace.config.retrieval)
        options.rerank = true
        XCTAssertThrowsError(try WorkspaceRetriever(workspace: workspace, lexical: index, dense: nil, options: options))
        { error in
            XCTAssertTrue("\(error)".contains("reranking needs a model that grades passages"), "\(error)")
        }
    }
}

/// A corpus in English and German: a word that is a stop word in the query's language is not searched as the
/// other language's content word ("How do I …" must not match German pages' `-i`).
final class MixedLanguageQueryTests: XCTestCase {
    func testEnglishQuestionsDoNotPullGermanPagesThroughTheirStopWords() throws {
        let root = try DemoWorkspace.copy()
        defer { try? FileManager.default.removeItem(at: root) }
        let workspace = try Workspace.open(root: root)
        let (index, _) = try workspace.openIndex()
        for question in [
            "How do I rotate my API key?", "How do I verify webhook signatures?", "Where can I download my invoices?",
        ] {
            let paths = try index.search(question, topK: 5).map(\.path)
            XCTAssertFalse(paths.contains { $0.contains("/handbuch/") }, "\(question): \(paths)")
        }
        let german = try index.search("Wie zeige ich mit ls auch Einträge an, die mit einem Punkt beginnen?", topK: 5)
        XCTAssertEqual(german.first?.path, "corpus/handbuch/ls.md")
        XCTAssertEqual(
            LanguageDetector.queryLanguage("How do I rotate my API key?", among: try index.inMemoryIndex().0.languages)?
                .code, "en")
        XCTAssertEqual(
            LanguageDetector.queryLanguage(
                "Wie kopiere ich Verzeichnisse?", among: try index.inMemoryIndex().0.languages)?.code,
            "de")
        XCTAssertNil(LanguageDetector.queryLanguage("API key rotation", among: try index.inMemoryIndex().0.languages))
    }
}

/// Runs a person rated are demonstrations for the optimiser's examples axis: good and whole, or corrected; never a
/// cancelled one, never one that asked what a held-out case asks.
final class RatedRunExamplesTests: XCTestCase {
    func testRatedRunsBecomeExamplesButNotHeldOutOnesOrPartialAnswers() throws {
        let workspace = try TestWorkspace()
        let opened = try workspace.open()
        let store = SessionStore(workspace: opened)
        let session = try store.create(title: nil)
        func record(_ run: Int, _ question: String, output: String, finish: FinishReason = .stop) -> RunRecord {
            RunRecord(
                run: run, id: "id-\(run)", time: "2026-11-25T00:00:00Z",
                prompt: .init(name: "answer", path: "prompts/answer.prompty", hash: "abc"),
                variables: ["question": question, "context": "retrieved text"],
                messages: [ChatMessage(role: .user, content: question)], retrieval: nil,
                backend: .init(name: "offline", kind: "offline"), model: "m", parameters: [:], output: output,
                finishReason: finish, usage: nil, latency: .init(firstTokenMs: 1, totalMs: 2), error: nil, rating: nil)
        }
        let records = [
            record(1, "Good one?", output: "A whole good answer."),
            record(2, "Cut off?", output: "To rotate", finish: .cancelled),
            record(3, "Corrected?", output: "wrong"),
            record(4, "Held out?", output: "Fine too."),
        ]
        for item in records { try store.log(session).append(item) }
        try store.rate(RunRating(of: records[0], verdict: .good, time: "t1"), inSession: session)
        try store.rate(RunRating(of: records[1], verdict: .good, time: "t2"), inSession: session)
        try store.rate(
            RunRating(of: records[2], verdict: .bad, corrected: "The right answer.", time: "t3"), inSession: session)
        try store.rate(RunRating(of: records[3], verdict: .good, time: "t4"), inSession: session)
        let heldOut = try EvalFile.parse(
            #"{"vars": {"question": "Held out?"}, "assert": [{"type": "icontains", "value": "x"}]}"#,
            displayPath: "evals/x.jsonl")
        let examples = ExampleCandidates.ratedRuns(in: opened, promptPath: "prompts/answer.prompty", heldOut: heldOut)
        XCTAssertEqual(examples.map(\.input), ["Good one?", "Corrected?"])
        XCTAssertEqual(examples.map(\.answer), ["A whole good answer.", "The right answer."])
        XCTAssertTrue(
            ExampleCandidates.ratedRuns(in: opened, promptPath: "prompts/other.prompty", heldOut: []).isEmpty,
            "only runs of the prompt being optimised")
    }
}
