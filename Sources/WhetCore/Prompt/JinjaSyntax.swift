import Foundation

/// Jinja2 written the way Stencil reads it, one expression or tag at a time, for `TemplateScanner`: tests in
/// conditions (`x is defined` → `x|__is_defined`, `is not none` → `not x|__is_none`), filters with spaces
/// (`x | length > 0`), grouping parentheses, `True`/`False`/`None`, macro calls (`{{ name(args) }}`), and one
/// located error for each construct whet does not render (imports, `{% call %}`, inline `if`, arithmetic).
enum JinjaSyntax {
    /// Tags Jinja has and whet does not render, with what to write instead.
    static let unsupportedTags: [String: String] = [
        "import": "define the macro in this file or put the shared text in a file for {% include %}",
        "from": "define the macro in this file or put the shared text in a file for {% include %}",
        "call": "call the macro with {{ name(arguments) }}",
        "with": "use {% set %}",
        "do": "use {% set %}",
        "raw": "write the text outside a tag",
        "autoescape": "prompts are never HTML-escaped",
        "trans": "write the text itself",
    ]

    /// The whitespace-control markers of a tag's inside (`-` trims, as in Jinja), to put back around a rewrite.
    static func markers(_ inner: String) -> (open: String, close: String) {
        let trimmed = inner.trimmingCharacters(in: .whitespacesAndNewlines)
        let open = trimmed.hasPrefix("-") ? "- " : trimmed.hasPrefix("+") ? "+ " : " "
        let close = trimmed.hasSuffix("-") ? " -" : trimmed.hasSuffix("+") ? " +" : " "
        return (open, close)
    }

    /// Throws for a tag whet does not render, naming it.
    static func checkTag(_ tag: String, body: String, at location: SourceLocation) throws {
        if let instead = unsupportedTags[tag] {
            throw PromptError.templateSyntax(location, "Jinja's '{% \(tag) %}' is not supported by whet (\(instead))")
        }
        if tag == "for", body.contains("range(") {
            throw PromptError.templateSyntax(location, "Jinja's range() is not supported by whet (loop over a list)")
        }
    }

    /// Throws for a printed expression Stencil would silently print empty: inline `if`, `~` and arithmetic.
    static func checkPrinted(_ body: String, at location: SourceLocation) throws {
        let words = unquoted(body).split(separator: " ").map(String.init)
        if words.contains("if") {
            throw PromptError.templateSyntax(
                location, "Jinja's inline if ('{{ a if condition else b }}') is not supported by whet (use {% if %})")
        }
        for symbol in ["~", "+", "*", "/", "//", "%", "-"] where words.contains(symbol) {
            throw PromptError.templateSyntax(
                location, "Jinja's '\(symbol)' operator in '{{ \(body) }}' is not supported by whet")
        }
    }

    /// `text` with quoted strings blanked, so operators inside them are not seen.
    static func unquoted(_ text: String) -> String {
        var result = ""
        var quote: Character? = nil
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
                result.append(" ")
            } else if character == "\"" || character == "'" {
                quote = character
                result.append(" ")
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// The names of the macros `text` defines (`{% macro name(…) %}`).
    static func macroNames(in text: String) -> Set<String> {
        var names = Set<String>()
        var rest = Substring(text)
        while let open = rest.range(of: "{%") {
            rest = rest[open.upperBound...]
            let body = rest.drop { $0 == "-" || $0 == "+" || $0 == " " || $0 == "\n" }
            guard body.hasPrefix("macro ") else { continue }
            let name = body.dropFirst("macro ".count).drop { $0 == " " }.prefix {
                $0.isLetter || $0.isNumber || $0 == "_"
            }
            if !name.isEmpty { names.insert(String(name)) }
        }
        return names
    }

    /// `name(a, b)` as a call of one of `macros`, or nil.
    static func macroCall(_ body: String, macros: Set<String>) -> (name: String, arguments: [String])? {
        guard !macros.isEmpty, body.hasSuffix(")"), let open = body.firstIndex(of: "(") else { return nil }
        let name = body[..<open].trimmingCharacters(in: .whitespaces)
        guard macros.contains(name) else { return nil }
        let inside = body[body.index(after: open)..<body.index(before: body.endIndex)]
        return (name, JinjaTags.splitArguments(String(inside)))
    }

    /// The first quoted string of `text` (`"base.prompty"` in `{% extends "base.prompty" %}`).
    static func quoted(_ text: String) -> String? {
        guard let open = text.firstIndex(where: { $0 == "\"" || $0 == "'" }) else { return nil }
        let rest = text[text.index(after: open)...]
        guard let close = rest.firstIndex(of: text[open]) else { return nil }
        return String(rest[..<close])
    }

    /// A condition as Stencil's `{% if %}` reads it: one token per operand and operator.
    static func condition(_ text: String, at location: SourceLocation) throws -> String {
        var tokens: [String] = []
        for token in tokenize(text) {
            switch token {
            case "True", "true": tokens.append("true")
            case "False", "false": tokens.append("false")
            case "None", "none": tokens.append("nil")
            default: tokens.append(token)
            }
        }
        var result: [String] = []
        var index = 0
        while index < tokens.count {
            guard tokens[index] == "is", let subject = result.popLast() else {
                result.append(tokens[index])
                index += 1
                continue
            }
            var negated = false
            index += 1
            if index < tokens.count, tokens[index] == "not" {
                negated = true
                index += 1
            }
            var test = index < tokens.count ? tokens[index] : ""
            if test == "nil" { test = "none" }
            guard JinjaFilters.tests[test] != nil else {
                throw PromptError.templateSyntax(
                    location,
                    "Jinja's test 'is \(test)' is not supported by whet (supported: \(JinjaFilters.tests.keys.sorted().joined(separator: ", ")))"
                )
            }
            if negated { result.append("not") }
            result.append(subject + "|__is_" + test)
            index += 1
        }
        return result.joined(separator: " ")
    }

    /// Splits a condition into tokens: quoted strings whole, parentheses apart, filters joined to their
    /// operand (`x | length` → `x|length`).
    static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var quote: Character? = nil
        var joinNext = false
        func finish() {
            guard !current.isEmpty else { return }
            if joinNext, let last = tokens.popLast() {
                tokens.append(last + current)
            } else {
                tokens.append(current)
            }
            joinNext = current.hasSuffix("|") || current.hasSuffix(":") || current.hasSuffix(",")
            current = ""
        }
        for character in text {
            if let open = quote {
                current.append(character)
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
                current.append(character)
            } else if character == " " || character == "\t" || character == "\n" {
                finish()
            } else if character == "(" || character == ")" {
                finish()
                joinNext = false
                tokens.append(String(character))
            } else if character == "|", current.isEmpty, !tokens.isEmpty {
                joinNext = true
                current.append(character)
            } else {
                current.append(character)
            }
        }
        finish()
        return tokens
    }
}
