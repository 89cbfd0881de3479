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

    /// A fresh copy pointed at the shared store `url` (`[store]` appended to its whet.toml, `extra` lines in
    /// that table), without the offline embeddings when `embeddings` is false; the caller removes it.
    public static func copy(store url: String, extra: String = "", embeddings: Bool = true) throws -> URL {
        let root = try copy()
        let config = root.appendingPathComponent("whet.toml")
        var text = try String(contentsOf: config, encoding: .utf8)
        if !embeddings { text = text.replacingOccurrences(of: "embedding_backend = \"offline\"", with: "") }
        try (text + "\n[store]\nurl = \"\(url)\"\n" + extra).write(to: config, atomically: true, encoding: .utf8)
        return root
    }
}
