import Foundation

/// `[limits]` in whet.toml: how much whet reads from one file or one line it did not write itself, so a
/// huge or hostile file (a 2 GB log line, a PDF renamed `.md`, a runaway generated eval file) costs one clear
/// message instead of all the memory. Each limit is named in its message with the setting that raises it.
public struct InputLimits: Sendable, Equatable {
    /// `max_file_bytes`: the largest corpus document, prompt or eval file read (64 MiB).
    public var maxFileBytes: Int = 64 << 20
    /// `max_line_bytes`: the longest line of a JSON-lines file read (session logs, eval cases and results,
    /// ratings, fine-tuning jobs): 16 MiB. A longer line is skipped with a warning, never read whole.
    public var maxLineBytes: Int = 16 << 20

    /// The defaults.
    public init() {}

    /// The defaults, for readers that have no workspace at hand.
    public static let standard = InputLimits()
}

/// Reads whole files only after checking their size against a limit.
public enum BoundedFile {
    /// The contents of `url`, or nil when it cannot be read; a file over `limit` bytes is an error naming the
    /// limit and `[limits] max_file_bytes`, and is not read at all.
    public static func contents(of url: URL, displayPath: String, limit: Int = InputLimits.standard.maxFileBytes) throws
        -> Data?
    {
        var status = stat()
        guard stat(url.path, &status) == 0 else { return nil }
        if Int(status.st_size) > limit {
            throw WorkspaceError.tooLarge(
                path: displayPath, size: Int(status.st_size), limit: limit, setting: "[limits] max_file_bytes")
        }
        return FileManager.default.contents(atPath: url.path)
    }
}
