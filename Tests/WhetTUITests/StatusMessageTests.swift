import XCTest

@testable import WhetCore
@testable import WhetTUI

/// Errors stay values until the workbench's one formatter words them: no message carries `error:`, and the
/// error behind a failure is there to look at.
@MainActor
final class StatusMessageTests: XCTestCase {
    func testTheFormatterPutsPlaceWhatErrorAndHintInOneOrder() async {
        let located = StatusMessage.error(
            "expected a number", at: SourceLocation(file: "whet.toml", line: 3), hint: "top_k = 5")
        XCTAssertEqual(located.text, "whet.toml:3: expected a number (top_k = 5)")
        let failure = StatusMessage.failure(
            StoreError.unreachable(server: "db:5432", message: "connection refused"), doing: "retrieval is unavailable")
        XCTAssertEqual(
            failure.text,
            "retrieval is unavailable: store db:5432: cannot connect (connection refused); is the server running "
                + "and listening there?")
        XCTAssertTrue(failure.error is StoreError, "the error value is kept, not only its words")
        XCTAssertEqual(StatusMessage.info("saved").text, "saved")
    }

    func testAStoreThatCannotBeReachedIsSaidOnceWithoutAnErrorPrefix() async throws {
        let root = try copyOfDemoWorkspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let workbench = try openWorkbench(root: root)
        workbench.context.attach(.failure(StoreError.unreachable(server: "db:5432", message: "connection refused")))
        guard case .unavailable(let reason) = workbench.state.context.status else {
            return XCTFail("the index's status is unavailable, found \(workbench.state.context.status)")
        }
        XCTAssertEqual(reason.underlying as? StoreError, .unreachable(server: "db:5432", message: "connection refused"))
        let message = try XCTUnwrap(workbench.state.message)
        XCTAssertEqual(message.kind, .error)
        XCTAssertTrue(message.text.hasPrefix("retrieval is unavailable: store db:5432: cannot connect"), message.text)
        XCTAssertFalse(message.text.contains("error:"), message.text)
        XCTAssertEqual(message.error as? StoreError, .unreachable(server: "db:5432", message: "connection refused"))
    }

    func testALocatedCoreErrorIsOneCompilerLineForTheCLIAndPlaceAndMessageHere() async {
        let error = PromptError.unclosedPlaceholder(SourceLocation(file: "prompts/a.prompty", line: 4, column: 7))
        XCTAssertEqual("\(error)", "prompts/a.prompty:4:7: error: unclosed '{{': expected '}}' on the same line")
        XCTAssertEqual(
            StatusMessage.failure(error).text, "prompts/a.prompty:4:7: unclosed '{{': expected '}}' on the same line")
        XCTAssertEqual(
            StatusMessage.failure(SessionError.unknownSession("x", known: []), doing: "cannot switch").text,
            "cannot switch: no session 'x'; there are no sessions yet (run `whet run` first)")
    }
}
