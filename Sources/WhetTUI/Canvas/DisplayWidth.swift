// The Canvas folder: an off-screen grid of styled cells that widgets draw into. It knows nothing about the
// terminal, so render tests draw the real panes into it and compare text.

import CWidth
import Foundation
import WhetCore

/// How many terminal columns a character takes: 2 for CJK and emoji, 0 for combining marks and other
/// zero-width scalars, 1 otherwise. One function serves layout and drawing, so they never disagree.
public enum DisplayWidth {
    /// Makes `wcwidth` know wide characters; call once at start-up (and in tests).
    public static func prepareLocale() { _ = whet_use_utf8_ctype() }

    /// The width of one grapheme cluster.
    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if first.value < 0x20 || first.value == 0x7F { return 0 }
        if first.value < 0x7F { return 1 }
        // An emoji presentation selector makes a narrow emoji base take two columns, as terminals draw it.
        if scalars.contains(where: { $0.value == 0xFE0F }), first.properties.isEmoji { return 2 }
        let width = Int(wcwidth(wchar_t(bitPattern: first.value)))
        if width < 0 { return first.properties.isEmojiPresentation ? 2 : 1 }
        return width
    }

    /// The width of a string.
    public static func of(_ text: some StringProtocol) -> Int {
        text.reduce(0) { $0 + of($1) }
    }

    /// The longest prefix of `text` that fits in `columns`.
    public static func prefix(_ text: String, fitting columns: Int) -> String {
        var used = 0
        var result = ""
        for character in text {
            let width = of(character)
            if used + width > columns { break }
            used += width
            result.append(character)
        }
        return result
    }
}

/// Makes text from outside safe and visible for the grid: control characters and escape sequences are shown
/// as caret notation (`^[`, `^G`) and bidi controls by code point (`TerminalText`, the sanitiser the CLI
/// uses too), so nothing reaches the terminal that could move the cursor or change its state, yet the user
/// sees that something was there.
public enum VisibleText {
    /// `text` made visible (`TerminalText.visible`), with tabs as spaces to the next multiple of four.
    public static func escape(_ text: String) -> String {
        let visible = TerminalText.visible(text)
        return visible.contains("\t") ? visible.replacingOccurrences(of: "\t", with: "    ") : visible
    }
}
