import Foundation

/// One session's `runs.jsonl`: append-only, one JSON record per line, each append flushed to disk before it
/// returns. Reading never fails on a bad line: a line torn by a crash (or edited into invalid JSON) is
/// reported as a warning with its line number and skipped, and the file is never rewritten to hide it.
public struct SessionLog: Sendable {
    /// The `runs.jsonl` file.
    public let url: URL
    /// How the file is named in messages.
    public let displayPath: String
    /// The longest line read (`[limits] max_line_bytes`).
    public var maxLineBytes = InputLimits.standard.maxLineBytes

    /// Opens the log at `url` (it need not exist yet).
    public init(url: URL, displayPath: String) {
        self.url = url
        self.displayPath = displayPath
    }

    /// Appends `record` as one line and fsyncs it.
    public func append(_ record: RunRecord) throws {
        try JSONLines.append(record, to: url)
    }

    /// Numbers `record` one past the highest run in the log and appends it, both under the log's lock, so
    /// runs recorded by several processes at once get unique, increasing numbers. Returns the record as
    /// written (with its final number).
    @discardableResult
    public func appendNumbered(_ record: RunRecord) throws -> RunRecord {
        var numbered = record
        try DurableFile.appendRecord(to: url) { lines in
            numbered.run = SessionLog.lastRunNumber(in: lines) + 1
            return try JSONLines.encodeLine(numbered)
        }
        return numbered
    }

    /// The number of the log's last run (0 when empty or missing), from the end of the file only: what the
    /// next run would be numbered after, without reading a long log whole.
    public func lastRunNumber() -> Int {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        return SessionLog.lastRunNumber(in: DurableFile.ReverseLines(fd: fd))
    }

    /// The run number of the newest line that carries one (0 for an empty log). Lines that do not decode
    /// (edited by hand, or older damage) are passed over.
    static func lastRunNumber(in lines: DurableFile.ReverseLines) -> Int {
        struct Numbered: Decodable { var run: Int }
        let decoder = JSONDecoder()
        for line in lines {
            if let numbered = try? decoder.decode(Numbered.self, from: line) { return numbered.run }
        }
        return 0
    }

    /// The records that parse, in order, and a warning for each line that does not.
    public func read() -> (records: [RunRecord], warnings: [Warning]) {
        JSONLines.read(
            RunRecord.self, from: url, displayPath: displayPath, what: "run record", maxLineBytes: maxLineBytes)
    }
}
