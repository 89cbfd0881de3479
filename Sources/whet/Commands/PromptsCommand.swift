import ArgumentParser
import Foundation
import WhetCore

/// `whet prompts`: the workspace's prompts, checked, with their variables.
struct PromptsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prompts",
        abstract: "List and check the prompts in prompts/: name, variables, version hash.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await reportingErrors {
            let workspace = try global.openWorkspace()
            let names = workspace.promptNames()
            guard !names.isEmpty else {
                Terminal.write("no prompts in prompts/; add a NAME.prompty file\n")
                return
            }
            var failed = false
            for name in names {
                let url = workspace.promptsDirectory.appendingPathComponent("\(name).prompty")
                do {
                    let prompt = try PromptFile.load(url, displayPath: workspace.display(url))
                    for warning in prompt.warnings { Terminal.warn(warning.description) }
                    let marker = name == workspace.config.defaultPrompt ? "*" : " "
                    Terminal.write("\(marker) \(name)  \(prompt.contentHash.prefix(12))  vars: \(prompt.variables.joined(separator: ", "))\n")
                    if let description = prompt.description { Terminal.write("    \(description)\n") }
                } catch {
                    Terminal.warn("\(error)")
                    failed = true
                }
            }
            if failed { throw ExitCode(1) }
        }
    }
}
