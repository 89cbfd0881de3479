import Foundation
import Stencil

/// Jinja2's `{% set %}` and `{% macro %}` for Stencil, which has neither. Prompts written for Prompty's Jinja2
/// renderer use both; `TemplateScanner` writes a macro call (`{{ greet("Ada") }}`) as `{% __call greet "Ada" %}`
/// so Stencil can parse it.
enum JinjaTags {
    /// Registers the tags on `extension`.
    static func register(on extension: Extension) {
        `extension`.registerTag("set", parser: SetNode.parse)
        `extension`.registerTag("__set_local", parser: SetNode.parse)
        `extension`.registerTag("macro", parser: MacroNode.parse)
        `extension`.registerTag("__call", parser: CallNode.parse)
    }

    /// `a, "b, c", d|upper` split on the commas outside quotes, brackets and parentheses, each trimmed.
    static func splitArguments(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character? = nil
        var depth = 0
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if "([{".contains(character) {
                depth += 1
            } else if ")]}".contains(character) {
                depth -= 1
            } else if character == ",", depth == 0 {
                parts.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
                continue
            }
            current.append(character)
        }
        let last = current.trimmingCharacters(in: .whitespaces)
        if !last.isEmpty || !parts.isEmpty { parts.append(last) }
        return parts
    }

    /// `name=value` as (name, value); nil when `text` is not a keyword argument.
    static func keyword(_ text: String) -> (String, String)? {
        guard let equals = text.firstIndex(of: "="), text[text.index(after: equals)...].first != "=" else {
            return nil
        }
        let name = text[..<equals].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        return (name, text[text.index(after: equals)...].trimmingCharacters(in: .whitespaces))
    }

    /// An expression Stencil can resolve: a variable with filters, a string or number, or a JSON-style list or
    /// object literal (`["a", "b"]`, `{'k': 1}`).
    static func resolvable(_ text: String, parser: TokenParser, token: Token) throws -> Resolvable {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let first = trimmed.first, first == "[" || first == "{" {
            let json = trimmed.replacingOccurrences(of: "'", with: "\"")
            guard let value = try? JSONParser.parse(json) else {
                throw TemplateSyntaxError("expected a variable, a literal or a list, found '\(trimmed)'")
            }
            return Literal(value: TemplateValue.engineValue(value))
        }
        guard !trimmed.isEmpty, !trimmed.contains(" ~ "), !trimmed.contains(" + ") else {
            throw TemplateSyntaxError(
                "expressions with operators are not supported here (expected a variable with filters or a literal), found '\(trimmed)'"
            )
        }
        return try parser.compileFilter(trimmed, containedIn: token)
    }

    /// A fixed value.
    struct Literal: Resolvable {
        let value: Any?
        func resolve(_ context: Context) throws -> Any? { value }
    }
}

/// A variable a `{% set %}` outside any loop assigns: one box for the whole render, so the value outlives the
/// `{% if %}` that set it, as in Jinja (Stencil gives every block a scope of its own).
final class SetSlot: Resolvable {
    var value: Any?
    init(_ value: Any?) { self.value = value }
    func resolve(_ context: Context) throws -> Any? { value }
}

/// `{% set name = expression %}` or `{% set name %}…{% endset %}`.
final class SetNode: NodeType {
    let name: String
    let value: Resolvable?
    let body: [NodeType]
    let token: Token?

    static func parse(_ parser: TokenParser, token: Token) throws -> NodeType {
        let tag = token.components.first ?? "set"
        let contents = token.contents.dropFirst(tag.count).trimmingCharacters(in: .whitespaces)
        guard let equals = contents.firstIndex(of: "=") else {
            let body = try parser.parse(until(["endset"]))
            guard parser.nextToken() != nil else {
                throw TemplateSyntaxError("'{% set \(contents) %}' is never closed; expected '{% endset %}'")
            }
            return SetNode(name: contents, value: nil, body: body, local: tag != "set", token: token)
        }
        let name = contents[..<equals].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw TemplateSyntaxError(
                "'{% set %}' assigns one name (expected '{% set NAME = VALUE %}'), found '\(name)'")
        }
        let value = try JinjaTags.resolvable(
            String(contents[contents.index(after: equals)...]), parser: parser, token: token)
        return SetNode(name: name, value: value, body: [], local: tag != "set", token: token)
    }

    /// Set in the current scope only (a `{% set %}` inside a loop), never in the render-wide box.
    let local: Bool

    init(name: String, value: Resolvable?, body: [NodeType], local: Bool, token: Token) {
        self.name = name
        self.value = value
        self.body = body
        self.local = local
        self.token = token
    }

    func render(_ context: Context) throws -> String {
        let resolved: Any? = try value.map { try $0.resolve(context) } ?? renderNodes(body, context)
        if !local, let slot = context[name] as? SetSlot {
            slot.value = resolved
        } else {
            context[name] = resolved
        }
        return ""
    }
}

