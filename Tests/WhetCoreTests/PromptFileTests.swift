import XCTest

@testable import WhetCore

final class PromptFileTests: XCTestCase {
    func testSectionsFrontMatterAndSamplesAreParsed() throws {
        let prompt = try PromptFile(
            parsing: """
                ---
                name: qa
                description: Answers.
                model:
                  parameters:
                    temperature: 0.2
                    max_tokens: 300
                inputs:
                  question:
                    sample: Why?
                  tone: friendly
                ---
                system:
                Be {{ tone }}.

                user:
                {{question}}
                assistant:
                Sure.
                """, path: "prompts/qa.prompty", defaultName: "qa")
        XCTAssertEqual(prompt.name, "qa")
        XCTAssertEqual(prompt.description, "Answers.")
        XCTAssertEqual(prompt.parameters["temperature"], .number(0.2))
        XCTAssertEqual(prompt.parameters["max_tokens"], .number(300))
        XCTAssertEqual(prompt.sections.map(\.role), [.system, .user, .assistant])
        XCTAssertEqual(prompt.variables, ["tone", "question"])
        let messages = try prompt.render(prompt.resolveVariables(["question": "How?"]))
        XCTAssertEqual(
            messages,
            [
                ChatMessage(role: .system, content: "Be friendly."),
                ChatMessage(role: .user, content: "How?"),
                ChatMessage(role: .assistant, content: "Sure."),
            ])
        XCTAssertEqual(prompt.contentHash.count, 64)
    }

    func testMissingVariableIsNamedWithFileAndLine() throws {
        let prompt = try PromptFile(
            parsing: "system:\nHello\nuser:\nTell me about {{topic}}.\n", path: "prompts/p.prompty", defaultName: "p")
        XCTAssertThrowsError(try prompt.render([:])) { error in
            XCTAssertEqual(
                error as? PromptError,
                .missingVariable("topic", SourceLocation(file: "prompts/p.prompty", line: 4, column: 15)))
            XCTAssertTrue("\(error)".hasPrefix("prompts/p.prompty:4:15: error: variable 'topic' has no value"))
        }
    }

    func testUnclosedPlaceholderIsReportedAtItsPosition() {
        XCTAssertThrowsError(
            try PromptFile(parsing: "---\nname: x\n---\nuser:\nHi {{name\n", path: "p.prompty", defaultName: "x")
        ) { error in
            XCTAssertEqual(
                error as? PromptError, .unclosedPlaceholder(SourceLocation(file: "p.prompty", line: 5, column: 4)))
        }
    }

    func testInvalidVariableNameIsAnError() {
        XCTAssertThrowsError(try PromptFile(parsing: "user:\n{{ 1abc }}\n", path: "p", defaultName: "p")) { error in
            guard case PromptError.invalidVariableName(_, let found) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(found, "1abc")
        }
    }

    func testUnknownFrontMatterKeysAreWarningsWithLines() throws {
        let prompt = try PromptFile(
            parsing: "---\nname: x\ncolour: blue\n---\nuser:\nhi\n", path: "p.prompty", defaultName: "x")
        XCTAssertEqual(
            prompt.warnings.map(\.description), ["p.prompty:3:1: warning: unknown front-matter key 'colour' ignored"])
    }

    func testUnclosedFrontMatterIsAnError() {
        XCTAssertThrowsError(try PromptFile(parsing: "---\nname: x\nuser:\nhi\n", path: "p", defaultName: "p")) {
            error in
            guard case PromptError.unclosedFrontMatter = error else { return XCTFail("\(error)") }
        }
    }

    func testMalformedYAMLIsLocatedInTheFile() {
        XCTAssertThrowsError(
            try PromptFile(parsing: "---\nname: x\ninputs: [a, b\n---\nuser:\nhi\n", path: "p", defaultName: "p")
        ) { error in
            guard case PromptError.malformedFrontMatter(let location, _) = error else { return XCTFail("\(error)") }
            XCTAssertGreaterThanOrEqual(location.line ?? 0, 3)
        }
    }

    func testTextAboveTheFirstRoleLineIsAnErrorNotSilentlyDropped() {
        XCTAssertThrowsError(
            try PromptFile(
                parsing: "---\nname: x\n---\nstray words\nsystem:\nBe brief.\n", path: "p.prompty", defaultName: "x")
        ) { error in
            XCTAssertEqual(
                error as? PromptError, .textBeforeFirstRole(SourceLocation(file: "p.prompty", line: 4, column: 1)))
        }
        XCTAssertNoThrow(
            try PromptFile(parsing: "---\nname: x\n---\n\nsystem:\nBe brief.\n", path: "p", defaultName: "x"))
    }

    func testBodyWithoutRolesIsOneUserMessage() throws {
        let prompt = try PromptFile(parsing: "Summarise {{text}}", path: "p", defaultName: "p")
        XCTAssertEqual(try prompt.render(["text": "this"]), [ChatMessage(role: .user, content: "Summarise this")])
    }

    func testAssignmentsParseAndRejectMissingEquals() throws {
        XCTAssertEqual(try parseAssignments(["a=1", "b=x=y", "c="]), ["a": "1", "b": "x=y", "c": ""])
        XCTAssertThrowsError(try parseAssignments(["novalue"]))
    }
}
