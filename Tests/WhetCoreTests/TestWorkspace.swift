import Foundation

@testable import WhetCore

/// A throwaway workspace directory for one test, removed when the test ends.
final class TestWorkspace {
    let root: URL

    init(config: String = TestWorkspace.defaultConfig, files: [String: String] = [:]) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("whet-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("corpus"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("prompts"), withIntermediateDirectories: true)
        try write("whet.toml", config)
        for (path, text) in files { try write(path, text) }
    }

    deinit {
        chmod(root.path, 0o755)
        try? FileManager.default.removeItem(at: root)
    }

    func write(_ path: String, _ text: String) throws {
        try write(path, Data(text.utf8))
    }

    func write(_ path: String, _ data: Data) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    func open() throws -> Workspace { try Workspace.open(root: root) }

    static let defaultConfig = """
        name = "test"
        default_prompt = "answer"

        [backends.offline]
        kind = "offline"

        [retrieval]
        top_k = 3
        chunk_size = 300
        chunk_overlap = 50
        """

    static let answerPrompt = """
        ---
        name: answer
        inputs:
          question:
            sample: What is the default?
        ---
        system:
        Answer from the context.
        {{context}}

        user:
        {{question}}
        """
}
