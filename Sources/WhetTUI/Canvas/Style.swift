/// A terminal colour: the terminal's default, one of the 256 xterm colours, or (for themes) a name that maps
/// to one of them.
public enum TerminalColor: Sendable, Equatable, Hashable {
    case `default`
    case indexed(UInt8)

    /// The nearest of the eight basic colours, for terminals that have only those.
    public var basic: TerminalColor {
        guard case .indexed(let index) = self, index >= 8 else { return self }
        if index < 16 { return .indexed(index - 8) }
        let rgb: (Int, Int, Int)
        if index >= 232 {
            let level = Int(index - 232) * 10 + 8
            rgb = (level, level, level)
        } else {
            let cube = Int(index) - 16
            let levels = [0, 95, 135, 175, 215, 255]
            rgb = (levels[cube / 36], levels[(cube / 6) % 6], levels[cube % 6])
        }
        let bit = { (value: Int) in value >= 128 ? 1 : 0 }
        let code = bit(rgb.0) | bit(rgb.1) << 1 | bit(rgb.2) << 2
        if code == 0 && max(rgb.0, rgb.1, rgb.2) >= 64 { return .indexed(7) }
        return .indexed(UInt8(code))
    }
}

/// How a cell looks: colours plus attributes. Attributes alone must keep the UI usable, because `NO_COLOR`
/// and monochrome terminals drop the colours.
public struct CellStyle: Sendable, Equatable, Hashable {
    public var foreground: TerminalColor = .default
    public var background: TerminalColor = .default
    public var bold = false
    public var dim = false
    public var reverse = false
    public var underline = false
    public var italic = false

    /// Makes a style.
    public init(
        foreground: TerminalColor = .default, background: TerminalColor = .default, bold: Bool = false,
        dim: Bool = false, reverse: Bool = false, underline: Bool = false, italic: Bool = false
    ) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
        self.underline = underline
        self.italic = italic
    }

    /// The plain style.
    public static let plain = CellStyle()

    /// The same attributes without colour.
    public var withoutColor: CellStyle {
        var copy = self
        copy.foreground = .default
        copy.background = .default
        return copy
    }

    /// A short code for snapshot tests: `b` bold, `d` dim, `r` reverse, `u` underline, `i` italic, `.` none.
    public var attributeCode: String {
        var code = ""
        if bold { code += "b" }
        if dim { code += "d" }
        if reverse { code += "r" }
        if underline { code += "u" }
        if italic { code += "i" }
        return code.isEmpty ? "." : code
    }
}
