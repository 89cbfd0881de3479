import Foundation
import Mustache
import Stencil

/// A section's text as a Jinja-style template (Prompty's default engine): `{{ variable }}`, dotted and
/// indexed access (`{{ customer.firstName }}`, `{{ items[0] }}`), `{% for %}`, `{% if %}`, filters and
/// whitespace control (`{%-`, `-%}`), rendered by Stencil. Checked completely when the prompt is loaded, so a
/// syntax error is reported with its line and column before anything runs; a variable the template prints
/// or loops over with no value is an error naming it, never an empty string. A file whose front matter says
/// `template: mustache` is rendered by a mustache engine instead, under the same rules.
public struct PromptTemplate: Sendable, Equatable {
    /// The template languages a prompt may be written in.
    public enum Engine: String, Sendable, Equatable {
        /// Jinja-style (Prompty's default: `jinja2`), rendered by Stencil.
        case jinja
        /// Mustache (`{{name}}`, `{{#items}}…{{/items}}`), rendered by swift-mustache as plain text: a prompt
        /// is not HTML, so `<`, `&` and quotes reach the model as written.
        case mustache
    }

    /// The template as written.
    public let source: String
    /// Which language it is written in.
    public let engine: Engine
    /// What the engine renders (Jinja spellings it does not know rewritten).
    let translated: String
    /// Where the section starts in the prompt file.
    let file: String
    let firstLine: Int
    /// Every variable the template uses from outside, in order of first use, with where.
    let uses: [TemplateScanner.Use]
    /// The folder `{% include %}` and `{% extends %}` names are read from (the prompt's).
    let directory: URL?
    /// Names set or defined outside any loop, which live for the whole render.
    let renderScoped: Set<String>

    /// The distinct variable names used, in order of first use.
    public var variables: [String] { uses.map(\.name) }

    /// The mustache template, parsed once (nil for Jinja).
    private let mustache: MustacheTemplate?

    /// Parses `text`, whose first line is line `firstLine` of `file`, and checks its syntax; `directory` is where
    /// the files it includes or extends are (the prompt's folder).
    public init(
        parsing text: String, file: String, firstLine: Int, engine: Engine = .jinja, directory: URL? = nil
    ) throws {
        source = text
        self.engine = engine
        self.file = file
        self.firstLine = firstLine
        self.directory = directory
        switch engine {
        case .jinja:
            let scanner = try TemplateScanner(text, file: file, firstLine: firstLine)
            translated = scanner.translated
            renderScoped = scanner.renderScoped
            uses = try scanner.uses + PromptTemplate.includedUses(scanner, at: directory, file: file, line: firstLine)
            mustache = nil
            // Tags, filters and expressions are checked by parsing the whole template once, here.
            _ = try renderChecked([:])
        case .mustache:
            renderScoped = []
            uses = try MustacheScanner(text, file: file, firstLine: firstLine).uses
            // The pragma stands alone on its own line, so the engine drops it; errors are one line lower.
            translated = PromptTemplate.plainText + text
            do {
                mustache = try MustacheTemplate(string: translated)
            } catch let error as MustacheTemplate.ParserError {
                throw PromptError.templateSyntax(
                    SourceLocation(
                        file: file, line: firstLine + error.context.lineNumber - 2, column: error.context.columnNumber),
                    PromptTemplate.describe(error.error))
            }
        }
    }

    /// Makes mustache print values as they are instead of HTML-escaping them.
    private static let plainText = "{{% CONTENT_TYPE: TEXT}}\n"

    /// Fills the template from `values` (strings, or structured values from `TemplateValue`); the first
    /// required variable without a value is an error naming it and where it is used.
    public func render(_ values: [String: String], structured: [String: JSONValue] = [:], file: String) throws
        -> String
    {
        for use in uses where use.required && values[use.name] == nil && structured[use.name] == nil {
            throw PromptError.missingVariable(
                use.name, SourceLocation(file: file, line: use.line, column: use.column))
        }
        var context: [String: Any] = [:]
        for (name, value) in values { context[name] = TemplateValue.parse(value) }
        for (name, value) in structured { context[name] = TemplateValue.engineValue(value) }
        if let mustache { return mustache.render(context) }
        return try renderChecked(context)
    }

    /// The variables of the files the template includes or extends (and theirs), never required: which of
    /// their parts render is up to the template. A file that cannot be read is an error at the template.
    private static func includedUses(
        _ scanner: TemplateScanner, at directory: URL?, file: String, line: Int
    ) throws -> [TemplateScanner.Use] {
        var seen = Set(scanner.uses.map(\.name)).union(scanner.assigned)
        var pending = scanner.files
        var visited = Set<String>()
        var result: [TemplateScanner.Use] = []
        while let name = pending.popLast(), visited.count < 32 {
            guard visited.insert(name).inserted else { continue }
            let text: String
            do {
                text = try TemplateFileLoader.body(of: name, in: directory ?? URL(fileURLWithPath: "."))
            } catch let error as TemplateSyntaxError {
                throw PromptError.templateSyntax(SourceLocation(file: file, line: line), error.reason)
            }
            let included = try TemplateScanner(text, file: name, firstLine: 1)
            for use in included.uses where seen.insert(use.name).inserted {
                result.append(TemplateScanner.Use(name: use.name, line: line, column: 1, required: false))
            }
            pending += included.files
        }
        return result
    }

    /// A mustache parse error in words.
    private static func describe(_ error: Error) -> String {
        switch error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect: return "a section is closed with a different name than it was opened"
        case .unfinishedName: return "a tag is not finished (expected '}}')"
        case .expectedSectionEnd: return "a section is not closed (expected '{{/name}}')"
        case .invalidSetDelimiter: return "a delimiter change ('{{=<% %>=}}') is malformed"
        case .invalidConfigVariableSyntax, .unrecognisedConfigVariable: return "a '{{% …}}' pragma is not understood"
        case .some(let other): return "\(other)"
        case nil: return "\(error)"
        }
    }

    private func renderChecked(_ values: [String: Any]) throws -> String {
        // Never empty (Stencil sets nothing in an empty context); names set outside loops get one box each.
        var context = values
        context["__whet_template"] = true
        for name in renderScoped { context[name] = SetSlot(values[name]) }
        let environment = Environment(
            loader: TemplateFileLoader(directory: directory ?? URL(fileURLWithPath: ".")),
            extensions: [PromptTemplate.jinja], trimBehaviour: .nothing)
        do {
            return try environment.renderTemplate(string: translated, context: context)
        } catch let error as TemplateSyntaxError {
            let location = error.token.map { token in
                SourceLocation(
                    file: file, line: firstLine + Int(token.sourceMap.location.lineNumber) - 1,
                    column: token.sourceMap.location.lineOffset + 1)
            }
            throw PromptError.templateSyntax(location ?? SourceLocation(file: file, line: firstLine), error.reason)
        } catch {
            throw PromptError.templateSyntax(SourceLocation(file: file, line: firstLine), "\(error)")
        }
    }

    /// Stencil extended with the Jinja2 filters, tests and tags prompts use (`JinjaFilters`, `JinjaTags`).
    nonisolated(unsafe) static let jinja: Extension = {
        let jinja = Extension()
        JinjaFilters.register(on: jinja)
        JinjaTags.register(on: jinja)
        return jinja
    }()

    public static func == (lhs: PromptTemplate, rhs: PromptTemplate) -> Bool {
        lhs.source == rhs.source && lhs.engine == rhs.engine && lhs.file == rhs.file && lhs.firstLine == rhs.firstLine
    }
}
