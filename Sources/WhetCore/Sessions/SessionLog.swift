import Foundation

/// One session's `runs.jsonl`: append-only, one JSON record per line, each append flushed to disk before it
/// returns. Reading never fails on a bad line: a line torn by a crash (or edited into invalid JSON) is
/// reported as a warning with its line number and skipped, and the file is never rewritten to hide it.
public struct SessionLog: Sendable {
    /// The `runs.jsonl` file.
    public let url: URL
    /// How the file is named in messages.
    public let displayPath: String

    /// Opens the log at `url` (it need not exist yet).
    public init(url: URL, displayPath: String) {
        self.url = url
        self.displayPath = displayPath
    }

    /// Appends `record` as one line and fsyncs it.
    public func append(_ record: RunRecord) throws {
        try JSONLines.append(record, to: url)
    }

    /// The records that parse, in order, and a warning for each line that does not.
    public func read() -> (records: [RunRecord], warnings: [Warning]) {
        JSONLines.read(RunRecord.self, from: url, displayPath: displayPath, what: "run record")
    }
}
