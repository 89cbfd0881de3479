import XCTest

@testable import WhetTUI

final class ThemeTests: XCTestCase {
    func testTheShippedThemesLoad() throws {
        XCTAssertEqual(ThemeLoader.available(in: themesDirectory), ["default", "high-contrast", "light"])
        for name in ["default", "light", "high-contrast"] {
            let theme = try ThemeLoader.load(named: name, from: themesDirectory)
            XCTAssertEqual(theme.name, name)
        }
        let light = try ThemeLoader.load(named: "light", from: themesDirectory)
        XCTAssertEqual(light.style(.selection).background, .indexed(153))
    }

    func testWithoutColourEveryRoleKeepsADistinguishingAttribute() throws {
        var theme = try ThemeLoader.load(named: "default", from: themesDirectory)
        theme.usesColor = false
        XCTAssertEqual(theme.style(.selection).foreground, .default)
        XCTAssertTrue(theme.style(.selection).reverse)
        XCTAssertTrue(theme.style(.titleFocused).bold)
        XCTAssertTrue(theme.style(.match).underline)
        XCTAssertTrue(theme.style(.excluded).dim)
    }

    func testEightColourTerminalsGetTheNearestBasicColour() {
        var theme = Theme.builtIn
        theme.basicColorsOnly = true
        XCTAssertEqual(theme.style(.error).foreground, .indexed(1), "203 is a red")
        XCTAssertEqual(TerminalColor.indexed(12).basic, .indexed(4))
        XCTAssertEqual(TerminalColor.indexed(3).basic, .indexed(3))
    }

    func testBadThemeFilesAreReportedClearly() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("themes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "[styles]\nborder = { fg = \"chartreuse\" }\n".write(
            to: directory.appendingPathComponent("bad.toml"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ThemeLoader.load(named: "bad", from: directory)) { error in
            XCTAssertTrue("\(error)".contains("style 'border': expected a colour name"), "\(error)")
        }
        try "[styles\n".write(to: directory.appendingPathComponent("broken.toml"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ThemeLoader.load(named: "broken", from: directory)) { error in
            XCTAssertTrue("\(error)".contains("broken.toml:1:"), "\(error)")
        }
        XCTAssertThrowsError(try ThemeLoader.load(named: "missing", from: directory)) { error in
            XCTAssertTrue("\(error)".contains("no theme 'missing'"), "\(error)")
        }
    }
}
