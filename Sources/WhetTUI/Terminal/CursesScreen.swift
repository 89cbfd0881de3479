@preconcurrency import CNCurses
import Foundation

/// The ncurses adapter: starts and restores the terminal, reads keys, and draws a Canvas by sending ncurses
/// only the cells that differ from the previous frame (ncurses then minimises the bytes on the wire, which
/// matters over SSH). Curses is not thread-safe, so all of this lives on the main actor.
@MainActor
public final class CursesScreen {
    private var previous: Canvas? = nil
    private var pairs: [PairKey: Int16] = [:]
    private var nextPair: Int16 = 1
    private var started = false
    private var cursorVisible: Bool? = nil
    /// Whether the terminal has colours (and NO_COLOR is not set).
    public private(set) var hasColor = false
    /// Whether only the 8 basic colours exist.
    public private(set) var basicColorsOnly = false

    private struct PairKey: Hashable {
        var fg: TerminalColor
        var bg: TerminalColor
    }

    /// Makes an adapter; call `start` to take over the terminal.
    public init() {}

    /// Takes over the terminal: raw keys (so Ctrl-S, Ctrl-Q, Ctrl-C reach whet), no echo, keypad and mouse.
    public func start() {
        setlocale(LC_ALL, "")
        DisplayWidth.prepareLocale()
        setenv("ESCDELAY", "25", 0)
        initscr()
        raw()
        noecho()
        nonl()
        keypad(whet_stdscr(), true)
        wtimeout(whet_stdscr(), 0)
        mousemask(mmask_t(whet_button1_pressed() | whet_button4_pressed() | whet_button5_pressed()), nil)
        mouseinterval(0)
        let noColor = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        if has_colors() && !noColor {
            start_color()
            use_default_colors()
            hasColor = true
            basicColorsOnly = whet_colors() < 256
        }
        curs_set(0)
        cursorVisible = false
        started = true
        previous = nil
    }

    /// Gives the terminal back as it was. Safe to call twice.
    public func stop() {
        guard started else { return }
        started = false
        // A blank alternate screen before leaving it: a terminal that was resized meanwhile (tmux) may carry
        // its content into the shell's screen, as about a dozen UI lines left behind.
        werase(whet_stdscr())
        wrefresh(whet_stdscr())
        curs_set(1)
        endwin()
    }

    /// Suspends curses (for `$EDITOR`), runs `body`, then restores the screen completely.
    public func suspend(_ body: () -> Void) {
        endwin()
        body()
        refresh()
        previous = nil
        clearok(whet_stdscr(), true)
    }

    /// The terminal's size in cells.
    public var size: (width: Int, height: Int) {
        (Int(getmaxx(whet_stdscr())), Int(getmaxy(whet_stdscr())))
    }

    /// Forces the next frame to be drawn in full (after a resize or suspend).
    public func invalidate() {
        previous = nil
        clearok(whet_stdscr(), true)
    }

    /// Draws `canvas`, sending only changed cells, and places the cursor (or hides it).
    public func draw(_ canvas: Canvas, cursor: (x: Int, y: Int)?) {
        let full = previous == nil || previous?.width != canvas.width || previous?.height != canvas.height
        if full { werase(whet_stdscr()) }
        for y in 0..<canvas.height {
            for x in 0..<canvas.width {
                let cell = canvas[x, y]
                if cell.text.isEmpty { continue }
                if !full, let previous, previous[x, y] == cell,
                    x + 1 >= canvas.width || previous[x + 1, y] == canvas[x + 1, y]
                {
                    continue
                }
                put(cell, x: x, y: y)
            }
        }
        previous = canvas
        // Cursor visibility is only switched when it changes: each switch costs bytes on the wire.
        if cursorVisible != (cursor != nil) {
            cursorVisible = cursor != nil
            curs_set(cursor != nil ? 1 : 0)
        }
        if let cursor { wmove(whet_stdscr(), Int32(cursor.y), Int32(cursor.x)) }
        wnoutrefresh(whet_stdscr())
        doupdate()
    }

