import TOMLKit

/// The only way whet parses TOML. TOMLKit wraps toml++, whose parser assumes (an `assert` in debug builds,
/// an optimiser hint in release builds) that a table header's name starts with a key character; a file with
/// `[@name]` aborted whet (found by fuzzing the whet.toml loader). This scan finds such headers first and
/// reports them as an ordinary located error, so toml++ only sees text that cannot trip it there.
public enum SafeTOML {
    /// A problem found before parsing: where, and what was expected and found.
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var column: Int
        public var message: String

        public var description: String { message }
    }

    /// Parses `text`, or throws `Failure` (found by the scan) or TOMLKit's `TOMLParseError`.
    public static func parse(_ text: String) throws -> TOMLTable {
        try precheck(text)
        return try TOMLTable(string: text)
    }

    /// Checks every table header's first name character, following strings, comments and multi-line
    /// arrays so that a `[` inside a value is never mistaken for a header.
    public static func precheck(_ text: String) throws {
        let bytes = Array(text.utf8)
        // A byte-order mark is skipped by toml++ as it is here, so a header right after it is still a header.
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var index = start
        var line = 1
        var lineStart = start
        var depth = 0  // open [ and { inside a value
        var inValue = false  // after `=` until the value ends
        func at(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }
        func skipString(_ quote: UInt8) {
            let multi = at(1) == quote && at(2) == quote
            index += multi ? 3 : 1
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\n") {
                    if !multi { return }  // an unterminated string: toml++ reports it
                    line += 1
                    lineStart = index + 1
                } else if byte == UInt8(ascii: "\\"), quote == UInt8(ascii: "\"") {
                    index += 1
                } else if byte == quote {
                    if !multi {
                        index += 1
                        return
                    }
                    if at(1) == quote, at(2) == quote {
                        index += 3
                        while at(0) == quote { index += 1 }
                        return
                    }
                }
                index += 1
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\n"):
                line += 1
                lineStart = index + 1
                if depth == 0 { inValue = false }
                index += 1
            case UInt8(ascii: "#"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                skipString(byte)
            case UInt8(ascii: "="):
                if depth == 0 { inValue = true }
                index += 1
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                if inValue || depth > 0 {
                    depth += 1
                } else if byte == UInt8(ascii: "["), bytes[lineStart..<index].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    try checkHeader(bytes, from: index, line: line, lineStart: lineStart)
                }
                index += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                if depth > 0 { depth -= 1 }
                index += 1
            default:
                index += 1
            }
        }
    }

    private static func checkHeader(_ bytes: [UInt8], from start: Int, line: Int, lineStart: Int) throws {
        var index = start + 1
        if index < bytes.count, bytes[index] == UInt8(ascii: "[") { index += 1 }
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
        guard index < bytes.count else { return }
        let byte = bytes[index]
        let isKeyStart =
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "]")
        guard !isKeyStart else { return }
        var end = index + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }  // the whole UTF-8 character
        let found = String(decoding: bytes[index..<end], as: UTF8.self)
        let shown = found == "\n" ? "the end of the line" : found == "\r" ? "a carriage return" : "'\(found)'"
        throw Failure(
            line: line, column: index - lineStart + 1,
            message: "expected a table name (letters, digits, '_', '-' or a quoted name) after '[', found \(shown)")
    }
}
