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
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(record)
        data.append(UInt8(ascii: "\n"))
        try DurableFile.appendRecord(data, to: url)
    }

    /// The records that parse, in order, and a warning for each line that does not.
    public func read() -> (records: [RunRecord], warnings: [Warning]) {
        guard let data = FileManager.default.contents(atPath: url.path) else { return ([], []) }
        var records: [RunRecord] = []
        var warnings: [Warning] = []
        let decoder = JSONDecoder()
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let endsWithNewline = data.last == UInt8(ascii: "\n")
        for (index, line) in lines.enumerated() where !line.isEmpty {
            do {
                records.append(try decoder.decode(RunRecord.self, from: Data(line)))
            } catch {
                let isLast = index == lines.count - 1 && !endsWithNewline
                let reason = isLast ? "torn last line (the write was interrupted); skipped, file left as is"
                                    : "line is not a valid run record; skipped, file left as is"
                warnings.append(Warning(reason, at: SourceLocation(file: displayPath, line: index + 1)))
            }
        }
        return (records, warnings)
    }
}
