/// Decodes the escape sequences a terminal sends for keys that its terminfo entry does not describe (a
/// vt100 entry with an xterm-like terminal behind it). ncurses hands those over byte by byte; read as text
/// they would type `1~` into the prompt. Known ones become keys; anything else is dropped.
enum EscapeSequence {
    /// The key for `ESC introducer body` (`ESC [ 4 ~`: introducer `[`, body `4~`), or nil to ignore it.
    static func decode(introducer: Character, body: String) -> Key? {
        guard let final = body.last else { return nil }
        let parameters = body.dropLast()
        switch final {
        case "A": return .up
        case "B": return .down
        case "C": return parameters.contains(";5") ? .wordRight : .right
        case "D": return parameters.contains(";5") ? .wordLeft : .left
        case "H": return .home
        case "F": return .end
        case "Z": return .backTab
        case "P", "Q", "R", "S": return introducer == "O" ? .function(Int(final.asciiValue ?? 80) - 79) : nil
        case "~":
            switch parameters.split(separator: ";").first {
            case "1", "7": return .home
            case "4", "8": return .end
            case "3": return .delete
            case "5": return .pageUp
            case "6": return .pageDown
            case "11": return .function(1)
            case "12": return .function(2)
            case "13": return .function(3)
            default: return nil
            }
        default: return nil
        }
    }
}
