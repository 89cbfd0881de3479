import XCTest

@testable import WhetCore

/// Prompty files in each shape people write them, rendered by whet and by Prompty's reference pipeline (Jinja2
/// 3.1, then its role-line parser) and compared message by message: sample files, the current specification's
/// `inputs:` list, the v2 draft, role attributes and `# role:` lines, Jinja's tests, filters, `set`, macros,
/// `include` and `extends` with `base:`.
final class PromptyCompatibilityTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("whet-prompty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    private func write(_ name: String, _ text: String) throws {
        try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    /// Loads `name`, renders it with its own samples (and `given`), checks it against the reference, returns it.
    @discardableResult
    private func assertMatchesReference(
        _ name: String, given: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line
    ) throws -> [ChatMessage] {
        let prompt = try PromptFile.load(folder.appendingPathComponent(name), displayPath: name)
        let values = prompt.resolveVariables(given)
        let messages = try prompt.render(values)
        let reference = try Jinja2Reference.messages(of: prompt, values: values, folder: folder)
        XCTAssertEqual(Jinja2Reference.whet(messages), reference, file: file, line: line)
        return messages
    }

    func testVersionOneWithASampleFileAndAHistoryLoop() throws {
        try write(
            "chat.json",
            #"""
            {"customer": {"firstName": "Jane", "orders": [{"name": "TrailMaster tent", "description": "4-person"}]},
             "documentation": [{"title": "Tents", "content": "Waterproof."}, {"title": "Boots", "content": "Leather."}],
             "question": "Which tent?",
             "chat_history": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
            """#)
        let text = """
            ---
            name: Contoso Chat Prompt
            model:
              api: chat
            sample: ${file:chat.json}
            ---
            system:
            You help {{customer.firstName}}.
            {% for item in documentation %}
            catalog: {{item.title}} - {{item.content}}
            {% endfor %}
            {% for item in customer.orders %}
            - {{item.name}}: {{item.description}}
            {% endfor %}

            {% for item in chat_history %}
            {{item.role}}:
            {{item.content}}
            {% endfor %}

            user:
            {{question}}
            """
        try write("chat.prompty", text)
        let messages = try assertMatchesReference("chat.prompty")
        XCTAssertEqual(messages.map(\.role), [.system, .user, .assistant, .user])
        // The older runtimes' plain file name reads the same samples.
        try write("plain.prompty", text.replacingOccurrences(of: "${file:chat.json}", with: "chat.json"))
        XCTAssertEqual(try assertMatchesReference("plain.prompty"), messages)
    }

    func testCurrentSpecificationInputsListWithTemplateFormatKind() throws {
        try write(
            "basic.prompty",
            """
            ---
            name: basic-prompt
            model:
              id: gpt-4
              apiType: chat
            inputs:
              - name: firstName
                kind: string
                default: Jane
              - name: lastName
                kind: string
                example: Doe
              - name: question
                kind: string
                required: true
                default: What is the meaning of life?
                description: The question
            template:
              format:
                kind: jinja2
              parser:
                kind: prompty
            ---
            system:
            You are helping {{firstName}} {{lastName}}.

            user:
            {{question}}
            """)
        let prompt = try PromptFile.load(folder.appendingPathComponent("basic.prompty"), displayPath: "basic.prompty")
        XCTAssertEqual(prompt.inputs.map(\.name), ["firstName", "lastName", "question"])
        XCTAssertEqual(prompt.inputs.last?.description, "The question")
        let mustache = try PromptFile(
            parsing: "---\ntemplate:\n  format:\n    kind: mustache\n---\nuser:\n{{#a}}x{{/a}}", path: "m.prompty",
            defaultName: "m")
        XCTAssertEqual(mustache.sections.first?.template.engine, .mustache)
        try assertMatchesReference("basic.prompty")
    }

    func testVersionTwoDraftInputSchema() throws {
        try write(
            "draft.prompty",
            """
            ---
            name: draft
            inputSchema:
              properties:
                - name: topic
                  kind: string
                  default: tides
                - name: points
                  kind: array
                  default: ["moon", "sun"]
            template:
              format: jinja2
            ---
            system:
            Explain {{ topic | upper }} in {{ points | length }} points: {{ points | join(", ") }}.
            user:
            Go.
            """)
        try assertMatchesReference("draft.prompty")
    }

    func testRoleLinesWithAttributesAndAsMarkdownHeadings() throws {
        try write(
            "roles.prompty",
            """
            ---
            inputs:
              question: What is Prompty?
            ---
            # system:
            You are a helpful assistant.

            user[name="seth"]:
            {{question}}

            Assistant:
            It is a file format.

            # User:
            Thanks.
            """)
        let messages = try assertMatchesReference("roles.prompty")
        XCTAssertEqual(messages[1].name, "seth")
        XCTAssertEqual(OpenAIChatProtocol.message(messages[1])["name"] as? String, "seth")
        XCTAssertNil(RoleLine("The user: said hello"))
        XCTAssertNil(RoleLine("user: hello"))
    }

    func testJinjaTestsFiltersSetAndMacros() throws {
        try write(
            "jinja.prompty",
            """
            ---
            inputs:
              name:
                sample: Ada
              long_term_memory:
                type: array
                sample: ["likes tea", "lives in London"]
              empty:
                sample: ""
            ---
            system:
            {% set greeting = "Hello" %}
            {% macro bullet(text, mark="-") %}{{ mark }} {{ text | trim | capitalize }}{% endmacro %}
            {% if text_sources is defined %}sources given{% else %}no sources{% endif %}
            {% if name is not none and name | length > 2 %}{{ greeting }}, {{ name | upper }}!{% endif %}
            {% if long_term_memory |length > 0 %}Memory ({{ long_term_memory | length }}):
            {% for item in long_term_memory %}{{ bullet(item) }}
            {% endfor %}{% endif %}
            {% if not empty %}{{ bullet("  nothing else  ", mark="*") }}{% endif %}
            First: {{ long_term_memory | first }}; last: {{ long_term_memory | last }}.
            {{ missing | default("n/a") }} / {{ name | replace("a", "4") | lower }}
            user:
            Go.
            """)
        let messages = try assertMatchesReference("jinja.prompty")
        let prompt = try PromptFile.load(folder.appendingPathComponent("jinja.prompty"), displayPath: "jinja.prompty")
        // Names the template sets, its macro and its parameters are not the user's variables.
        XCTAssertEqual(prompt.variables, ["text_sources", "name", "long_term_memory", "empty", "missing"])
        XCTAssertTrue(messages[0].content.contains("Hello, ADA!"), messages[0].content)
    }

    func testSetInsideAnIfOutlivesItAndALoopSetDoesNot() throws {
        try write(
            "scope.prompty",
            """
            ---
            inputs:
              items:
                sample: ["a", "b"]
            ---
            user:
            {% set label = "none" %}{% if items %}{% set label = "some" %}{% endif %}{{ label }}
            {% for x in items %}{% set label = x %}{{ label }}{% endfor %} {{ label }}
            """)
        try assertMatchesReference("scope.prompty")
    }

    func testIncludeAndExtendsRelativeToThePromptWithBase() throws {
        try write("rules.jinja2", "Rules for {{ audience }}:\n{% for rule in rules %}- {{ rule }}\n{% endfor %}")
        try write(
            "evaluation.prompty",
            """
            ---
            name: evaluation
            inputs:
              answer: It is blue.
            ---
            system:
            You grade answers.
            {% block criteria %}Be fair.{% endblock %}

            user:
            {% block task %}Grade: {{ answer }}{% endblock %}
            """)
        try write(
            "strict.prompty",
            """
            ---
            name: strict
            base: evaluation.prompty
            inputs:
              audience: graders
              rules: ["cite", "be brief"]
            ---
            {% extends "evaluation.prompty" %}
            {% block criteria %}{{ super() }} Be strict.
            {% include "rules.jinja2" %}{% endblock %}
            """)
        let prompt = try PromptFile.load(folder.appendingPathComponent("strict.prompty"), displayPath: "strict.prompty")
        XCTAssertEqual(prompt.resolveVariables([:])["answer"], "It is blue.", "the base's inputs count")
        let messages = try assertMatchesReference("strict.prompty")
        XCTAssertEqual(messages.map(\.role), [.system, .user])
        XCTAssertTrue(messages[0].content.contains("- be brief"), messages[0].content)
    }

    func testAThreadWithNoValueIsAnEmptyConversation() throws {
        try write(
            "threaded.prompty",
            """
            ---
            inputs:
              - name: question
                kind: string
                default: Hello
              - name: conversation
                kind: thread
            ---
            system:
            You are a helpful assistant.

            {{conversation}}

            user:
            {{question}}
            """)
        let prompt = try PromptFile.load(
            folder.appendingPathComponent("threaded.prompty"), displayPath: "threaded.prompty")
        XCTAssertEqual(
            try prompt.render(prompt.resolveVariables([:])),
            [
                ChatMessage(role: .system, content: "You are a helpful assistant."),
                ChatMessage(role: .user, content: "Hello"),
            ])
    }

    func testAKindMismatchRendersWithAWarningNamingTheInput() throws {
        try write(
            "mismatch.prompty",
            """
            ---
            inputs:
              documents:
                type: object
                sample: [{"title": "A"}, {"title": "B"}]
            ---
            user:
            {% for d in documents %}{{ d.title }}{% endfor %}
            """)
        let prompt = try PromptFile.load(
            folder.appendingPathComponent("mismatch.prompty"), displayPath: "mismatch.prompty")
        let values = prompt.resolveVariables([:])
        XCTAssertEqual(try prompt.render(values)[0].content, "AB")
        XCTAssertEqual(
            prompt.inputWarnings(values).map(\.description),
            [
                "mismatch.prompty: warning: input 'documents' is declared object but its value is a JSON array; used as it is"
            ])
    }

    func testUnsupportedJinjaIsOneLocatedErrorNamingTheConstruct() throws {
        let cases = [
            (
                "{% import 'm.j2' as m %}",
                "mismatch.prompty:2:1: error: template: Jinja's '{% import %}' is not supported"
            ),
            ("{{ a if b else c }}", "Jinja's inline if"),
            ("{% if x is divisibleby 3 %}y{% endif %}", "Jinja's test 'is divisibleby' is not supported"),
            ("{{ a ~ b }}", "Jinja's '~' operator"),
            ("{% for m in past\\_messages %}{% endfor %}", "unexpected '\\' in 'past\\_messages'"),
        ]
        for (body, expected) in cases {
            XCTAssertThrowsError(
                try PromptFile(parsing: "user:\n\(body)\n", path: "mismatch.prompty", defaultName: "m")
            ) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error)")
                XCTAssertFalse("\(error)".contains("\n"), "\(error)")
            }
        }
    }
}
