import Foundation
import XCTest

/// A Prompty file written for Jinja, run from the command line on the demo: structured input from a file,
/// a loop over the retrieved chunks, and a missing input reported with its place.
final class PromptTemplateCLITests: XCTestCase {
    var demo: URL!

    override func setUpWithError() throws { demo = try WhetProcess.copyOfDemo() }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: demo) }

    func testAJinjaPromptRunsWithAnObjectFromAFileAndLoopsOverTheChunks() throws {
        try """
        ---
        name: greeter
        inputs:
          customer:
            type: object
          question:
            sample: How do I rotate my API key?
        ---
        system:
        Greet {{ customer.firstName }}. Sources:
        {% for chunk in chunks %}
        [{{ chunk.citation }}] {{ chunk.source }}
        {% endfor %}
        user:
        {{ question }}
        """.write(to: demo.appendingPathComponent("prompts/greeter.prompty"), atomically: true, encoding: .utf8)
        try "{\"firstName\": \"Jane\"}".write(
            to: demo.appendingPathComponent("customer.json"), atomically: true, encoding: .utf8)

        let run = try WhetProcess.run(
            ["-C", demo.path, "run", "--prompt", "greeter", "--var", "customer=@customer.json", "--dry-run"], in: demo)
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("Greet Jane. Sources:"), run.stdout)
        XCTAssertTrue(run.stdout.contains("[1] corpus/support/api-keys.md:"), run.stdout)

        let missing = try WhetProcess.run(["-C", demo.path, "run", "--prompt", "greeter", "--dry-run"], in: demo)
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(
            missing.stderr.hasPrefix("prompts/greeter.prompty:10:7: error: variable 'customer' has no value"),
            missing.stderr)
    }
}
