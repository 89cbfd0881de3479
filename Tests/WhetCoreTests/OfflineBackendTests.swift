import XCTest

@testable import WhetCore

final class OfflineBackendTests: XCTestCase {
    let backend = OfflineBackend(
        config: BackendConfig(name: "offline", kind: .offline, model: OfflineBackend.modelName),
        pieceDelay: .zero)

    func chunk(_ rank: Int, _ text: String) -> RetrievedChunk {
        RetrievedChunk(
            rank: rank, path: "doc\(rank).md", startLine: 1, endLine: 3, headingPath: ["H\(rank)"], score: 1,
            matchedTerms: [], text: text)
    }

    func request(_ question: String, _ chunks: [RetrievedChunk]) -> ModelRequest {
        ModelRequest(
            messages: [ChatMessage(role: .user, content: question)],
            grounding: Grounding(query: question, chunks: chunks))
    }

    func testAnswerQuotesMatchingSentencesWithCitations() {
        let answer = backend.compose(
            request(
                "How do I rotate a key?",
                [
                    chunk(1, "Billing happens monthly. Nothing about that here."),
                    chunk(2, "To rotate a key, create a new one first. Then revoke the old key."),
                ]))
        XCTAssertTrue(answer.hasPrefix(OfflineBackend.disclaimer))
        XCTAssertTrue(answer.contains("To rotate a key, create a new one first. [2]"), answer)
        XCTAssertTrue(answer.contains("Then revoke the old key. [2]"), answer)
        XCTAssertFalse(answer.contains("Billing"), answer)
        XCTAssertTrue(answer.contains("Sources:\n[2] doc2.md:1-3 (H2)"), answer)
    }

    func testSaysPlainlyWhenNothingWasFound() {
        let answer = backend.compose(request("What is the capital of Australia?", []))
        XCTAssertTrue(answer.contains("Nothing relevant was found"), answer)
        XCTAssertFalse(answer.contains("[" + "1]"))
    }

    func testStreamDeliversTheComposedAnswerInPiecesThenUsageAndStop() async throws {
        let req = request(
            "rotate key",
            [chunk(1, "You rotate a key by creating a new key and then revoking the old key in the console.")])
        var pieces: [String] = []
        var events: [BackendEvent] = []
        for try await event in backend.stream(req) {
            if case .delta(let text) = event { pieces.append(text) } else { events.append(event) }
        }
        XCTAssertGreaterThan(pieces.count, 3)
        XCTAssertEqual(pieces.joined(), backend.compose(req))
        guard case .usage(let usage) = events.first else { return XCTFail("no usage: \(events)") }
        XCTAssertTrue(usage.estimated)
        XCTAssertGreaterThan(usage.completionTokens, 0)
        XCTAssertEqual(events.last, .finished(.stop))
    }

    func testCancellingTheConsumerStopsTheStream() async throws {
        let slow = OfflineBackend(
            config: BackendConfig(name: "o", kind: .offline, model: "m", streamPieceSize: 4),
            pieceDelay: .milliseconds(50))
        let req = request(
            "rotate key",
            [chunk(1, "You rotate a key by creating a new key and then revoking the old key in the console.")])
        let task = Task { () -> (Int, Bool) in
            var count = 0
            do {
                for try await event in slow.stream(req) { if case .delta = event { count += 1 } }
                return (count, false)
            } catch {
                return (count, true)
            }
        }
        try await Task.sleep(for: .milliseconds(120))
        task.cancel()
        let (count, _) = await task.value
        XCTAssertLessThan(count, slow.compose(req).count / 4)
    }
}
