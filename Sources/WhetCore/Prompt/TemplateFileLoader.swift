import Foundation
import Stencil

/// Finds the files a Jinja template names in `{% include %}` and `{% extends %}` as Jinja2's `FileSystemLoader`
/// would from the prompt's folder: relative to it (or absolute). A `.prompty` file is its body, without the
/// front matter, as Prompty's runtime registers a base prompt's template; every file is read through
/// `TemplateScanner`, so it may use the same Jinja as the prompt.
final class TemplateFileLoader: Loader {
    let directory: URL
    /// The largest file read, so an include cannot pull in something huge.
    static let maxBytes = 4 * 1024 * 1024

    init(directory: URL) { self.directory = directory }

    func loadTemplate(name: String, environment: Environment) throws -> Template {
        let text = try TemplateFileLoader.body(of: name, in: directory)
        let translated = try TemplateScanner(text, file: name, firstLine: 1).translated
        return environment.templateClass.init(templateString: translated, environment: environment, name: name)
    }

    /// The template text of the file `name` names, relative to `directory`.
    static func body(of name: String, in directory: URL) throws -> String {
        let url = name.hasPrefix("/") ? URL(fileURLWithPath: name) : directory.appendingPathComponent(name)
        guard let handle = try? FileHandle(forReadingFrom: url),
            let data = try? handle.read(upToCount: maxBytes + 1), data.count <= maxBytes,
            let text = String(data: data, encoding: .utf8)
        else {
            throw TemplateSyntaxError(
                "cannot read the template '\(name)' (expected a UTF-8 file of at most 4 MiB next to the prompt, at \(url.path))"
            )
        }
        try? handle.close()
        return url.pathExtension.lowercased() == "prompty" ? promptyBody(text) : text
    }

    /// A prompt file's text after its `---` front matter.
    static func promptyBody(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first?.trimmingCharacters(in: .whitespaces) == "---",
            let close = lines.indices.dropFirst().first(where: {
                lines[$0].trimmingCharacters(in: .whitespaces) == "---"
            })
        else { return text }
        return lines[(close + 1)...].joined(separator: "\n").trimmingCharacters(in: .newlines)
    }
}
