// The Theme folder: colour themes read from themes/*.toml, and how they degrade on 8-colour and monochrome
// terminals.

import Foundation
import TOMLKit
import WhetCore

/// The named parts of the UI a theme styles. Each role has attributes that keep it distinguishable with no
/// colour at all (NO_COLOR, monochrome terminals), which themes may add to but not take away.
public enum ThemeRole: String, CaseIterable, Sendable {
    case text, dim, border
    case borderFocused = "border_focused"
    case title
    case titleFocused = "title_focused"
    case selection, cursor, status
    case statusKey = "status_key"
    case match, excluded, pinned, error, success, warning
    case added, removed, axis, position, overlay, unsaved

    /// Attributes the role keeps when colours are off.
    var monochrome: CellStyle {
        switch self {
        case .titleFocused, .borderFocused: return CellStyle(bold: true)
        case .selection, .status, .cursor: return CellStyle(reverse: true)
        case .statusKey: return CellStyle(bold: true, reverse: true)
        case .match, .position: return CellStyle(bold: true, underline: true)
        case .excluded, .dim, .border: return CellStyle(dim: true)
        case .error, .unsaved: return CellStyle(bold: true)
        case .added: return CellStyle(bold: true)
        case .removed: return CellStyle(dim: true, underline: true)
        default: return CellStyle()
        }
    }
}

/// A colour theme: a style per role.
public struct Theme: Sendable, Equatable {
    /// The theme's name (its file name without `.toml`).
    public var name: String
    var styles: [ThemeRole: CellStyle]
    /// Whether colours are used; false for NO_COLOR and monochrome terminals.
    public var usesColor = true
    /// Whether only the 8 basic colours are available.
    public var basicColorsOnly = false

    /// The style for `role`, adapted to the terminal's colour support.
    public func style(_ role: ThemeRole) -> CellStyle {
        var style = styles[role] ?? CellStyle()
        let mono = role.monochrome
        if !usesColor {
            style = style.withoutColor
            style.bold = style.bold || mono.bold
            style.dim = style.dim || mono.dim
            style.reverse = style.reverse || mono.reverse
            style.underline = style.underline || mono.underline
        } else if basicColorsOnly {
            style.foreground = style.foreground.basic
            style.background = style.background.basic
        }
        return style
    }

    /// The built-in dark theme, used when no theme file is found.
    public static let builtIn = Theme(
        name: "default",
        styles: [
            .text: CellStyle(), .dim: CellStyle(foreground: .indexed(245)),
            .border: CellStyle(foreground: .indexed(240)),
            .borderFocused: CellStyle(foreground: .indexed(39), bold: true),
            .title: CellStyle(foreground: .indexed(250)),
            .titleFocused: CellStyle(foreground: .indexed(39), bold: true),
            .selection: CellStyle(foreground: .indexed(231), background: .indexed(24)),
            .cursor: CellStyle(reverse: true),
            .status: CellStyle(foreground: .indexed(252), background: .indexed(236)),
            .statusKey: CellStyle(foreground: .indexed(231), background: .indexed(236), bold: true),
            .match: CellStyle(foreground: .indexed(16), background: .indexed(220)),
            .excluded: CellStyle(foreground: .indexed(242), dim: true), .pinned: CellStyle(foreground: .indexed(214)),
            .error: CellStyle(foreground: .indexed(203), bold: true), .success: CellStyle(foreground: .indexed(114)),
            .warning: CellStyle(foreground: .indexed(214)),
            .added: CellStyle(foreground: .indexed(114)), .removed: CellStyle(foreground: .indexed(203)),
            .axis: CellStyle(foreground: .indexed(245)), .position: CellStyle(foreground: .indexed(214), bold: true),
            .overlay: CellStyle(foreground: .indexed(252), background: .indexed(235)),
            .unsaved: CellStyle(foreground: .indexed(214), bold: true),
        ])
}

/// What can be wrong with a theme file: where and what, as values.
public struct ThemeError: Diagnosable {
    public var diagnosis: Diagnosis

