import Foundation
import WhetTestSupport
import XCTest

/// promptfoo-shaped suites (written here for the tests) run by the real binary: tests inline and from CSV,
/// defaultTest merging, `$ref` templates, python and javascript assertions with and without node, and a
/// case nothing could check reported as not evaluated through the summary, JSON, JUnit and --fail-under.
final class PromptfooCLITests: XCTestCase {
    var demo: URL!

    override func setUpWithError() throws {
        demo = try WhetProcess.copyOfDemo()
        let suite = demo.appendingPathComponent("suite")
        try FileManager.default.createDirectory(at: suite, withIntermediateDirectories: true)
        try """
        description: support answers
        prompts: [file://../prompts/support-answer.prompty]
        providers: [openai:gpt-4o-mini]
        outputPath: results.json
        sharing: false
        assertionTemplates:
          mentionsRevoke:
            type: icontains
            value: revoke
        defaultTest:
          vars:
            question: How do I rotate my API key?
          assert:
            - type: not-contains
              value: "I don't know"
        tests:
          - description: rotation
            assert:
              - $ref: "#/assertionTemplates/mentionsRevoke"
              - type: python
                value: "'revoke' in output.lower() and context['vars']['question'].startswith('How')"
              - type: javascript
                value: output.toLowerCase().includes('key')
          - file://cases.csv
          - description: weighted
            threshold: 0.5
            vars: { question: "Why was my request refused with a 429 error?" }
            assert:
              - type: assert-set
                threshold: 0.5
                assert: [ {type: contains, value: rate_limit_exceeded}, {type: icontains, value: "zzz"} ]
              - type: python
                value: file://check.py:grade
          - description: a script that raises
            assert:
              - type: python
                value: "output.nosuchmethod()"
          - file://more/*.yaml
        """.write(to: suite.appendingPathComponent("promptfooconfig.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            at: suite.appendingPathComponent("more"), withIntermediateDirectories: true)
        try
            "- description: question from a file\n  vars: { question: file://questions/leak.txt }\n  assert: [{type: icontains, value: revoke}]\n"
            .write(to: suite.appendingPathComponent("more/a.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            at: suite.appendingPathComponent("questions"), withIntermediateDirectories: true)
        try "What should I do if my API key leaked?".write(
            to: suite.appendingPathComponent("questions/leak.txt"), atomically: true, encoding: .utf8)
        try
            "question,__expected,__description\nWhat should I do if my API key leaked?,icontains: revoke,leaked key\n\"Why was my request refused, with a 429?\",\"contains-any: rate_limit_exceeded, spending_limit_reached\",429 from csv\n"
            .write(to: suite.appendingPathComponent("cases.csv"), atomically: true, encoding: .utf8)
        try
            "def grade(output, context):\n    return {'pass': True, 'score': 0.8, 'reason': 'graded ' + context['vars']['question'][:3]}\n"
            .write(to: suite.appendingPathComponent("check.py"), atomically: true, encoding: .utf8)
        try """
        tests:
          - description: only a model could check this
            vars: { question: How do I rotate my API key? }
            assert:
              - type: llm-rubric
                value: is polite
          - description: checked
            vars: { question: How do I rotate my API key? }
            assert:
              - type: icontains
                value: revoke
          - description: only node could check this
            vars: { question: How do I rotate my API key? }
            assert:
              - type: javascript
                value: output.length > 10
        """.write(to: suite.appendingPathComponent("unchecked.yaml"), atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: demo) }

    func results(_ json: String) throws -> [String: (
        status: String, assertions: [(type: String, status: String, reason: String)]
    )] {
        let list = try WhetProcess.evalCells(json)
        var byCase: [String: (String, [(String, String, String)])] = [:]
        for item in list {
            let label = ((item["case"] as? [String: Any])?["description"] as? String) ?? "?"
            let assertions = ((item["assertions"] as? [[String: Any]]) ?? []).map {
                ($0["type"] as? String ?? "", $0["status"] as? String ?? "", $0["reason"] as? String ?? "")
            }
            byCase[label] = (item["status"] as? String ?? "", assertions)
        }
        return byCase.mapValues { (status: $0.0, assertions: $0.1.map { (type: $0.0, status: $0.1, reason: $0.2) }) }
    }

    func testAPromptfooConfigRunsAsItIs() throws {
        let listed = try WhetProcess.run(["evals", "suite/promptfooconfig.yaml", "--verbose"], in: demo)
        XCTAssertEqual(listed.status, 0, listed.stderr)
        XCTAssertTrue(listed.stdout.contains("suite/promptfooconfig.yaml  6 cases"), listed.stdout)
        XCTAssertTrue(
            listed.stderr.contains("suite/promptfooconfig.yaml:4: warning: 'outputPath' is not used by whet (ignored)"),
            listed.stderr)
        XCTAssertTrue(listed.stderr.contains("'sharing' is not used by whet"), listed.stderr)
        XCTAssertEqual(listed.stderr.components(separatedBy: "'outputPath'").count, 2, "each unsupported key once")

        let run = try WhetProcess.run(["eval", "suite/promptfooconfig.yaml", "--no-cache", "--json"], in: demo)
        XCTAssertEqual(run.status, 0, run.stderr)
        let byCase = try results(run.stdout)
        XCTAssertEqual(
            Set(byCase.keys),
            [
                "rotation", "leaked key", "429 from csv", "weighted", "a script that raises",
                "question from a file",
            ])
        XCTAssertEqual(byCase["question from a file"]?.status, "passed", "a glob of test files, a var read from a file")
        let rotation = try XCTUnwrap(byCase["rotation"])
        XCTAssertEqual(rotation.status, "passed")
        XCTAssertEqual(
            rotation.assertions.map(\.type), ["not-contains", "icontains", "python", "javascript"],
            "defaultTest's assertions first, then the test's, the $ref resolved")
        XCTAssertEqual(rotation.assertions.last?.status, "passed", "javascript, with node")
        XCTAssertEqual(byCase["leaked key"]?.status, "passed", "a CSV row with __expected shorthand")
        XCTAssertEqual(
            byCase["429 from csv"]?.assertions.last?.type, "contains-any", "quoted CSV fields keep their commas")
        XCTAssertEqual(byCase["weighted"]?.status, "passed", "assert-set at threshold 0.5 with one of two passing")
        XCTAssertEqual(
            byCase["weighted"]?.assertions.last?.reason, "graded Why", "file://check.py:grade, relative to the config")
        let raising = try XCTUnwrap(byCase["a script that raises"])
        XCTAssertEqual(raising.status, "failed")
        XCTAssertTrue(raising.assertions.last?.reason.contains("AttributeError") ?? false, "\(raising.assertions)")
    }

    func testACaseNothingCouldCheckIsNeverAPass() throws {
        // PATH without node: javascript assertions cannot run here.
        let bin = demo.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let python = try XCTUnwrap(
            ["/usr/bin/python3", "/usr/local/bin/python3"].first { FileManager.default.isExecutableFile(atPath: $0) }
                ?? ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map { "\($0)/python3" }
                .first { FileManager.default.isExecutableFile(atPath: $0) })
        try FileManager.default.createSymbolicLink(
            atPath: bin.appendingPathComponent("python3").path, withDestinationPath: python)
        let environment = ["PATH": bin.path]
        let junit = demo.appendingPathComponent("junit.xml")
        let run = try WhetProcess.run(
            ["eval", "suite/unchecked.yaml", "--no-cache", "--junit", junit.path], in: demo, environment: environment)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("pass rate 100.0% [20.7–100.0] of 1; 2 not evaluated"), run.stdout)
        XCTAssertTrue(run.stdout.contains("? only a model could check this"), run.stdout)
        XCTAssertTrue(run.stdout.contains("javascript: not run: node not found on PATH"), run.stdout)
        let xml = try String(contentsOf: junit, encoding: .utf8)
        XCTAssertTrue(xml.contains("skipped=\"2\""), xml)
        XCTAssertTrue(xml.contains("<skipped message=\"not evaluated: llm-rubric"), xml)

        let json = try WhetProcess.run(["eval", "suite/unchecked.yaml", "--json"], in: demo, environment: environment)
        XCTAssertEqual(try results(json.stdout)["only node could check this"]?.status, "not-run")

        let gate = try WhetProcess.run(
            ["eval", "suite/unchecked.yaml", "--fail-under", "0.5"], in: demo, environment: environment)
        XCTAssertEqual(gate.status, 1)
        XCTAssertTrue(gate.stderr.contains("2 of 3 cells could not be evaluated"), gate.stderr)
        XCTAssertTrue(gate.stderr.contains("--allow-not-evaluated"), gate.stderr)
        let accepted = try WhetProcess.run(
            ["eval", "suite/unchecked.yaml", "--fail-under", "0.5", "--allow-not-evaluated"],
            in: demo, environment: environment)
        XCTAssertEqual(accepted.status, 0, accepted.stderr)
    }

    func testReferencesThatDoNotResolveAreLocatedErrors() throws {
        let suite = demo.appendingPathComponent("suite")
        try "tests:\n  - vars: {question: x}\n    assert:\n      - $ref: \"#/assertionTemplates/nope\"\n"
            .write(to: suite.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
        let bad = try WhetProcess.run(["evals", "suite/bad.yaml"], in: demo)
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(
            bad.stderr.contains(
                "suite/bad.yaml:2:5: error: '$ref': expected #/assertionTemplates/NAME naming one of: none defined, found '#/assertionTemplates/nope'"
            ),
            bad.stderr)
        try "tests: file://missing/*.csv\n".write(
            to: suite.appendingPathComponent("glob.yaml"), atomically: true, encoding: .utf8)
        let glob = try WhetProcess.run(["evals", "suite/glob.yaml"], in: demo)
        XCTAssertEqual(glob.status, 1)
        XCTAssertTrue(glob.stderr.contains("no file matches 'suite/missing/*.csv'"), glob.stderr)
    }

    /// `--from-config`: the config's own prompts (a text file and a chat in JSON) on its own provider, here an
    /// OpenAI-compatible server on loopback named by `apiBaseUrl`.
    func testFromConfigRunsTheConfigsPromptsOnItsProviders() throws {
        let server = try TestModelServer([
            TestModelServer.openAIStream(["First create a new key, ", "then revoke the old one."])
        ])
        defer { server.stop() }
        let suite = demo.appendingPathComponent("suite")
        try "Answer the customer: {{question}}".write(
            to: suite.appendingPathComponent("prompt.txt"), atomically: true, encoding: .utf8)
        try #"[{"role": "system", "content": "You are terse."}, {"role": "user", "content": "{{question}}"}]"#
            .write(to: suite.appendingPathComponent("chat.json"), atomically: true, encoding: .utf8)
        try """
        prompts: [file://prompt.txt, file://chat.json]
        providers:
          - id: openai:chat:test-model
            label: local
            config: { apiBaseUrl: "\(server.baseURL)/v1" }
        tests:
          - vars: { question: How do I rotate my API key? }
            assert: [ { type: icontains, value: revoke } ]
        """.write(to: suite.appendingPathComponent("matrix.yaml"), atomically: true, encoding: .utf8)
        let run = try WhetProcess.run(["eval", "suite/matrix.yaml", "--from-config", "--no-cache", "--json"], in: demo)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(
            run.stderr.contains("from the config: prompts prompt, chat; backends local (openai test-model)"), run.stderr
        )
        let list = try WhetProcess.evalCells(run.stdout)
        XCTAssertEqual(list.count, 2)
        XCTAssertEqual(Set(list.compactMap { $0["status"] as? String }), ["passed"])
        XCTAssertEqual(Set(list.compactMap { $0["model"] as? String }), ["test-model"])
        XCTAssertEqual(server.requests.count, 2)
        XCTAssertTrue(server.requests.contains { $0.body.contains("You are terse.") })

        try "prompts: [hi]\nproviders: [vertex:gemini-pro]\ntests: [{vars: {question: x}}]\n"
            .write(to: suite.appendingPathComponent("vertex.yaml"), atomically: true, encoding: .utf8)
        let unknown = try WhetProcess.run(["eval", "suite/vertex.yaml", "--from-config"], in: demo)
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("'providers': expected a provider whet speaks"), unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("found 'vertex:gemini-pro'"), unknown.stderr)
    }

    /// `--from-config --backend NAME`: the config's prompts and cases on whet's backend instead of its providers
    /// (which may be ones whet does not speak), as promptfoo's `--providers` does; the CSV's `__metadata:KEY`,
    /// `__prefix`, `__suffix` and `__config:` columns read as promptfoo reads them.
    func testFromConfigWithBackendRunsTheConfigOnWhetsBackend() throws {
        let suite = demo.appendingPathComponent("suite")
        try "Answer the customer: {{question}}".write(
            to: suite.appendingPathComponent("prompt.txt"), atomically: true, encoding: .utf8)
        try """
        question,__expected1,__expected2,__metadata:category,__metadata:tags[],__prefix,__suffix,__config:__expected2:weight
        How do I rotate my API key?,icontains: revoke,icontains: key,keys,"security,api",Please answer: ," (be concise)",2
        """.write(to: suite.appendingPathComponent("columns.csv"), atomically: true, encoding: .utf8)
        try """
        prompts: [file://prompt.txt]
        providers: [openai:gpt-4o-mini, vertex:gemini-pro]
        tests: file://columns.csv
        """.write(to: suite.appendingPathComponent("any.yaml"), atomically: true, encoding: .utf8)
        let run = try WhetProcess.run(
            ["eval", "suite/any.yaml", "--from-config", "--backend", "offline", "--no-cache", "--json"], in: demo)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(
            run.stderr.contains("backends offline (whet.toml, instead of the config's providers)"), run.stderr)
        let list = try WhetProcess.evalCells(run.stdout)
        XCTAssertEqual(list.count, 1)
        XCTAssertEqual(list.first?["backend"] as? String, "offline")
        XCTAssertEqual(list.first?["status"] as? String, "passed", run.stdout)

        try "prompts: [file://make_prompt.py]\nproviders: [openai:gpt-4o-mini]\ntests: file://columns.csv\n"
            .write(to: suite.appendingPathComponent("function.yaml"), atomically: true, encoding: .utf8)
        let function = try WhetProcess.run(
            ["eval", "suite/function.yaml", "--from-config", "--backend", "offline"], in: demo)
        XCTAssertEqual(function.status, 1)
        XCTAssertTrue(
            function.stderr.contains("prompt functions are not run, found 'suite/make_prompt.py'"), function.stderr)
    }

    /// An `openai:` provider with no base URL of its own goes where `OPENAI_BASE_URL` says, as promptfoo and the
    /// OpenAI SDKs send it; a CSV's `__prefix` and `__suffix` surround the question sent.
    func testOpenAIBaseURLFromTheEnvironment() throws {
        let server = try TestModelServer([TestModelServer.openAIStream(["Create a new key, then revoke the old one."])])
        defer { server.stop() }
        let suite = demo.appendingPathComponent("suite")
        try
            "question,__expected,__prefix,__suffix\nHow do I rotate my API key?,icontains: revoke,Please answer: ,\" (be concise)\"\n"
            .write(to: suite.appendingPathComponent("env.csv"), atomically: true, encoding: .utf8)
        try "prompts: ['{{question}}']\nproviders: [openai:chat:test-model]\ntests: file://env.csv\n"
            .write(to: suite.appendingPathComponent("env.yaml"), atomically: true, encoding: .utf8)
        let run = try WhetProcess.run(
            ["eval", "suite/env.yaml", "--from-config", "--no-cache", "--json"], in: demo,
            environment: ["OPENAI_BASE_URL": "\(server.baseURL)/v1", "OPENAI_API_KEY": "sk-test"])
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(server.requests.count, 1)
        XCTAssertTrue(
            server.requests.first?.body.contains("Please answer: How do I rotate my API key? (be concise)") == true,
            server.requests.first?.body ?? "no request")
    }

    /// promptfoo's `transform`, test-level (in `options`, from defaultTest) and per assertion, with node.
    func testTransformsShapeTheOutputTheAssertionsSee() throws {
        _ = try XCTUnwrap(
            ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":")
                .first { FileManager.default.isExecutableFile(atPath: "\($0)/node") },
            "node is on this kind of machine (/usr/bin/node)")
        try """
        defaultTest:
          options: { transform: output.toUpperCase() }
        tests:
          - vars: { question: How do I rotate my API key? }
            assert:
              - { type: contains, value: REVOKE }
              - { type: equals, value: "7", transform: "String(output.split(' ').length > 5 ? 7 : 0)" }
        """.write(to: demo.appendingPathComponent("suite/transform.yaml"), atomically: true, encoding: .utf8)
        let run = try WhetProcess.run(["eval", "suite/transform.yaml", "--no-cache", "--json"], in: demo)
        XCTAssertEqual(run.status, 0, run.stderr)
        let cell = try XCTUnwrap(try results(run.stdout).values.first)
        XCTAssertEqual(cell.status, "passed", "\(cell.assertions)")
        XCTAssertFalse(run.stderr.contains("transform"), "transform is used, so not reported as ignored: \(run.stderr)")
    }
}
