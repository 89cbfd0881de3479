/// The one sanitiser for text that came from outside (file names and paths, headings, document text, model
/// output, server messages, model ids, session titles, eval descriptions) before it reaches a terminal, the
/// CLI's and the workbench's alike. Nothing in it can act on the terminal, and nothing is silently dropped:
///
/// - C0 control characters are shown in caret notation (`ESC` → `^[`, `BEL` → `^G`), so an escape sequence in a
///   file name shows as `^[]0;title^G` instead of setting the window title; `DEL` is `^?`;
/// - C1 controls (U+0080–U+009F, which some terminals obey as 8-bit escapes) are shown as `<U+009B>`;
/// - bidirectional embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069), which can make
///   text display in another order than it is read (CVE-2021-42574, "Trojan Source"), are shown as
///   `<U+202E>` and not obeyed;
/// - newlines and tabs are kept; a CR that ends a CRLF pair is dropped, a lone CR (which would let later text
///   overwrite the line) is shown as `^M`.
///
/// The mapping is per character with no state, so a stream may be sanitised piece by piece in any split.
public enum TerminalText {
    /// `text` made safe and visible for a terminal.
    public static func visible(_ text: String) -> String {
        guard needsEscaping(text) else { return text }
        var output = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            switch scalar.value {
            case 0x0A, 0x09:
                output.append(scalar)
            case 0x0D:
                if index + 1 < scalars.count, scalars[index + 1] == "\n" { continue }
                output.append(contentsOf: "^M".unicodeScalars)
            case 0..<0x20:
                output.append("^")
                output.append(Unicode.Scalar(UInt8(scalar.value + 0x40)))
            case 0x7F:
                output.append(contentsOf: "^?".unicodeScalars)
            default:
                if isHidden(scalar) {
                    output.append(contentsOf: codePoint(scalar).unicodeScalars)
                } else {
                    output.append(scalar)
                }
            }
        }
        return String(output)
    }

    /// Whether `text` holds anything `visible` would change (the common case, plain text, costs one scan).
    public static func needsEscaping(_ text: String) -> Bool {
        text.utf8.contains {
            $0 < 0x20 && $0 != 0x0A && $0 != 0x09 || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 || $0 == 0x0D
        }
            && text.unicodeScalars.contains { isUnsafe($0) }
    }

    /// A scalar `visible` replaces.
    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar.value != 0x0A && scalar.value != 0x09) || scalar.value == 0x7F
            || isHidden(scalar)
    }

    /// C1 controls and bidirectional formatting controls: shown by code point.
    static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return (0x80...0x9F).contains(value) || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
    }

    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "<U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ">"
    }
}
