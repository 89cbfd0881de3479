import XCTest

@testable import WhetCore

/// promptfoo's special CSV columns read as promptfoo documents them (docs/configuration/test-cases): metadata,
/// prefix and suffix, per-assertion config, and one located error for a column it does not define.
final class PromptfooColumnsTests: XCTestCase {
    func testMetadataPrefixSuffixAndConfigColumns() throws {
        let csv = """
            question,__expected,__expected2,__metadata:category,__metadata:tags[],__metadata,__prefix,__suffix,__config:__expected:threshold,__config:__expected2:weight,__threshold
            What is 2+2?,equals: 4,contains: four,math,"easy,arith\\,metic",ignored,Answer: ," (briefly)",0.8,3,0.5
            """
        let rows = try PromptfooCSV.tests(csv, displayPath: "t.csv")
        XCTAssertEqual(rows.count, 1)
        let (test, line) = rows[0]
        XCTAssertEqual(line, 2)
        XCTAssertEqual(test["vars"], .object(["question": .string("What is 2+2?")]))
        XCTAssertEqual(
            test["metadata"],
            .object(["category": .string("math"), "tags": .array([.string("easy"), .string("arith,metic")])]))
        XCTAssertEqual(test["options"], .object(["prefix": .string("Answer: "), "suffix": .string(" (briefly)")]))
        XCTAssertEqual(test["threshold"], .number(0.5))
        XCTAssertEqual(
            test["assert"],
            .array([
                .object(["type": .string("equals"), "value": .string("4"), "threshold": .number(0.8)]),
                .object([
                    "type": .string("contains"), "value": .string("four"), "threshold": .number(0.8),
                    "weight": .number(3),
                ]),
            ]))
        let item = try EvalFile.makeCase(
            test.merging(["prefix": .string("Answer: "), "suffix": .string(" (briefly)")]) { old, _ in old },
            at: SourceLocation(file: "t.csv", line: 2))
        XCTAssertEqual(item.prefix, "Answer: ")
        XCTAssertEqual(item.metadata["category"], .string("math"))
    }

    func testAnUnknownDoubleUnderscoreColumnIsALocatedError() {
        XCTAssertThrowsError(try PromptfooCSV.tests("q,__expectd\nx,y\n", displayPath: "t.csv")) { error in
            XCTAssertTrue("\(error)".hasPrefix("t.csv:1: error: '__expectd': expected a variable name or"), "\(error)")
        }
    }

    func testPrefixAndSuffixSurroundTheLastUserMessage() throws {
        let prompt = try PromptFile(parsing: "system:\nBe brief.\nuser:\n{{q}}", path: "p.prompty", defaultName: "p")
        let messages = try prompt.render(["q": "Why?"])
        var plan = RunPlan(
            prompt: prompt, variables: [:], retrieval: nil, messages: messages,
            backend: BackendConfig(name: "offline", kind: .offline, model: OfflineBackend.modelName),
            request: ModelRequest(messages: messages, parameters: [:], grounding: nil, outputSchema: nil), warnings: [])
        plan.surround(prefix: "Answer: ", suffix: " (briefly)")
        XCTAssertEqual(plan.request.messages.map(\.content), ["Be brief.", "Answer: Why? (briefly)"])
    }
}
