/// Removes terminal control sequences from text that came from outside (model output, documents, file
/// names) before it is shown, so a hostile or broken document cannot move the cursor, change colours,
/// set the window title or hide text. Newlines and tabs are kept; every other control character goes.
public enum ControlSequenceFilter {
    /// `text` with escape sequences (CSI, OSC, DCS …) and other control characters removed.
    public static func sanitize(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var output = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            if scalar == "\u{1B}" {
                skipEscape(&scalars)
            } else if scalar == "\n" || scalar == "\t" || !isControl(scalar) {
                output.append(scalar)
            }
        }
        return String(output)
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
    }

    /// Consumes the rest of an escape sequence: CSI (`ESC [` … final byte), string sequences (`ESC ]`, `P`,
    /// `X`, `^`, `_` … BEL or `ESC \`), or a two-character escape.
    static func skipEscape(_ scalars: inout String.UnicodeScalarView.Iterator) {
        guard let introducer = scalars.next() else { return }
        switch introducer {
        case "[":
            while let next = scalars.next() { if (0x40...0x7E).contains(next.value) { return } }
        case "]", "P", "X", "^", "_":
            var previous: Unicode.Scalar? = nil
            while let next = scalars.next() {
                if next == "\u{07}" || (previous == "\u{1B}" && next == "\\") { return }
                previous = next
            }
        default:
            return
        }
    }
}
