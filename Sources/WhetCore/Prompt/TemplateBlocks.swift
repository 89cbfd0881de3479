import Foundation

/// The line-level view of a Jinja body that splitting it into messages needs: how deep in `{% for %}`, `{% if %}`
/// and other blocks a line leaves the template (a role line inside a block belongs to the block), whether a
/// section may print role lines, and the split of rendered text on them.
enum TemplateBlocks {
    /// Tags that open a block closed by `end` + the tag's name.
    static let blockTags: Set<String> = [
        "for", "if", "macro", "call", "filter", "block", "raw", "with", "autoescape",
    ]

    /// How many blocks `line` opens less how many it closes (`{% set x %}` without `=` opens one).
    static func depthChange(_ line: String) -> Int {
        guard line.contains("{%") else { return 0 }
        var change = 0
        var rest = Substring(line)
        while let open = rest.range(of: "{%") {
            let inside = rest[open.upperBound...]
            let close = inside.range(of: "%}")?.lowerBound ?? inside.endIndex
            let body = inside[..<close].drop { $0 == "-" || $0 == "+" || $0 == " " || $0 == "\t" }
            let tag = String(body.prefix { $0.isLetter || $0 == "_" })
            if blockTags.contains(tag) || (tag == "set" && !body.contains("=")) {
                change += 1
            } else if tag.hasPrefix("end"), blockTags.contains(String(tag.dropFirst(3))) || tag == "endset" {
                change -= 1
            }
            rest = inside[close...]
        }
        return change
    }

    /// Whether a section's lines may print a role line: one inside a block, one printed (`{{ role }}:`), or text
    /// from another file (`{% include %}`, `{% extends %}`).
    static func mayPrintRoleLines(_ lines: [String]) -> Bool {
        lines.contains { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return RoleLine(line) != nil || (trimmed.hasSuffix(":") && trimmed.contains("}}"))
                || trimmed.contains("{% include") || trimmed.contains("{%- include") || trimmed.contains("{% extends")
                || trimmed.contains("{%- extends")
        }
    }

    /// Rendered text split on the role lines in it: the text above the first keeps `role` (left out when blank and
    /// followed by others), each role line starts a message.
    static func split(_ content: String, role: ChatMessage.Role, name: String?) -> [ChatMessage] {
        var pieces: [(role: ChatMessage.Role, name: String?, lines: [Substring])] = [(role, name, [])]
        for line in content.split(separator: "\n", omittingEmptySubsequences: false) {
            if let roleLine = RoleLine(String(line)) {
                pieces.append((roleLine.role, roleLine.attributes["name"], []))
            } else {
                pieces[pieces.count - 1].lines.append(line)
            }
        }
        var messages = pieces.map { piece in
            ChatMessage(
                role: piece.role,
                content: piece.lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines),
                name: piece.name)
        }
        if messages.count > 1, messages[0].content.isEmpty { messages.removeFirst() }
        return messages
    }
}
