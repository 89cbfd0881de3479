import XCTest

@testable import WhetCore
@testable import WhetTUI

/// Two workbenches (or a workbench and an editor) on one prompt: a save never silently overwrites text
/// someone else saved meanwhile, and neither side's text is lost.
@MainActor
final class PromptSaveConflictTests: XCTestCase {
    var root: URL!

    override func setUp() async throws {
        DisplayWidth.prepareLocale()
        root = try copyOfDemoWorkspace()
    }

    override func tearDown() async throws { try? FileManager.default.removeItem(at: root) }

    func press(_ workbench: Workbench, _ keys: Key...) {
        for key in keys { workbench.handle(key, layout: Layout.make(width: 100, height: 30)) }
    }

    func testASaveOverAPromptChangedElsewhereIsRefusedUntilTheUserChooses() async throws {
        let url = root.appendingPathComponent("prompts/support-answer.prompty")
        let original = try String(contentsOf: url, encoding: .utf8)
        let mine = try openWorkbench(root: root)
        let theirs = try openWorkbench(root: root)

        press(theirs, .character("T"), .control("s"))
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "T" + original)

        press(mine, .character("M"), .control("s"))
        XCTAssertEqual(
            try String(contentsOf: url, encoding: .utf8), "T" + original, "the other save is not overwritten")
        XCTAssertTrue(
            mine.state.message?.text.contains(
                "changed on disk: :w! overwrites it, :e! loads it") ?? false,
            mine.state.message?.text ?? "")
        XCTAssertTrue(mine.state.buffer.isModified, "my edits are still in the editor")
        let recovery = try XCTUnwrap(
            RecoveryFile.read(for: "prompts/support-answer.prompty", in: try Workspace.open(root: root)))
        XCTAssertEqual(recovery, "M" + original, "and in the recovery file")

        mine.runCommand("w!")
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "M" + original)
        XCTAssertFalse(mine.state.buffer.isModified)

        press(theirs, .character("U"), .control("s"))
        XCTAssertEqual(
            try String(contentsOf: url, encoding: .utf8), "M" + original, "the other side is refused in turn")
        theirs.runCommand("e!")
        XCTAssertEqual(theirs.state.buffer.text, "M" + original)
        press(theirs, .character("V"), .control("s"))
        XCTAssertEqual(
            try String(contentsOf: url, encoding: .utf8), "VM" + original, "after loading, saving works again")
    }
}
