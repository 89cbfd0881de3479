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
                "changed on disk: :w! overwrites it with your edits, :e! loads it") ?? false,
            mine.state.message?.text ?? "")
        XCTAssertTrue(mine.state.prompt.buffer.isModified, "my edits are still in the editor")
        let recovery = try XCTUnwrap(
            RecoveryFile.read(for: "prompts/support-answer.prompty", in: try Workspace.open(root: root)))
        XCTAssertEqual(recovery, "M" + original, "and in the recovery file")

        mine.runCommand("w!")
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "M" + original)
        XCTAssertFalse(mine.state.prompt.buffer.isModified)

        press(theirs, .character("U"), .control("s"))
        XCTAssertEqual(
            try String(contentsOf: url, encoding: .utf8), "M" + original, "the other side is refused in turn")
        theirs.runCommand("e!")
        XCTAssertEqual(theirs.state.prompt.buffer.text, "M" + original)
        XCTAssertTrue(
            theirs.state.message?.text.contains("your edits are kept in .whet/recovery/kept/") ?? false,
            theirs.state.message?.text ?? "")
        press(theirs, .character("V"), .control("s"))
        XCTAssertEqual(
            try String(contentsOf: url, encoding: .utf8), "VM" + original, "after loading, saving works again")
        // The edits `:e!` set aside survive that save (a save clears only the recovery file of the text edited).
        let kept = root.appendingPathComponent(".whet/recovery/kept")
        let names = try FileManager.default.contentsOfDirectory(atPath: kept.path)
        XCTAssertEqual(names.count, 1, "\(names)")
        XCTAssertEqual(
            try String(contentsOf: kept.appendingPathComponent(names[0]), encoding: .utf8), "TU" + original,
            "the discarded edits are kept, whole")

    }
}
