import XCTest

@testable import WhetCore

/// Prompty files of both versions as people write them: v2's inputSchema and model id/options, threads
/// expanded into messages in place, `${env:}` and `${file:}` references, and a warning for each feature whet
/// reads but does not act on.
final class PromptyFormatTests: XCTestCase {
    func testAVersionTwoFileWithAThreadInput() throws {
        let text = """
            ---
            name: Chat
            model:
              id: gpt-4o-mini
              options:
                temperature: 0.3
            inputSchema:
              properties:
                - name: firstName
                  kind: string
                  default: Jane
                - name: conversation
                  kind: thread
                - name: question
                  kind: string
                  default: And the price?
            ---
            system:
            You help {{firstName}}.
            {{ conversation }}
            user:
            {{question}}
            """
        let file = try PromptFile(parsing: text, path: "prompts/chat.prompty", defaultName: "chat")
        XCTAssertEqual(file.model, "gpt-4o-mini")
        XCTAssertEqual(file.parameters["temperature"], .number(0.3))
        XCTAssertTrue(file.warnings.isEmpty, "\(file.warnings)")
        XCTAssertEqual(file.variables, ["firstName", "conversation", "question"])
        let thread = #"[{"role": "user", "content": "Do you sell tents?"}, {"role": "assistant", "content": "Yes."}]"#
        let messages = try file.render(file.resolveVariables(["conversation": thread]))
        XCTAssertEqual(
            messages,
            [
                ChatMessage(role: .system, content: "You help Jane."),
                ChatMessage(role: .user, content: "Do you sell tents?"),
                ChatMessage(role: .assistant, content: "Yes."),
                ChatMessage(role: .user, content: "And the price?"),
            ])
        // No conversation yet is an empty one, as Prompty's runtime starts it.
        XCTAssertEqual(
            try file.render(file.resolveVariables([:])),
            [
                ChatMessage(role: .system, content: "You help Jane."),
                ChatMessage(role: .user, content: "And the price?"),
            ])
        XCTAssertEqual(try file.render(file.resolveVariables(["conversation": "{}"])).count, 2)
        XCTAssertThrowsError(try file.render(file.resolveVariables(["conversation": #"[{"role": "robot"}]"#]))) {
            error in
            XCTAssertTrue("\(error)".contains("messages with role system, user, assistant or tool"), "\(error)")
        }
    }

    func testEnvironmentAndFileReferences() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("whet-ref-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "Lumen Analytics\n".write(
            to: directory.appendingPathComponent("company.txt"), atomically: true, encoding: .utf8)
        setenv("WHET_TEST_AUDIENCE", "admins", 1)
        let text = """
            ---
            inputs:
              company:
                sample: ${file:company.txt}
              audience:
                sample: ${env:WHET_TEST_AUDIENCE}
              tone:
                sample: ${env:WHET_TEST_UNSET_TONE:friendly}
            ---
            user:
            {{company}} for {{audience}}, {{tone}}
            """
        let file = try PromptFile(parsing: text, path: "p.prompty", defaultName: "p", baseDirectory: directory)
        XCTAssertEqual(try file.render(file.resolveVariables([:]))[0].content, "Lumen Analytics for admins, friendly")
        XCTAssertThrowsError(
            try PromptFile(
                parsing: "---\ninputs:\n  x:\n    sample: ${env:WHET_TEST_NEVER_SET}\n---\nuser:\n{{x}}",
                path: "p.prompty",
                defaultName: "p")
        ) { error in
            XCTAssertTrue("\(error)".contains("the environment variable WHET_TEST_NEVER_SET is not set"), "\(error)")
        }
    }

    func testWhatIsNotActedOnYetIsOneWarningEach() throws {
        let text = """
            ---
            name: x
            template: handlebars
            model:
              id: gpt-4o
              connection:
                kind: key
            outputSchema:
              properties: []
            tools:
              - name: lookup
            ---
            user:
            hi
            """
        let file = try PromptFile(parsing: text, path: "p.prompty", defaultName: "p")
        let messages = file.warnings.map(\.message)
        XCTAssertEqual(messages.count, 3, "\(messages)")
        XCTAssertEqual(file.tools.map(\.name), ["lookup"], "tools are read and sent, not warned about")
        XCTAssertTrue(messages.contains { $0.hasPrefix("outputSchema has no properties and no type") }, "\(messages)")
        XCTAssertTrue(messages.contains { $0.hasPrefix("template format 'handlebars' is not supported") })
        XCTAssertTrue(messages.contains { $0.hasPrefix("model.connection is not used") })
    }
}
