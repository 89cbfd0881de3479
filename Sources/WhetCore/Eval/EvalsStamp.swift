import Foundation

/// What an open workbench compares to notice evals changing under it: the newest results file (a new eval
/// makes one, a running or resumed one grows it) and the eval case files (one added, edited or removed).
/// Reading it costs two directory listings and a `stat` per file.
public struct EvalsStamp: Sendable, Equatable {
    /// The newest results file's name, size and modification time, if there is one.
    public var newestResults: FileStamp?
    /// Every eval case file's.
    public var caseFiles: [FileStamp]

    /// A file's name, size and modification time.
    public struct FileStamp: Sendable, Equatable {
        public var name: String
        public var size: UInt64
        public var modified: Date

        /// The stamp of the file at `url`, nil when it cannot be read.
        init?(_ url: URL, name: String) {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path) else { return nil }
            self.name = name
            size = (attributes[.size] as? NSNumber)?.uint64Value ?? 0
            modified = attributes[.modificationDate] as? Date ?? .distantPast
        }
    }

    /// `workspace`'s stamp now.
    public static func current(in workspace: Workspace) -> EvalsStamp {
        EvalsStamp(
            newestResults: Advisor.latestResults(in: workspace).flatMap { FileStamp($0, name: $0.lastPathComponent) },
            caseFiles: workspace.evalFiles().compactMap { FileStamp($0, name: workspace.display($0)) })
    }
}
