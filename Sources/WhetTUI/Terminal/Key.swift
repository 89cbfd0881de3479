// The Terminal folder: the only code that talks to ncurses. Everything else sees Keys in and a Canvas out.

/// One input event, decoded from the terminal.
public enum Key: Sendable, Equatable, Hashable {
    case character(Character)
    case control(Character)  // Ctrl plus a letter, lower-case: .control("s")
    case alt(Character)
    case enter, tab, backTab, escape, backspace, delete
    case up, down, left, right, home, end, pageUp, pageDown
    case wordLeft, wordRight
    case function(Int)
    case resize
    case mouseClick(x: Int, y: Int)
    case wheelUp(x: Int, y: Int)
    case wheelDown(x: Int, y: Int)
    case hangup
}
