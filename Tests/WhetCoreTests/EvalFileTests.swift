import XCTest

@testable import WhetCore

final class EvalFileTests: XCTestCase {
    func testPromptfooShapedCasesAreRead() throws {
        let cases = try EvalFile.parse(
            """
            {"description": "d", "vars": {"q": "x", "n": 2}, "assert": [{"type": "contains", "value": "y"}, {"type": "is-json"}]}

            // a comment
            {"vars": {"q": "z"}}
            """, displayPath: "evals/a.jsonl")
        XCTAssertEqual(cases.count, 2)
        XCTAssertEqual(cases[0].description, "d")
        XCTAssertEqual(cases[0].vars["n"], .number(2))
        XCTAssertEqual(cases[0].assertions.map(\.type), ["contains", "is-json"])
        XCTAssertEqual(cases[1].location.line, 4)
    }

    func testALineThatIsNotJSONIsReportedWithItsLine() {
        XCTAssertThrowsError(try EvalFile.parse("{\"vars\": {}}\n{vars: oops}\n", displayPath: "evals/a.jsonl")) {
            error in
            XCTAssertTrue(
                "\(error)".hasPrefix(
                    "evals/a.jsonl:2:2: error: expected a JSON object on this line, found '{vars: oops}' (not valid JSON: expected a quoted key)"
                ), "\(error)")
        }
        XCTAssertThrowsError(try EvalFile.parse("[1, 2]\n", displayPath: "e")) { error in
            XCTAssertTrue("\(error)".contains("found a JSON array"), "\(error)")
        }
    }

    func testAssertMustBeAnArrayOfTypedObjects() {
        XCTAssertThrowsError(try EvalFile.parse("{\"assert\": {\"type\": \"x\"}}", displayPath: "e")) { error in
            XCTAssertTrue("\(error)".contains("'assert': expected an array"), "\(error)")
        }
        XCTAssertThrowsError(try EvalFile.parse("{\"assert\": [{\"value\": 1}]}", displayPath: "e"))
    }

    func testTheDemoEvalFilesAreValid() throws {
        let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "../../workspaces/demo"
        ).standardizedFileURL
        let workspace = try Workspace.open(root: demo)
        let cases = try workspace.evalFiles().flatMap { try EvalFile.load($0, displayPath: workspace.display($0)) }
        XCTAssertGreaterThanOrEqual(cases.count, 12)
    }
}

final class EvalYAMLTests: XCTestCase {
    func testPromptfooStyleYAMLListsAndTestsKey() throws {
        let list = """
            - description: rotation
              vars:
                question: How do I rotate a key?
              assert:
                - type: icontains
                  value: revoke
                  weight: 2
            - vars: {question: Why 429?}
              assert: [{type: contains-any, value: [rate_limit, quota]}]
            """
        let cases = try EvalFile.parseYAML(list, displayPath: "evals/a.yaml")
        XCTAssertEqual(cases.count, 2)
        XCTAssertEqual(cases[0].description, "rotation")
        XCTAssertEqual(cases[0].vars["question"], .string("How do I rotate a key?"))
        XCTAssertEqual(cases[0].assertions.first?.raw["weight"], .number(2))
        XCTAssertEqual(cases[1].location.line, 8)
        XCTAssertEqual(cases[1].assertions.first?.value, .array([.string("rate_limit"), .string("quota")]))

        let config = "prompts: [x]\ntests:\n  - vars: {question: hi}\n    assert: [{type: equals, value: hello}]\n"
        XCTAssertEqual(try EvalFile.parseYAML(config, displayPath: "evals/b.yaml").count, 1)

        XCTAssertThrowsError(try EvalFile.parseYAML("- vars: {q: a}\n  assert: 3\n", displayPath: "evals/c.yaml")) {
            error in
            XCTAssertTrue("\(error)".hasPrefix("evals/c.yaml:1:"), "\(error)")
        }
        XCTAssertThrowsError(try EvalFile.parseYAML("just: a mapping\n", displayPath: "evals/d.yaml")) { error in
            XCTAssertTrue("\(error)".contains("'tests' list"), "\(error)")
        }
    }
}
