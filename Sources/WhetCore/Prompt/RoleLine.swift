import Foundation

/// A line that starts a message, as Prompty's runtimes recognise it: a role name and a colon alone on the line
/// (`system:`), optionally as a Markdown heading (`# user:`) and with attributes in brackets
/// (`system[name="seth"]:`), the role's case ignored. Anything else on the line makes it text, so "The user: said"
/// never splits a message.
struct RoleLine: Equatable {
    /// Whose message the line starts.
    var role: ChatMessage.Role
    /// The attributes in brackets, by name (`name` is sent with the message).
    var attributes: [String: String] = [:]

    /// The role line `line` is, or nil when it is text.
    init?(_ line: String) {
        var rest = Substring(line.trimmingCharacters(in: .whitespaces))
        if rest.first == "#" { rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" } }
        guard rest.last == ":" else { return nil }
        rest = rest.dropLast()
        while rest.last == " " || rest.last == "\t" { rest = rest.dropLast() }
        let name = rest.prefix { $0.isLetter }
        guard let role = ChatMessage.Role(rawValue: name.lowercased()), ChatMessage.sectionRoles.contains(role) else {
            return nil
        }
        self.role = role
        let after = rest.dropFirst(name.count)
        if after.isEmpty { return }
        guard after.first == "[", after.last == "]", let attributes = RoleLine.attributes(after.dropFirst().dropLast())
        else { return nil }
        self.attributes = attributes
    }

    /// `name="seth", id=3` as a dictionary; nil when it is not a list of `key=value`.
    private static func attributes(_ text: Substring) -> [String: String]? {
        var result: [String: String] = [:]
        var rest = text
        while true {
            rest = rest.drop { $0 == " " || $0 == "," }
            if rest.isEmpty { return result }
            let key = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            rest = rest.dropFirst(key.count).drop { $0 == " " }
            guard !key.isEmpty, rest.first == "=" else { return nil }
            rest = rest.dropFirst().drop { $0 == " " }
            var value: Substring
            if let quote = rest.first, quote == "\"" || quote == "'" {
                guard let close = rest.dropFirst().firstIndex(of: quote) else { return nil }
                value = rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...]
            } else {
                value = rest.prefix { $0 != "," }
                rest = rest.dropFirst(value.count)
                while value.last == " " { value = value.dropLast() }
            }
            result[String(key)] = String(value)
        }
    }
}
