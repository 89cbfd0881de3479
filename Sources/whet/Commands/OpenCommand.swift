import ArgumentParser
import Foundation
import WhetCore
import WhetTUI

/// `whet [DIR]`: the full-screen workbench on a workspace.
struct OpenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open the workspace in the full-screen workbench (the default command).",
        discussion:
            "Panes: prompt editor, retrieved context, model output, framework sidebar. F1 inside lists every key.")

    @Argument(help: "The workspace directory (default: the one containing the current directory).")
    var directory: String?

    @Option(help: "The prompt to open: prompts/NAME.prompty (default: whet.toml's default_prompt).")
    var prompt: String?

    @Option(help: "The backend to run with (default: default_backend).")
    var backend: String?

    @Option(help: "The colour theme: themes/NAME.toml (default: [ui] theme). NO_COLOR=1 turns colours off.")
    var theme: String?

    @MainActor
    func run() async throws {
        try await launchWorkbench(
            directory: directory, prompt: prompt, backend: backend, theme: theme, readOnly: false,
            scriptAlternative: "whet run")
    }
}

/// `whet review [DIR]`: saved sessions, read-only.
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Review saved sessions read-only: pick a session, step through its runs ([ and ]).",
        discussion:
            "Nothing is written in review mode, so it works on a read-only file system or someone else's workspace.")

    @Argument(help: "The workspace directory (default: the one containing the current directory).")
    var directory: String?

    @Option(help: "The colour theme: themes/NAME.toml.")
    var theme: String?

    @MainActor
    func run() async throws {
        try await launchWorkbench(
            directory: directory, prompt: nil, backend: nil, theme: theme, readOnly: true,
            scriptAlternative: "whet show")
    }
}

/// Opens the workbench full-screen, for editing or (with `readOnly`) for review; refuses without a terminal,
/// naming the command that does the same job in scripts.
@MainActor
func launchWorkbench(
    directory: String?, prompt: String?, backend: String?, theme: String?, readOnly: Bool,
    scriptAlternative: String
) async throws {
    do {
        let workspace = try openWorkspace(directory)
        guard isatty(0) == 1, isatty(1) == 1 else {
            throw ValidationError("the workbench needs a terminal; use `\(scriptAlternative)` in scripts")
        }
        let (initialTheme, themesDirectory) = try ThemeLocator.initialTheme(named: theme, workspace: workspace)
        let workbench = try Workbench(
            workspace: workspace, promptName: prompt, backendName: backend, theme: initialTheme,
            themesDirectory: themesDirectory, readOnly: readOnly)
        await WorkbenchLoop.run(workbench)
    } catch {
        throw Terminal.fail(error)
    }
}

/// Opens the workspace at or above `directory` (or the current directory), printing config warnings.
func openWorkspace(_ directory: String?) throws -> Workspace {
    let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    let start = directory.map { URL(fileURLWithPath: $0, relativeTo: current).standardizedFileURL } ?? current
    let workspace = try Workspace.open(from: start)
    for warning in workspace.warnings { Terminal.warn(warning.description) }
    return workspace
}
