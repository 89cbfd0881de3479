import XCTest

@testable import WhetCore

final class WorkspaceTests: XCTestCase {
    func testWorkspaceIsFoundFromASubdirectoryLikeGit() throws {
        let workspace = try TestWorkspace()
        let nested = workspace.root.appendingPathComponent("corpus/deep/er")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        XCTAssertEqual(try Workspace.locate(from: nested).path, workspace.root.standardizedFileURL.path)
    }

    func testOutsideAnyWorkspaceSaysHowToMakeOne() {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nowhere-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        XCTAssertThrowsError(try Workspace.locate(from: directory)) { error in
            XCTAssertTrue("\(error)".contains("whet init"), "\(error)")
        }
    }

    func testUnknownPromptListsTheAvailableOnes() throws {
        let workspace = try TestWorkspace(files: ["prompts/answer.prompty": TestWorkspace.answerPrompt])
        XCTAssertThrowsError(try workspace.open().promptURL(named: "missing")) { error in
            XCTAssertEqual("\(error)", "error: no prompt 'prompts/missing.prompty'; prompts here: answer")
        }
    }

    func testInitCreatesAWorkingWorkspaceAndRefusesToOverwrite() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("init-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let workspace = try WorkspaceInitializer.create(at: directory, name: "fresh")
        XCTAssertEqual(workspace.config.name, "fresh")
        XCTAssertEqual(workspace.promptNames(), ["answer"])
        let prompt = try PromptFile.load(try workspace.promptURL(named: nil), displayPath: "p")
        XCTAssertEqual(prompt.variables, ["context", "question"])
        XCTAssertThrowsError(try WorkspaceInitializer.create(at: directory, name: "again")) { error in
            guard case WorkspaceError.alreadyExists = error else { return XCTFail("\(error)") }
        }
    }

    func testReadOnlyWorkspaceIsReportedBeforeWriting() throws {
        let workspace = try TestWorkspace(files: ["prompts/answer.prompty": TestWorkspace.answerPrompt])
        chmod(workspace.root.path, 0o555)
        let opened = try workspace.open()
        XCTAssertFalse(opened.isWritable)
        XCTAssertThrowsError(try RunRecorder(workspace: opened).nextRun(session: nil)) { error in
            guard case WorkspaceError.readOnly = error else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("read-only"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: workspace.root.appendingPathComponent("sessions").path))
    }

    func testAtomicWriteReplacesWholeFileAndLeavesNoTemporaries() throws {
        let workspace = try TestWorkspace()
        let url = workspace.root.appendingPathComponent("file.txt")
        try DurableFile.writeAtomically(Data("first version".utf8), to: url)
        try DurableFile.writeAtomically(Data("second".utf8), to: url)
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8), "second")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: workspace.root.path).filter {
            $0.contains(".tmp-")
        }
        XCTAssertEqual(leftovers, [])
    }

    /// A killed process's temporary whet.toml is removed at the next start; a live process's is left alone.
    func testAbandonedTemporaryConfigFilesAreRemovedAtTheNextStart() throws {
        let workspace = try TestWorkspace()
        try workspace.write(".whet.toml.tmp-99999999-1", "half a config")
        try workspace.write(".whet.toml.tmp-\(getpid())-2", "being written right now")
        _ = try workspace.open()
        let left = try FileManager.default.contentsOfDirectory(atPath: workspace.root.path).filter {
            $0.contains(".tmp-")
        }
        XCTAssertEqual(left, [".whet.toml.tmp-\(getpid())-2"])
    }
}
