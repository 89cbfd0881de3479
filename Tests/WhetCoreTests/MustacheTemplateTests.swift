import XCTest

@testable import WhetCore

/// `template: mustache` files, rendered by the mustache engine: sections over lists and objects, inverted
/// sections, plain-text output (no HTML escaping), and errors in the FILE:LINE:COL form.
final class MustacheTemplateTests: XCTestCase {
    func prompt(_ body: String, format: String = "mustache") throws -> PromptFile {
        try PromptFile(
            parsing: "---\nname: m\ntemplate: \(format)\n---\n" + body, path: "prompts/m.prompty", defaultName: "m")
    }

    func testSectionsObjectsAndListsRender() throws {
        let file = try prompt(
            """
            system:
            Hello {{customer.firstName}}.
            {{#documentation}}
            - {{id}}: {{title}}
            {{/documentation}}
            {{^documentation}}no documents{{/documentation}}
            user:
            {{question}}
            """)
        XCTAssertEqual(file.variables, ["customer", "documentation", "question"])
        XCTAssertTrue(file.warnings.isEmpty, "\(file.warnings)")
        let messages = try file.render([
            "customer": #"{"firstName": "Jane"}"#,
            "documentation": #"[{"id": 1, "title": "Tent"}, {"id": 2, "title": "Boots"}]"#,
            "question": "Which tent?",
        ])
        XCTAssertEqual(messages[0].content, "Hello Jane.\n- 1: Tent\n- 2: Boots\n")
        XCTAssertEqual(messages[1].content, "Which tent?")
        let empty = try file.render(["customer": #"{"firstName": "Jo"}"#, "documentation": "[]", "question": "q"])
        XCTAssertEqual(empty[0].content, "Hello Jo.\nno documents")
    }

    func testValuesReachTheModelUnescaped() throws {
        let file = try prompt("user:\n{{question}} {{{question}}} {{&question}}")
        let text = try file.render(["question": #"Is <b> & "x" > 'y'?"#])[0].content
        XCTAssertEqual(text, #"Is <b> & "x" > 'y'? Is <b> & "x" > 'y'? Is <b> & "x" > 'y'?"#)
    }

    func testAPrintedVariableWithoutValueIsAnErrorButASectionMayBeAbsent() throws {
        let file = try prompt("user:\n{{#vip}}Dear customer,{{/vip}}\nAnswer {{ question }}.")
        XCTAssertEqual(try file.render(["question": "q"])[0].content, "\nAnswer q.")
        XCTAssertThrowsError(try file.render(["vip": "true"])) { error in
            XCTAssertEqual(
                "\(error)",
                "prompts/m.prompty:7:8: error: variable 'question' has no value; pass --var question=VALUE or give it a sample under inputs:"
            )
        }
    }

    func testSyntaxErrorsNameTheLine() throws {
        XCTAssertThrowsError(try prompt("user:\nfine\n{{#items}}\n- {{.}}\n{{/other}}")) { error in
            XCTAssertTrue("\(error)".hasPrefix("prompts/m.prompty:9:1: error: template:"), "\(error)")
        }
        XCTAssertThrowsError(try prompt("user:\n{{#items}}\n- {{.}}")) { error in
            XCTAssertTrue("\(error)".contains("section 'items' is not closed"), "\(error)")
        }
        XCTAssertThrowsError(try prompt("user:\nsee {{> footer}}")) { error in
            XCTAssertTrue("\(error)".hasPrefix("prompts/m.prompty:6:5: error: template: partials"), "\(error)")
        }
        XCTAssertThrowsError(try prompt("user:\nsee {{question")) { error in
            XCTAssertTrue("\(error)".hasPrefix("prompts/m.prompty:6:5:"), "\(error)")
        }
    }

    func testJinjaSyntaxInAMustacheFileIsText() throws {
        let file = try prompt("user:\n{% if x %}{{name}}{% endif %}")
        XCTAssertEqual(try file.render(["name": "N"])[0].content, "{% if x %}N{% endif %}")
        let jinja = try prompt("user:\n{% if x %}{{name}}{% endif %}", format: "jinja2")
        XCTAssertEqual(try jinja.render(["name": "N", "x": "1"])[0].content, "N")
    }

    func testAnUnknownFormatIsWarnedAbout() throws {
        let file = try prompt("user:\nhi", format: "handlebars")
        XCTAssertEqual(
            file.warnings.map(\.message), ["template format 'handlebars' is not supported; rendered as Jinja"])
    }
}
