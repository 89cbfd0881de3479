import Foundation

/// Append-only files of one JSON record per line (session logs, eval results): appends are one write and
/// an fsync; reading skips (and reports) a torn last line or a line that does not decode, and never rewrites
/// the file.
public enum JSONLines {
    /// Appends `record` as one line and flushes it to disk.
    public static func append<Record: Encodable>(_ record: Record, to url: URL) throws {
        try DurableFile.appendRecord(try encodeLine(record), to: url)
    }

    /// `record` as one line of a JSON-lines file (sorted keys, newline-terminated).
    public static func encodeLine<Record: Encodable>(_ record: Record) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(record)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// The records that decode, in order, and a warning for each line that does not.
    public static func read<Record: Decodable>(_ type: Record.Type, from url: URL, displayPath: String,
                                               what: String = "record") -> (records: [Record], warnings: [Warning]) {
        guard let data = FileManager.default.contents(atPath: url.path) else { return ([], []) }
        var records: [Record] = []
        var warnings: [Warning] = []
        let decoder = JSONDecoder()
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let endsWithNewline = data.last == UInt8(ascii: "\n")
        for (index, line) in lines.enumerated() where !line.isEmpty {
            do {
                records.append(try decoder.decode(Record.self, from: Data(line)))
            } catch {
                let isLast = index == lines.count - 1 && !endsWithNewline
                let reason = isLast ? "torn last line (the write was interrupted); skipped, file left as is"
                                    : "line is not a valid \(what); skipped, file left as is"
                warnings.append(Warning(reason, at: SourceLocation(file: displayPath, line: index + 1)))
            }
        }
        return (records, warnings)
    }
}