    /// A problem `message` at `location` (the file, or the line and column in it).
    init(at location: SourceLocation?, _ message: String) { diagnosis = Diagnosis(at: location, message) }
}

/// Reads `themes/NAME.toml`:
/// ```toml
/// name = "dark"
/// [styles]
/// border_focused = { fg = "cyan", attrs = ["bold"] }
/// selection = { fg = 231, bg = 24 }
/// ```
/// Colours are names (`black` … `white`, `bright-black` … `bright-white`, `default`) or xterm numbers 0–255.
public enum ThemeLoader {
    static let colorNames: [String: UInt8] = [
        "black": 0, "red": 1, "green": 2, "yellow": 3, "blue": 4, "magenta": 5, "cyan": 6, "white": 7,
        "bright-black": 8, "bright-red": 9, "bright-green": 10, "bright-yellow": 11, "bright-blue": 12,
        "bright-magenta": 13, "bright-cyan": 14, "bright-white": 15, "gray": 8, "grey": 8,
    ]

    /// The names of the themes in `directory`, sorted.
    public static func available(in directory: URL) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// Loads `directory/NAME.toml`; roles it leaves out keep the built-in style.
    public static func load(named name: String, from directory: URL) throws -> Theme {
        let url = directory.appendingPathComponent("\(name).toml")
        let path = url.path
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            let known = available(in: directory)
            throw ThemeError(
                at: nil,
                "no theme '\(name)' (\(path)); themes: \(known.isEmpty ? "none" : known.joined(separator: ", "))"
            )
        }
        let table: TOMLTable
        do {
            table = try SafeTOML.parse(text)
        } catch let failure as SafeTOML.Failure {
            throw ThemeError(
                at: SourceLocation(file: path, line: failure.line, column: failure.column),
                "malformed TOML: \(failure.message)")
        } catch let error as TOMLParseError {
            throw ThemeError(
                at: SourceLocation(file: path, line: error.source.begin.line, column: error.source.begin.column),
                "malformed TOML: \(error.description)")
        }
        var theme = Theme.builtIn
        theme.name = name
        guard let styles = table["styles"]?.table else { return theme }
        for key in styles.keys {
            guard let role = ThemeRole(rawValue: key) else {
                throw ThemeError(
                    at: SourceLocation(file: path),
                    "unknown style '\(key)'; expected one of \(ThemeRole.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            guard let entry = styles[key]?.table else {
                throw ThemeError(
                    at: SourceLocation(file: path), "style '\(key)': expected a table like { fg = \"cyan\" }")
            }
            var style = CellStyle()
            style.foreground = try color(entry["fg"], key: key, path: path)
            style.background = try color(entry["bg"], key: key, path: path)
            for attribute in entry["attrs"]?.array.map({ Array($0) }) ?? [] {
                switch attribute.string {
                case "bold": style.bold = true
                case "dim": style.dim = true
                case "reverse": style.reverse = true
                case "underline": style.underline = true
                case "italic": style.italic = true
                default:
                    throw ThemeError(
                        at: SourceLocation(file: path),
                        "style '\(key)': expected attrs from bold, dim, reverse, underline, italic, found \(attribute.string.map { "'\($0)'" } ?? "a non-string")"
                    )
                }
            }
            theme.styles[role] = style
        }
        return theme
    }

    static func color(_ value: TOMLValueConvertible?, key: String, path: String) throws -> TerminalColor {
        guard let value else { return .default }
        if let number = value.int {
            guard (0...255).contains(number) else {
                throw ThemeError(
                    at: SourceLocation(file: path), "style '\(key)': expected a colour number 0–255, found \(number)")
            }
            return .indexed(UInt8(number))
        }
        if let name = value.string {
            if name == "default" { return .default }
            if let index = colorNames[name] { return .indexed(index) }
        }
        throw ThemeError(
            at: SourceLocation(file: path),
            "style '\(key)': expected a colour name (\(colorNames.keys.sorted().joined(separator: ", ")), default) or 0–255"
        )
    }
}
