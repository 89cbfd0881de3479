import Foundation
import WhetTestSupport
import XCTest

@testable import WhetCore
@testable import WhetTUI

/// Text snapshots beside the tests, in `Snapshots/`; `WHET_RECORD_SNAPSHOTS=1 swift test` re-records them.
func assertSnapshot(_ text: String, named name: String, file: StaticString = #filePath, line: UInt = #line) {
    let directory = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().appendingPathComponent("Snapshots")
    let url = directory.appendingPathComponent("\(name).txt")
    if ProcessInfo.processInfo.environment["WHET_RECORD_SNAPSHOTS"] == "1"
        || !FileManager.default.fileExists(atPath: url.path)
    {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? text.write(to: url, atomically: true, encoding: .utf8)
        if ProcessInfo.processInfo.environment["WHET_RECORD_SNAPSHOTS"] != "1" {
            XCTFail("recorded a new snapshot \(name); check it and run again", file: file, line: line)
        }
        return
    }
    let expected = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    if expected != text {
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let actualLines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let firstDifference = zip(expectedLines, actualLines).enumerated().first { $0.element.0 != $0.element.1 }
        let where_ =
            firstDifference.map { "line \($0.offset + 1):\n  expected: \($0.element.0)\n  actual:   \($0.element.1)" }
            ?? "line count differs"
        XCTFail("snapshot \(name) differs at \(where_)\nfull output:\n\(text)", file: file, line: line)
    }
}

/// A fresh copy of the demo workspace without derived data or sessions.
func copyOfDemoWorkspace() throws -> URL { try DemoWorkspace.copy() }

/// The repository's themes directory.
let themesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("themes")

/// A workbench on the workspace at `root`, opened for editing (or review) with the default theme, as `whet`
/// opens it; the index is not opened (tests that need retrieval call `openIndex`).
@MainActor
func openWorkbench(root: URL, readOnly: Bool = false) throws -> Workbench {
    let workspace = try Workspace.open(root: root)
    let theme = try ThemeLoader.load(named: "default", from: themesDirectory)
    return try Workbench(
        workspace: workspace, promptName: nil, backendName: nil, theme: theme,
        themesDirectory: themesDirectory, readOnly: readOnly)
}
