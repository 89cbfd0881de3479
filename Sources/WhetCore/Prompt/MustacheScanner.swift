import Foundation

/// Reads a mustache template (`template: mustache`) before the engine does, for what the engine does not
/// say: which variables the template needs from outside, and where each is first used. A name printed
/// outside any section must have a value (mustache would print nothing, and a prompt missing its question
/// is a silent failure); a section's own name may be absent (that is how mustache says "if"); names inside a
/// section may be the current item's members, so they are not asked for. Partials are refused: a prompt
/// file is one template, with nothing to include from.
struct MustacheScanner {
    /// The variables used, in order of first use.
    private(set) var uses: [TemplateScanner.Use] = []

    /// Scans `text`, whose first line is line `firstLine` of `file`.
    init(_ text: String, file: String, firstLine: Int) throws {
        var line = firstLine
        var column = 1
        var sections: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            for character in rest[..<open.lowerBound] {
                if character == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            }
            let location = SourceLocation(file: file, line: line, column: column)
            let triple = rest[open.upperBound...].hasPrefix("{")
            let closer = triple ? "}}}" : "}}"
            let bodyStart = triple ? rest.index(after: open.upperBound) : open.upperBound
            guard let close = rest[bodyStart...].range(of: closer) else {
                throw PromptError.templateSyntax(location, "'\(triple ? "{{{" : "{{")' is not closed")
            }
            let tag = rest[bodyStart..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            let consumed = rest[open.lowerBound..<close.upperBound]
            if let lastBreak = consumed.lastIndex(of: "\n") {
                line += consumed.filter { $0 == "\n" }.count
                column = consumed[consumed.index(after: lastBreak)...].count + 1
            } else {
                column += consumed.count
            }
            rest = rest[close.upperBound...]

            let sigil = triple ? "&" : tag.first.map(String.init) ?? ""
            let name = MustacheScanner.root(triple ? tag : String(tag.dropFirst("#^/!>&=%$<".contains(sigil) ? 1 : 0)))
            switch sigil {
            case "!", "%": continue
            case "=": return  // custom delimiters: the rest is not read here; the engine still checks it
            case ">":
                throw PromptError.templateSyntax(
                    location, "partials ('{{> \(name)}}') are not supported: a prompt file is one template")
            case "#", "^", "$", "<":
                if sections.isEmpty, sigil == "#" || sigil == "^" { note(name, at: location, required: false) }
                sections.append(name)
            case "/":
                guard sections.popLast() == name else {
                    throw PromptError.templateSyntax(
                        location, "'{{/\(name)}}' closes a section that is not open here")
                }
            default:
                if sections.isEmpty, name != "." { note(name, at: location, required: true) }
            }
        }
        if let open = sections.last {
            throw PromptError.templateSyntax(
                SourceLocation(file: file, line: line, column: column), "section '\(open)' is not closed")
        }
    }

    /// The variable a tag reads: the first part of a dotted name, inside a transform's parentheses.
    static func root(_ tag: String) -> String {
        var name = tag.trimmingCharacters(in: .whitespaces)
        if let open = name.firstIndex(of: "("), let close = name.lastIndex(of: ")"), open < close {
            name = String(name[name.index(after: open)..<close]).trimmingCharacters(in: .whitespaces)
        }
        if name == "." { return name }
        return String(name.split(separator: ".", maxSplits: 1).first ?? Substring(name))
    }

    private mutating func note(_ name: String, at location: SourceLocation, required: Bool) {
        if let index = uses.firstIndex(where: { $0.name == name }) {
            uses[index].required = uses[index].required || required
        } else {
            uses.append(.init(name: name, line: location.line ?? 1, column: location.column ?? 1, required: required))
        }
    }
}
