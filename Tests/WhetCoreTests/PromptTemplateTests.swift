import XCTest

@testable import WhetCore

/// Prompts as people write them: Jinja-style loops, conditions, filters and structured inputs, rendered by
/// the real engine, with errors that keep the FILE:LINE:COL form.
final class PromptTemplateTests: XCTestCase {
    func prompt(_ text: String) throws -> PromptFile {
        try PromptFile(parsing: text, path: "prompts/p.prompty", defaultName: "p")
    }

    /// The shape of the Prompty project's own chat sample: a customer object, a list of documents.
    let promptyChat = """
        ---
        name: Contoso Chat
        inputs:
          customer:
            type: object
          documentation:
            type: array
          question:
            type: string
        sample:
          customer: {"firstName": "Jane", "lastName": "Doe", "orders": [{"name": "tent"}, {"name": "boots"}]}
          documentation: [{"id": "1", "title": "Tent", "content": "Sleeps four."}, {"id": "2", "title": "Boots", "content": "Waterproof."}]
          question: What should I bring?
        ---
        system:
        You are an assistant for {{customer.firstName}} {{ customer.lastName | upper }}.
        {% for item in documentation %}
        catalog: {{item.id}} {{item.title}}: {{item.content}}
        {% endfor %}
        {% if customer.orders %}Past orders: {% for order in customer.orders %}{{ loop.index }}. {{ order.name }}{% if not loop.last %}, {% endif %}{% endfor %}{% endif %}

        user:
        {{question}}
        """

    func testLoopsObjectsFiltersAndConditionsRender() throws {
        let file = try prompt(promptyChat)
        XCTAssertEqual(file.variables, ["customer", "documentation", "question"])
        let messages = try file.render(file.resolveVariables([:]))
        let system = messages[0].content
        XCTAssertTrue(system.contains("You are an assistant for Jane DOE."), system)
        XCTAssertTrue(system.contains("catalog: 1 Tent: Sleeps four."), system)
        XCTAssertTrue(system.contains("catalog: 2 Boots: Waterproof."), system)
        XCTAssertTrue(system.contains("Past orders: 1. tent, 2. boots"), system)
        XCTAssertEqual(messages[1].content, "What should I bring?")
    }

    func testWhitespaceControlDefaultsAndIndexedAccess() throws {
        let file = try prompt(
            "user:\n{%- for x in items -%}\n[{{ x }}]\n{%- endfor %}\nfirst={{ items[0] }} {{ nick | default(\"friend\") }} {{ items | join(\", \") }}"
        )
        let text = try file.render(["items": "[\"a\", \"b\"]"])[0].content
        XCTAssertEqual(text, "[a][b]\nfirst=a friend a, b")
    }

    func testAnObjectPrintedWholeIsJSON() throws {
        let file = try prompt("user:\n{{ customer }} {{ customer | tojson }}")
        let text = try file.render(["customer": "{\"a\": 1}"])[0].content
        XCTAssertEqual(text, "{\"a\":1} {\"a\":1}")
    }

    func testAMissingLoopSourceOrPrintedPathIsAnErrorWithItsPlace() throws {
        let file = try prompt(
            "---\nname: x\n---\nuser:\nHello {{customer.firstName}}\n{% for item in docs %}{{item.id}}{% endfor %}")
        XCTAssertThrowsError(try file.render(["customer": "{\"firstName\": \"J\"}"])) { error in
            XCTAssertEqual(
                "\(error)",
                "prompts/p.prompty:6:1: error: variable 'docs' has no value; pass --var docs=VALUE or give it a sample under inputs:"
            )
        }
        // Inside a condition a variable may be absent: that is what the condition is for.
        let optional = try prompt("user:\n{% if nick %}Hi {{ nick }}{% else %}Hello{% endif %}")
        XCTAssertEqual(try optional.render([:])[0].content, "Hello")
    }

    func testTemplateSyntaxErrorsAreLocated() throws {
        XCTAssertThrowsError(try prompt("---\nname: x\n---\nuser:\nline one\n{% frobnicate %}\n")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix("prompts/p.prompty:6:"), text)
            XCTAssertTrue(text.contains("error: template:"), text)
        }
        XCTAssertThrowsError(try prompt("user:\n{% for x in xs %}never closed\n")) { error in
            XCTAssertTrue("\(error)".hasPrefix("prompts/p.prompty:2:"), "\(error)")
        }
        XCTAssertThrowsError(try prompt("user:\nfine\n  {% if x \n")) { error in
            XCTAssertTrue("\(error)".hasPrefix("prompts/p.prompty:3:3: error: template: unclosed '{%'"), "\(error)")
        }
    }

    func testDeclaredTypesAreConvertedAndMismatchesWarnedAboutNotRefused() throws {
        let file = try prompt(
            "---\ninputs:\n  count:\n    type: integer\n  strict:\n    type: boolean\n  tags:\n    type: array\n---\nuser:\n{% if strict %}strict {% endif %}{{ count }} {{ tags | length }}"
        )
        let fitting = ["count": "3", "strict": "false", "tags": "[1,2]"]
        XCTAssertEqual(try file.render(fitting)[0].content, "3 2")
        XCTAssertEqual(file.inputWarnings(fitting), [])
        // As Prompty's runtime does, a value of another kind is rendered as it is; whet says so.
        let other = ["count": "three", "strict": "true", "tags": "{\"a\":1}"]
        XCTAssertEqual(try file.render(other)[0].content, "strict three 1")
        XCTAssertEqual(
            file.inputWarnings(other).map(\.description),
            [
                "prompts/p.prompty: warning: input 'count' is declared integer but its value is 'three', not a number; used as it is",
                "prompts/p.prompty: warning: input 'tags' is declared array but its value is a JSON object; used as it is",
            ])
    }

    func testOldStylePromptsRenderAsBefore() throws {
        let file = try prompt("system:\nBe brief.\nuser:\n{{question}} — {{ context }}")
        XCTAssertEqual(
            try file.render(["question": "[1] what?", "context": "{not json"])[1].content, "[1] what? — {not json")
    }

    func testRetrievedChunksCanBeLoopedOver() throws {
        let file = try prompt(
            "user:\n{% for chunk in chunks %}[{{ chunk.citation }}] {{ chunk.source }} ({{ chunk.lines }}): {{ chunk.text }}\n{% endfor %}Q"
        )
        let chunk = RetrievedChunk(
            rank: 1, path: "corpus/a.md", startLine: 3, endLine: 4, headingPath: ["A"], score: 2.5, matchedTerms: [],
            text: "Alpha.")
        let text = try file.render([:], structured: [RunPlan.chunksVariable: RunPlan.chunkList([chunk])])[0].content
        XCTAssertEqual(text, "[1] corpus/a.md:3-4 (3-4): Alpha.\nQ")
    }

    func testVarFromAFileAndALiteralAt() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("whet-var-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "{\"firstName\": \"Jane\"}\n".write(
            to: directory.appendingPathComponent("customer.json"), atomically: true, encoding: .utf8)
        let values = try parseAssignments(["customer=@customer.json", "handle=@@jane"], relativeTo: directory)
        XCTAssertEqual(values["customer"], "{\"firstName\": \"Jane\"}")
        XCTAssertEqual(values["handle"], "@jane")
        XCTAssertThrowsError(try parseAssignments(["x=@missing.json"], relativeTo: directory)) { error in
            XCTAssertTrue("\(error)".contains("cannot read 'missing.json'"), "\(error)")
        }
    }
}
