import ArgumentParser
import Foundation
import WhetCore

/// Options every subcommand shares.
struct GlobalOptions: ParsableArguments {
    @Option(
        name: [.customShort("C"), .customLong("directory")],
        help: ArgumentHelp("Act as if whet were started in DIR.", valueName: "DIR"))
    var directory: String?

    /// The directory to search for the workspace from.
    var startDirectory: URL {
        let current = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        guard let directory else { return current }
        return URL(fileURLWithPath: directory, relativeTo: current).standardizedFileURL
    }

    /// Opens the workspace, printing `whet.toml` warnings to standard error.
    func openWorkspace() throws -> Workspace {
        let workspace = try Workspace.open(from: startDirectory)
        for warning in workspace.warnings { Terminal.warn(warning.description) }
        return workspace
    }
}

/// Printing for the CLI: results to standard output, diagnostics and progress to standard error. This is the
/// only way the CLI writes to a terminal, and every string it is given passes through `TerminalText.visible`
/// (escape sequences, C1 and bidi controls shown, not obeyed), because almost every line holds something from
/// outside: a path, a heading, a model's words, a server's error. `writeJSON` is the one exact path: JSON
/// escapes control characters itself, and scripts need the values as they are.
enum Terminal {
    /// Whether standard error is a terminal (progress lines are drawn only then).
    static var stderrIsTTY: Bool { isatty(2) == 1 }
    /// Whether standard output is a terminal.
    static var stdoutIsTTY: Bool { isatty(1) == 1 }

    static func warn(_ text: String) { raw(TerminalText.visible(text) + "\n", to: FileHandle.standardError) }

    static func note(_ text: String) { raw(TerminalText.visible(text) + "\n", to: FileHandle.standardError) }

    static func write(_ text: String) { raw(TerminalText.visible(text), to: FileHandle.standardOutput) }

    /// `value` as pretty-printed JSON on standard output, exactly.
    static func writeJSON<T: Encodable>(_ value: T) throws {
        raw(try JSONOutput.encode(value) + "\n", to: FileHandle.standardOutput)
    }

    /// A document whet made itself (a report: HTML or Markdown in which every outside string is already
    /// escaped for its format), exactly; on a terminal it is shown made visible like everything else.
    static func writeExact(_ text: String) {
        raw(stdoutIsTTY ? TerminalText.visible(text) : text, to: FileHandle.standardOutput)
    }

    /// Rewrites the progress line in place on a terminal; does nothing elsewhere.
    static func progress(_ text: String) {
        guard stderrIsTTY else { return }
        let width = 78
        let safe = TerminalText.visible(text)
        let clipped = safe.count > width ? String(safe.prefix(width - 1)) + "…" : safe
        raw("\r\u{1B}[K" + clipped, to: FileHandle.standardError)
    }

    /// A progress bar with count and ETA on stderr (terminals only): `label [#####·····] 45% 900/2000 ETA 12 s`.
    static func progressBar(_ label: String, done: Int, total: Int, started: Date) {
        guard total > 0 else { return }
        let fraction = Double(done) / Double(total)
        let filled = Int((fraction * 20).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "·", count: 20 - filled)
        let elapsed = Date().timeIntervalSince(started)
        let eta =
            done > 0 && done < total ? String(format: " ETA %.0f s", elapsed / Double(done) * Double(total - done)) : ""
        progress("\(label) [\(bar)] \(Int(fraction * 100))% \(done)/\(total)\(eta)")
    }

    static func clearProgress() {
        guard stderrIsTTY else { return }
        raw("\r\u{1B}[K", to: FileHandle.standardError)
    }

    /// The only unsanitised write; private so that nothing from outside can reach it.
    /// A reader that went away (`whet search … | head`) ends whet quietly, as it ends `cat`: the write fails
    /// with EPIPE where SIGPIPE is ignored (the network libraries ignore it).
    private static func raw(_ text: String, to handle: FileHandle) {
        do {
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            exit(handle === FileHandle.standardOutput ? 0 : 1)
        }
    }

    /// Prints a user-facing error and returns the failure exit code.
    static func fail(_ error: Error) -> ExitCode {
        if let exit = error as? ExitCode { return exit }
        // whet's own errors give their place and message as values and print as one compiler-style line; any
        // other error (the system's, a library's) is its description with the severity in front.
        warn(error is any Diagnosable ? "\(error)" : "error: \(error)")
        return ExitCode(1)
    }
}

/// Runs a command body, turning any error into one printed line and exit status 1.
func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as CleanExit {
        throw error
    } catch {
        throw Terminal.fail(error)
    }
}
