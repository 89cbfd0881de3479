import Foundation

/// What an open workbench compares to notice another process's eval: the newest results file with its size
/// and modification time. A new eval makes a new file; a resumed or running one grows its file; either
/// changes the stamp, and reading it costs a directory listing and a `stat` per results file.
public struct EvalResultsStamp: Sendable, Equatable {
    /// The newest results file's name (`<eval id>.jsonl`).
    public var name: String
    public var size: UInt64
    public var modified: Date

    /// The stamp of `workspace`'s newest results file, nil when there is none.
    public static func current(in workspace: Workspace) -> EvalResultsStamp? {
        guard let url = Advisor.latestResults(in: workspace),
            let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        else { return nil }
        return EvalResultsStamp(
            name: url.lastPathComponent, size: (attributes[.size] as? NSNumber)?.uint64Value ?? 0,
            modified: attributes[.modificationDate] as? Date ?? .distantPast)
    }
}
