import Foundation

/// The repository's demo workspace, copied fresh for a test: without derived data (`.whet/`), eval results or
/// sessions, so every test starts from what a new clone has.
public enum DemoWorkspace {
    /// The package's root directory.
    public static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A fresh copy in a temporary directory; the caller removes it.
    public static func copy() throws -> URL {
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("whet-demo-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("workspaces/demo"), to: target)
        try? FileManager.default.removeItem(at: target.appendingPathComponent(".whet"))
        try? FileManager.default.removeItem(at: target.appendingPathComponent("evals/results"))
        let sessions = target.appendingPathComponent("sessions")
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: sessions.path)) ?? []
        where !entry.hasPrefix(".") {
            try FileManager.default.removeItem(at: sessions.appendingPathComponent(entry))
        }
        return target
    }
}