/// A macro as defined: its parameters (with defaults) and body.
final class TemplateMacro {
    let parameters: [(name: String, fallback: Resolvable?)]
    let body: [NodeType]

    init(parameters: [(name: String, fallback: Resolvable?)], body: [NodeType]) {
        self.parameters = parameters
        self.body = body
    }
}

/// `{% macro name(a, b="x") %}…{% endmacro %}`: defines the macro where it stands.
final class MacroNode: NodeType {
    let name: String
    let macro: TemplateMacro
    let token: Token?

    static func parse(_ parser: TokenParser, token: Token) throws -> NodeType {
        let contents = token.contents.dropFirst("macro".count).trimmingCharacters(in: .whitespaces)
        guard let open = contents.firstIndex(of: "("), contents.hasSuffix(")") else {
            throw TemplateSyntaxError("expected '{% macro NAME(PARAMETERS) %}', found '{% \(token.contents) %}'")
        }
        let name = contents[..<open].trimmingCharacters(in: .whitespaces)
        let list = String(contents[contents.index(after: open)..<contents.index(before: contents.endIndex)])
        let parameters = try JinjaTags.splitArguments(list).map { item -> (name: String, fallback: Resolvable?) in
            if let (key, value) = JinjaTags.keyword(item) {
                return (key, try JinjaTags.resolvable(value, parser: parser, token: token))
            }
            return (item, nil)
        }
        let body = try parser.parse(until(["endmacro"]))
        guard parser.nextToken() != nil else {
            throw TemplateSyntaxError("'{% macro \(name) %}' is never closed; expected '{% endmacro %}'")
        }
        return MacroNode(name: name, macro: TemplateMacro(parameters: parameters, body: body), token: token)
    }

    init(name: String, macro: TemplateMacro, token: Token) {
        self.name = name
        self.macro = macro
        self.token = token
    }

    func render(_ context: Context) throws -> String {
        if let slot = context[name] as? SetSlot { slot.value = macro } else { context[name] = macro }
        return ""
    }
}

/// `{% __call name args %}`: a macro called from `{{ name(args) }}`.
final class CallNode: NodeType {
    let name: String
    let positional: [Resolvable]
    let named: [(String, Resolvable)]
    let token: Token?

    static func parse(_ parser: TokenParser, token: Token) throws -> NodeType {
        let contents = token.contents.dropFirst("__call".count).trimmingCharacters(in: .whitespaces)
        let name = String(contents.prefix { $0 != " " })
        var positional: [Resolvable] = []
        var named: [(String, Resolvable)] = []
        for argument in JinjaTags.splitArguments(String(contents.dropFirst(name.count))) {
            if let (key, value) = JinjaTags.keyword(argument) {
                named.append((key, try JinjaTags.resolvable(value, parser: parser, token: token)))
            } else {
                positional.append(try JinjaTags.resolvable(argument, parser: parser, token: token))
            }
        }
        return CallNode(name: name, positional: positional, named: named, token: token)
    }

    init(name: String, positional: [Resolvable], named: [(String, Resolvable)], token: Token) {
        self.name = name
        self.positional = positional
        self.named = named
        self.token = token
    }

    func render(_ context: Context) throws -> String {
        let found = context[name]
        guard let macro = (found as? SetSlot)?.value as? TemplateMacro ?? found as? TemplateMacro else {
            throw TemplateSyntaxError(
                "'\(name)' is called but no '{% macro \(name)(…) %}' is defined before the call")
        }
        var scope: [String: Any] = [:]
        for (index, parameter) in macro.parameters.enumerated() {
            let given = try index < positional.count ? positional[index].resolve(context) : nil
            let keyword = try named.first { $0.0 == parameter.name }?.1.resolve(context)
            if let value = try keyword ?? given ?? parameter.fallback?.resolve(context) {
                scope[parameter.name] = value
            }
        }
        return try context.push(dictionary: scope) { try renderNodes(macro.body, context) }
    }
}
