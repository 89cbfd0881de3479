// The Prompt folder: Prompty-style prompt files, {{variable}} templates and their rendering to chat messages.

/// What can be wrong with a prompt file or its rendering, each case located in the prompt file.
public enum PromptError: Diagnosable, Equatable {
    /// The file could not be read as UTF-8 text.
    case unreadable(SourceLocation)
    /// The front matter is not valid YAML, or not a mapping.
    case malformedFrontMatter(SourceLocation, String)
    /// The `---` front matter block has no closing `---`.
    case unclosedFrontMatter(SourceLocation)
    /// A `{{` has no matching `}}` on the same line.
    case unclosedPlaceholder(SourceLocation)
    /// `{{ }}` holds something that is not a variable name.
    case invalidVariableName(SourceLocation, found: String)
    /// A variable used by the template has no value.
    case missingVariable(String, SourceLocation)
    /// A `--var` argument is not `NAME=VALUE`.
    case malformedAssignment(String)
    /// Text stands above the first `system:` / `user:` / `assistant:` line, where it belongs to no message.
    case textBeforeFirstRole(SourceLocation)
    /// A template tag, filter or expression the engine cannot read, and why.
    case templateSyntax(SourceLocation, String)
    /// A value does not fit the type its input declares.
    case invalidInput(String, SourceLocation, expected: String, found: String)
    /// `--var NAME=@PATH` names a file that cannot be read.
    case unreadableValueFile(String, path: String)

    public var diagnosis: Diagnosis {
        switch self {
        case .unreadable(let at):
            return Diagnosis(at: at, "cannot read the prompt as UTF-8 text")
        case .malformedFrontMatter(let at, let message):
            return Diagnosis(at: at, "malformed front matter: \(message)")
        case .unclosedFrontMatter(let at):
            return Diagnosis(at: at, "front matter opened with '---' is never closed; expected a line '---'")
        case .unclosedPlaceholder(let at):
            return Diagnosis(at: at, "unclosed '{{': expected '}}' on the same line")
        case .invalidVariableName(let at, let found):
            return Diagnosis(
                at: at,
                "expected a variable name (letters, digits, _ . -) inside '{{ }}', found '\(found)'")
        case .missingVariable(let name, let at):
            return Diagnosis(
                at: at,
                "variable '\(name)' has no value; pass --var \(name)=VALUE or give it a sample under inputs:")
        case .malformedAssignment(let text):
            return Diagnosis(at: nil, "expected --var NAME=VALUE, found '\(text)'")
        case .invalidInput(let name, let at, let expected, let found):
            return Diagnosis(at: at, "input '\(name)' expects \(expected), found '\(found)'")
        case .unreadableValueFile(let name, let path):
            return Diagnosis(
                at: nil,
                "--var \(name)=@\(path): cannot read '\(path)' (a value starting with @ names a file; @@ starts one with @)"
            )
        case .templateSyntax(let at, let reason):
            return Diagnosis(at: at, "template: \(reason)")
        case .textBeforeFirstRole(let at):
            return Diagnosis(
                at: at,
                "text before the first role line belongs to no message; expected 'system:', 'user:' or 'assistant:' above it"
            )
        }
    }
}
