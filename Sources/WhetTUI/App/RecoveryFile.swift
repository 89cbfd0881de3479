import Foundation
import WhetCore

/// Unsaved prompt edits kept in `.whet/recovery/`, written atomically while editing and on hang-up, removed
/// on save, and offered back on the next start. They are derived data too: the prompt file is never touched.
enum RecoveryFile {
    static func url(for promptPath: String, in workspace: Workspace) -> URL {
        let name = promptPath.replacingOccurrences(of: "/", with: "__")
        return workspace.derivedDirectory.appendingPathComponent("recovery").appendingPathComponent(name)
    }

    static func read(for promptPath: String, in workspace: Workspace) -> String? {
        try? String(contentsOf: url(for: promptPath, in: workspace), encoding: .utf8)
    }

    static func write(_ text: String, for promptPath: String, in workspace: Workspace) {
        let target = url(for: promptPath, in: workspace)
        try? DurableFile.makeDirectory(target.deletingLastPathComponent())
        try? DurableFile.writeAtomically(Data(text.utf8), to: target)
    }

    /// Keeps `text` for good in `.whet/recovery/kept/` (edits set aside by `:e!`), where no save removes it,
    /// and returns where it went.
    static func keep(_ text: String, for promptPath: String, in workspace: Workspace, now: Date = Date()) throws -> URL
    {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let name = promptPath.replacingOccurrences(of: "/", with: "__") + "." + formatter.string(from: now)
        let directory = workspace.derivedDirectory.appendingPathComponent("recovery/kept")
        try DurableFile.makeDirectory(directory)
        var target = directory.appendingPathComponent(name)
        var suffix = 2
        while FileManager.default.fileExists(atPath: target.path) {
            target = directory.appendingPathComponent("\(name)-\(suffix)")
            suffix += 1
        }
        try DurableFile.writeAtomically(Data(text.utf8), to: target)
        return target
    }

    static func remove(for promptPath: String, in workspace: Workspace) {
        try? FileManager.default.removeItem(at: url(for: promptPath, in: workspace))
    }
}
