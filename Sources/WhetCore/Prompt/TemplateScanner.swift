import Foundation

/// Reads a Jinja-style template before the engine does: finds every `{{ … }}`, `{% … %}` and `{# … #}` with
/// its line and column (so an unclosed one is reported where it opens), works out which variables the
/// template needs from outside (the roots of what it prints or loops over, less loop variables), and writes
/// the Jinja spellings the engine does not know in its own (`loop.index` → `forloop.counter`,
/// `default("x")` → `default:"x"`).
struct TemplateScanner {
    /// A variable the template uses, where it is first used, and whether it must have a value (printed or
    /// looped over outside any `{% if %}`, without a `default` filter).
    struct Use: Equatable {
        var name: String
        var line: Int
        var column: Int
        var required: Bool
    }

    /// The template with Jinja spellings rewritten for the engine.
    private(set) var translated = ""
    /// The variables used, in order of first use.
    private(set) var uses: [Use] = []
    /// Names the template gives values itself (`{% set %}`, macros): never asked of the user.
    private(set) var assigned: Set<String> = []
    /// Names set or defined outside any loop: they live for the whole render (`SetSlot`), as in Jinja.
    private(set) var renderScoped: Set<String> = []
    /// The files `{% include %}` and `{% extends %}` name, in order.
    private(set) var files: [String] = []
    /// The macros the template defines, so `{{ name(…) }}` is read as a call.
    private let macros: Set<String>

    /// Words that are never variables: literals, operators, and the loop's own record.
    static let reserved: Set<String> = [
        "true", "false", "True", "False", "nil", "none", "None", "null", "and", "or", "not", "in", "is",
        "forloop", "loop", "block", "super",
    ]

    /// Scans `text`, whose first line is line `firstLine` of `file`.
    init(_ text: String, file: String, firstLine: Int) throws {
        macros = JinjaSyntax.macroNames(in: text)
        let characters = Array(text)
        var index = 0
        var line = firstLine
        var column = 1
        var loopScopes: [Set<String>] = []
        var conditionalDepth = 0

        func advance(_ count: Int) {
            for _ in 0..<count where index < characters.count {
                if characters[index] == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                index += 1
            }
        }

        while index < characters.count {
            let opens =
                index + 1 < characters.count && characters[index] == "{" && "{%#".contains(characters[index + 1])
            guard opens else {
                translated.append(characters[index])
                advance(1)
                continue
            }
            let kind = characters[index + 1]
            let closer: Character = kind == "{" ? "}" : kind == "%" ? "%" : "#"
            let location = SourceLocation(file: file, line: line, column: column)
            var end = index + 2
            while end + 1 < characters.count, !(characters[end] == closer && characters[end + 1] == "}") { end += 1 }
            guard end + 1 < characters.count else {
                throw kind == "{"
                    ? PromptError.unclosedPlaceholder(location)
                    : PromptError.templateSyntax(location, "unclosed '{\(kind)': expected '\(closer)}'")
            }
            let inner = String(characters[(index + 2)..<end])
            let body = inner.trimmingCharacters(in: CharacterSet(charactersIn: "-+").union(.whitespacesAndNewlines))
            let (open, close) = JinjaSyntax.markers(inner)
            switch kind {
            case "{":
                try JinjaSyntax.checkPrinted(body, at: location)
                if let call = JinjaSyntax.macroCall(body, macros: macros) {
                    for argument in call.arguments {
                        try recordArgument(argument, at: location, required: conditionalDepth == 0, loops: loopScopes)
                    }
                    translated +=
                        "{%" + open + "__call " + call.name + " " + call.arguments.joined(separator: ", ")
                        + close + "%}"
                } else {
                    try record(expression: body, at: location, required: conditionalDepth == 0, loops: loopScopes)
                    translated += "{{" + Self.translate(inner) + "}}"
                }
            case "%":
                let words = body.split(separator: " ", maxSplits: 1).map(String.init)
                let tag = words.first ?? ""
                let rest = words.count > 1 ? words[1] : ""
                var rewritten = inner
                try JinjaSyntax.checkTag(tag, body: body, at: location)
                switch tag {
                case "for":
                    guard let inRange = rest.range(of: " in ") else {
                        throw PromptError.templateSyntax(
                            location, "expected '{% for NAME in LIST %}', found '{% \(body) %}'")
                    }
                    let names = rest[..<inRange.lowerBound].split(separator: ",").map {
                        $0.trimmingCharacters(in: .whitespaces)
                    }
                    let source = String(rest[inRange.upperBound...])
                    try record(expression: source, at: location, required: conditionalDepth == 0, loops: loopScopes)
                    loopScopes.append(Set(names))
                case "endfor": if !loopScopes.isEmpty { loopScopes.removeLast() }
                case "if", "elif", "ifnot":
                    if tag != "elif" { conditionalDepth += 1 }
                    let condition = try JinjaSyntax.condition(Self.translate(rest), at: location)
                    for word in Self.identifiers(in: condition) {
                        try record(expression: word, at: location, required: false, loops: loopScopes)
                    }
                    rewritten = open + tag + " " + condition + close
                case "endif": conditionalDepth = max(0, conditionalDepth - 1)
                case "set":
                    let parts = rest.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    if parts.count == 2 {
                        try recordArgument(parts[1], at: location, required: false, loops: loopScopes)
                    }
                    if let name = parts.first, !name.isEmpty {
                        assigned.insert(name)
                        if loopScopes.isEmpty { renderScoped.insert(name) }
                    }
                    // In a loop, Jinja scopes the name to the iteration: it never changes the one outside.
                    if !loopScopes.isEmpty { rewritten = open + "__set_local " + rest + close }
                case "macro":
                    let name = String(rest.prefix { $0 != "(" }).trimmingCharacters(in: .whitespaces)
                    assigned.insert(name)
                    renderScoped.insert(name)
                    let list = rest.drop { $0 != "(" }.dropFirst().dropLast()
                    loopScopes.append(
                        Set(
                            JinjaTags.splitArguments(String(list)).map {
                                String($0.prefix { $0 != "=" }).trimmingCharacters(in: .whitespaces)
                            }))
                    conditionalDepth += 1
                case "endmacro":
                    if !loopScopes.isEmpty { loopScopes.removeLast() }
                    conditionalDepth = max(0, conditionalDepth - 1)
                case "include", "extends":
                    if let name = JinjaSyntax.quoted(rest) { files.append(name) }
                default: break
                }
                translated += "{%" + (rewritten == inner ? Self.translate(inner) : rewritten) + "%}"
            default:
                translated += "{#" + inner + "#}"
            }
            advance(end + 2 - index)
        }
    }

