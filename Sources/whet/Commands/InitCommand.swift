import ArgumentParser
import Foundation
import WhetCore

/// `whet init DIR`: a new workspace with a sample prompt, document and eval case.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new workspace with a sample prompt, corpus document and eval case.")

    @Argument(help: "Directory for the new workspace (created if missing).")
    var directory: String = "."

    @Option(help: "The workspace's name (default: the directory's name).")
    var name: String?

    func run() async throws {
        try await reportingErrors {
            let url = URL(fileURLWithPath: directory).standardizedFileURL
            let workspace = try WorkspaceInitializer.create(at: url, name: name ?? url.lastPathComponent)
            Terminal.write(
                """
                Created workspace '\(workspace.config.name)' in \(url.path)
                  whet.toml                   configuration (backends, retrieval)
                  prompts/answer.prompty      a sample prompt
                  corpus/getting-started.md   a sample document
                  evals/basic.jsonl           a sample eval case
                Next: whet -C \(directory) run

                """)
        }
    }
}
