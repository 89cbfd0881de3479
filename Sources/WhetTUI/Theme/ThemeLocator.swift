import Foundation
import WhetCore

/// Finds the themes directory and the theme to start with: `--theme`, else `[ui] theme` in whet.toml.
/// Themes are looked for in `$WHET_THEMES`, the workspace's own `themes/`, a `themes/` in a parent of it
/// (a workspace inside the whet repository), and `../share/whet/themes` beside the executable.
public enum ThemeLocator {
    /// The first existing themes directory.
    public static func directory(for workspace: Workspace) -> URL {
        var candidates: [URL] = []
        if let override = ProcessInfo.processInfo.environment["WHET_THEMES"] {
            candidates.append(URL(fileURLWithPath: override))
        }
        var directory = workspace.root
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("themes"))
            directory = directory.deletingLastPathComponent()
        }
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        candidates.append(
            executable.deletingLastPathComponent().appendingPathComponent("../share/whet/themes").standardizedFileURL)
        candidates.append(
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../themes")
                .standardizedFileURL)
        return candidates.first {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent("default.toml").path)
        } ?? candidates[0]
    }

    /// The theme to start with; the built-in one when the default file is missing, an error for a named
    /// theme that does not exist.
    public static func initialTheme(named requested: String?, workspace: Workspace) throws -> (Theme, URL) {
        let directory = directory(for: workspace)
        let name = requested ?? workspace.config.ui.theme
        do {
            return (try ThemeLoader.load(named: name, from: directory), directory)
        } catch {
            if requested == nil && name == "default" { return (Theme.builtIn, directory) }
            throw error
        }
    }
}