    /// Notes the root variable of `expression` (`customer` in `customer.firstName|upper`).
    private mutating func record(expression: String, at location: SourceLocation, required: Bool, loops: [Set<String>])
        throws
    {
        let trimmed = expression.trimmingCharacters(in: .whitespaces)
        guard let first = trimmed.first else {
            throw PromptError.invalidVariableName(location, found: expression)
        }
        if JinjaSyntax.unquoted(trimmed).contains("\\") {
            // Jinja2 refuses it too; it is usually a Markdown formatter's escape (`past\_messages`).
            throw PromptError.templateSyntax(
                location,
                "unexpected '\\' in '\(trimmed)' (Jinja has no escapes outside quotes; was it '\\_' from a Markdown formatter?)"
            )
        }
        if first == "\"" || first == "'" { return }
        if first.isNumber || first == "-" {
            let literal = trimmed.prefix { $0 != "|" && $0 != " " }
            if Double(literal) != nil { return }
            throw PromptError.invalidVariableName(location, found: trimmed)
        }
        let root = String(trimmed.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
        guard !root.isEmpty, root.first?.isNumber == false else {
            throw PromptError.invalidVariableName(location, found: trimmed)
        }
        if Self.reserved.contains(root) || assigned.contains(root) || loops.contains(where: { $0.contains(root) }) {
            return
        }
        let defaulted = trimmed.contains("|default") || trimmed.contains("| default")
        let mustHave = required && !defaulted
        if let known = uses.firstIndex(where: { $0.name == root }) {
            if mustHave && !uses[known].required {
                uses[known].required = true
                uses[known].line = location.line ?? uses[known].line
                uses[known].column = location.column ?? uses[known].column
            }
        } else {
            uses.append(Use(name: root, line: location.line ?? 1, column: location.column ?? 1, required: mustHave))
        }
    }

    /// Notes the root of a macro argument or `{% set %}` value (`name=value` keyword arguments by their value;
    /// literal lists and objects use nothing).
    private mutating func recordArgument(
        _ argument: String, at location: SourceLocation, required: Bool, loops: [Set<String>]
    ) throws {
        let value = JinjaTags.keyword(argument)?.1 ?? argument
        guard let first = value.first, first != "[", first != "{" else { return }
        try record(expression: value, at: location, required: required, loops: loops)
    }

    /// The identifiers of a condition (`a and not b.c == "x"` → a, b).
    static func identifiers(in expression: String) -> [String] {
        var result: [String] = []
        var current = ""
        var quote: Character? = nil
        var afterDot = false
        for character in expression + " " {
            if let open = quote {
                if character == open { quote = nil }
                continue
            }
            if character == "\"" || character == "'" {
                quote = character
                continue
            }
            if character.isLetter || character.isNumber || character == "_" {
                current.append(character)
                continue
            }
            if !current.isEmpty, !afterDot, current.first?.isNumber == false, !reserved.contains(current) {
                result.append(current)
            }
            afterDot = character == "." || character == "|" || character == ":"
            current = ""
        }
        return result
    }

    /// Jinja spellings written as the engine spells them: the loop record, filters with parenthesised
    /// arguments.
    static func translate(_ text: String) -> String {
        var out = text
        for (jinja, engine) in [
            ("loop.index0", "forloop.counter0"), ("loop.index", "forloop.counter"), ("loop.first", "forloop.first"),
            ("loop.last", "forloop.last"), ("loop.length", "forloop.length"), (".items()", ""),
            ("super()", "block.super"),
        ] {
            out = out.replacingOccurrences(of: jinja, with: engine)
        }
        // `|name(args)` → `|name:args` (one argument list, as Jinja filters in prompts use them).
        var result = ""
        var characters = Array(out)[...]
        while let bar = characters.firstIndex(of: "|") {
            result += String(characters[characters.startIndex...bar])
            characters = characters[(bar + 1)...]
            let name = characters.prefix { $0 == " " || $0.isLetter || $0 == "_" }
            let afterName = characters.dropFirst(name.count)
            if afterName.first == "(", let close = Self.closingParenthesis(afterName) {
                let arguments = afterName[(afterName.startIndex + 1)..<close]
                result += String(name).trimmingCharacters(in: .whitespaces) + ":" + String(arguments)
                characters = afterName[(close + 1)...]
            }
        }
        return result + String(characters)
    }

    private static func closingParenthesis(_ text: ArraySlice<Character>) -> Int? {
        var depth = 0
        var quote: Character? = nil
        for index in text.indices {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "(" {
                depth += 1
            } else if character == ")" {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return nil
    }
}
