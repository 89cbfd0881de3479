/// What an input declares itself to be (`type:` or `kind:` in the front matter), as one value: how its text
/// is read (JSON for structured kinds, a number, a boolean, a conversation) and how the workbench edits it.
/// Spellings Prompty files use for the same kind (`list`, `int`, `bool`, `float`) are the same case; a kind
/// whet does not know is `other`, and its value is given to the template as text.
public enum InputKind: Sendable, Equatable {
    case string, number, integer, boolean, object, array
    /// A conversation: a JSON array of messages (`kind: thread`).
    case thread
    /// A declared kind whet does not read specially.
    case other(String)

    /// The kind a declaration names (already lower-cased by the front matter reader); nil declares none.
    public init(declared: String?) {
        switch declared {
        case nil, "string", "str", "text": self = .string
        case "number", "float": self = .number
        case "integer", "int": self = .integer
        case "boolean", "bool": self = .boolean
        case "object": self = .object
        case "array", "list": self = .array
        case "thread": self = .thread
        case let name?: self = .other(name)
        }
    }
}

extension PromptFile.Input {
    /// The declared kind as a value (`type` keeps the spelling as written).
    public var kind: InputKind { InputKind(declared: type) }
}
