import ArgumentParser
import Foundation
import WhetCore

/// `whet models --backend NAME`: what models a backend's server offers.
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the models a configured backend's server offers (GET /models).")

    @OptionGroup var global: GlobalOptions

    @Option(help: "The backend to ask (default: default_backend).")
    var backend: String?

    @Flag(help: "Print the list as JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let workspace = try global.openWorkspace()
            let config = try workspace.config.backend(named: backend)
            let models = try await ModelCatalog.models(for: config, workspaceRoot: workspace.root)
            if json {
                try Terminal.writeJSON(models)
            } else {
                for model in models { Terminal.write((model == config.model ? "* " : "  ") + model + "\n") }
            }
        }
    }
}