    /// The next key, or nil when none is waiting.
    public func readKey() -> Key? {
        var value: wint_t = 0
        let result = whet_get_key(&value)
        if result == ERR { return nil }
        if result == KEY_CODE_YES { return special(Int32(value)) }
        guard let scalar = Unicode.Scalar(UInt32(value)) else { return nil }
        switch scalar.value {
        case 0x1B:
            var next: wint_t = 0
            let follow = whet_get_key(&next)
            if follow == OK, let nextScalar = Unicode.Scalar(UInt32(next)), nextScalar == "[" || nextScalar == "O" {
                // A sequence the terminal description does not list (Home as ESC [ 1 ~ under TERM=vt100):
                // read it whole and decode it, or drop it; its bytes must never arrive as typed text.
                return EscapeSequence.decode(introducer: Character(nextScalar), body: readSequenceBody())
            }
            if follow == OK, let nextScalar = Unicode.Scalar(UInt32(next)), nextScalar.value >= 0x20,
                nextScalar.value != 0x7F
            {
                return .alt(Character(nextScalar))
            }
            // Esc followed quickly by another key: give that key back so it is not lost.
            if follow == OK { unget_wch(wchar_t(bitPattern: UInt32(next))) }
            if follow == KEY_CODE_YES { ungetch(Int32(next)) }
            return .escape
        case 0x0D, 0x0A: return .enter
        case 0x09: return .tab
        case 0x7F, 0x08: return .backspace
        case 0x01...0x1A: return .control(Character(Unicode.Scalar(scalar.value + 0x60)!))
        case 0x00: return .control(" ")
        default: return .character(Character(scalar))
        }
    }

    /// The rest of an escape sequence: parameter bytes up to and including the final byte (0x40–0x7E).
    private func readSequenceBody() -> String {
        var body = ""
        for _ in 0..<16 {
            var value: wint_t = 0
            guard whet_get_key(&value) == OK, let scalar = Unicode.Scalar(UInt32(value)) else { break }
            body.unicodeScalars.append(scalar)
            if (0x40...0x7E).contains(scalar.value) { break }
        }
        return body
    }

    private func special(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case KEY_RESIZE: return .resize
        case KEY_F0 + 1...KEY_F0 + 12: return .function(Int(code - KEY_F0))
        case KEY_MOUSE:
            var y: Int32 = 0
            var x: Int32 = 0
            var state: UInt = 0
            guard whet_get_mouse(&y, &x, &state) == OK else { return nil }
            if state & UInt(whet_button4_pressed()) != 0 { return .wheelUp(x: Int(x), y: Int(y)) }
            if state & UInt(whet_button5_pressed()) != 0 { return .wheelDown(x: Int(x), y: Int(y)) }
            if state & UInt(whet_button1_pressed()) != 0 { return .mouseClick(x: Int(x), y: Int(y)) }
            return nil
        default:
            let name = keyname(code).map { String(cString: $0) } ?? ""
            if name.hasPrefix("kLFT") { return .wordLeft }
            if name.hasPrefix("kRIT") { return .wordRight }
            if name.hasPrefix("kHOM") { return .home }
            if name.hasPrefix("kEND") { return .end }
            return nil
        }
    }

    private func put(_ cell: Cell, x: Int, y: Int) {
        var attributes = whet_a_normal()
        let style = cell.style
        if style.bold { attributes |= whet_a_bold() }
        if style.dim { attributes |= whet_a_dim() }
        if style.reverse { attributes |= whet_a_reverse() }
        if style.underline { attributes |= whet_a_underline() }
        if style.italic { attributes |= whet_a_italic() }
        let pair = hasColor ? colorPair(style.foreground, style.background) : 0
        var wide = cell.text.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
        wide.append(0)
        _ = whet_put_cell(Int32(y), Int32(x), wide, attributes, pair)
    }

    private func colorPair(_ foreground: TerminalColor, _ background: TerminalColor) -> Int16 {
        if foreground == .default && background == .default { return 0 }
        let key = PairKey(fg: foreground, bg: background)
        if let pair = pairs[key] { return pair }
        guard Int32(nextPair) < whet_color_pairs() else { return 0 }
        let pair = nextPair
        nextPair += 1
        func number(_ color: TerminalColor) -> Int16 {
            if case .indexed(let index) = color { return Int16(index) }
            return -1
        }
        init_pair(pair, number(foreground), number(background))
        pairs[key] = pair
        return pair
    }
}
