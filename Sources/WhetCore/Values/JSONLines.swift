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

    /// The records that decode, in order, and a warning for each line that does not. The file is read a
    /// block at a time, so memory holds the records, not the file; a line longer than `maxLineBytes` is
    /// skipped unread with a warning naming the limit (`[limits] max_line_bytes`).
    public static func read<Record: Decodable>(
        _ type: Record.Type, from url: URL, displayPath: String, what: String = "record",
        maxLineBytes: Int = InputLimits.standard.maxLineBytes
    ) -> (records: [Record], warnings: [Warning]) {
        guard let handle = FileHandle(forReadingAtPath: url.path) else { return ([], []) }
        defer { try? handle.close() }
        return decode(
            type, blocks: { try? handle.read(upToCount: 1 << 20) }, displayPath: displayPath, what: what,
            maxLineBytes: maxLineBytes)
    }

    /// `read` over bytes already in memory.
    public static func decode<Record: Decodable>(
        _ type: Record.Type, from data: Data, displayPath: String, what: String = "record",
        maxLineBytes: Int = InputLimits.standard.maxLineBytes
    ) -> (records: [Record], warnings: [Warning]) {
        var remaining: Data? = data
        return decode(
            type,
            blocks: {
                defer { remaining = nil }
                return remaining
            }, displayPath: displayPath, what: what,
            maxLineBytes: maxLineBytes)
    }

    /// The line splitting and decoding of `read`, over blocks of bytes until `blocks` returns nil or nothing.
    static func decode<Record: Decodable>(
        _ type: Record.Type, blocks: () -> Data?, displayPath: String, what: String,
        maxLineBytes: Int
    ) -> (records: [Record], warnings: [Warning]) {
        var records: [Record] = []
        var warnings: [Warning] = []
        let decoder = JSONDecoder()
        var lineNumber = 0
        var line: [UInt8] = []
        var overlong = false
        func finishLine(torn: Bool) {
            lineNumber += 1
            defer {
                line.removeAll(keepingCapacity: line.count < 1 << 20)
                overlong = false
            }
            let location = SourceLocation(file: displayPath, line: lineNumber)
            if overlong {
                warnings.append(
                    Warning(
                        "line is longer than \(ByteCount.describe(maxLineBytes)) ([limits] max_line_bytes); skipped unread, "
                            + "file left as is", at: location))
                return
            }
            guard !line.isEmpty else { return }
            do {
                records.append(try decoder.decode(Record.self, from: Data(line)))
            } catch {
                let reason =
                    torn
                    ? "torn last line (the write was interrupted); skipped, file left as is"
                    : "line is not a valid \(what); skipped, file left as is"
                warnings.append(Warning(reason, at: location))
            }
        }
        while true {
            guard let block = blocks(), !block.isEmpty else { break }
            block.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
                var start = 0
                while start < bytes.count {
                    let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n"))
                    let end = newline ?? bytes.count
                    if !overlong {
                        if line.count + (end - start) > maxLineBytes {
                            overlong = true
                            line.removeAll()
                        } else {
                            line.append(contentsOf: bytes[start..<end])
                        }
                    }
                    guard newline != nil else { break }
                    finishLine(torn: false)
                    start = end + 1
                }
            }
        }
        if !line.isEmpty || overlong { finishLine(torn: true) }
        return (records, warnings)
    }
}
