import WhetCore

/// What the status line says after something happened: news, a warning, or an error. An error is kept as its
/// value (with what was being done, where, and what to try when known) and put into words once, by `text`,
/// from the error's `Diagnosis`: no message carries its own `error:` (the style says the severity) and
/// nothing reads a message back.
public struct StatusMessage: Sendable, Equatable {
    /// How much the message matters: errors and warnings are drawn in the error style.
    public enum Kind: Sendable, Equatable {
        case info, warning, error
    }

    public var kind: Kind
    /// What happened, in words; for an error value, what was being done when it failed (nil: the error alone).
    public var note: String?
    /// The error behind the message, when there is one: its own description says what went wrong.
    public var error: (any Error)?
    /// Where the problem is, when it is a place the message itself does not name.
    public var location: SourceLocation?
    /// What to try next, when something can be suggested.
    public var hint: String?

    /// News: `saved prompts/x.prompty`.
    public static func info(_ text: String) -> StatusMessage { StatusMessage(kind: .info, note: text) }
    /// Something the user should know that did not fail.
    public static func warning(_ text: String, hint: String? = nil) -> StatusMessage {
        StatusMessage(kind: .warning, note: text, hint: hint)
    }
    /// Something that failed, said in words (no error value behind it).
    public static func error(_ text: String, at location: SourceLocation? = nil, hint: String? = nil) -> StatusMessage {
        StatusMessage(kind: .error, note: text, location: location, hint: hint)
    }
    /// An error value; `doing` says what failed when the error alone would not (`retrieval is unavailable`).
    public static func failure(_ error: any Error, doing: String? = nil, hint: String? = nil) -> StatusMessage {
        StatusMessage(kind: .error, note: doing, error: error, hint: hint)
    }

    /// The workbench's one formatter: `[location: ]what[: the error][ (hint)]`, as the status line shows it and
    /// `:messages` lists it.
    ///
    /// An error that gives its `Diagnosis` (the core's errors) is worded from it — its place first, its message
    /// without severity, its hint last; another error by its description.
    public var text: String {
        let diagnosis = (error as? any Diagnosable)?.diagnosis
        var parts: [String] = []
        if let note { parts.append(note) }
        if let diagnosis {
            parts.append(diagnosis.message)
        } else if let error {
            parts.append("\(error)")
        }
        var line = parts.joined(separator: ": ")
        if let place = location ?? diagnosis?.location { line = "\(place): " + line }
        if let hint = hint ?? diagnosis?.hint { line += " (\(hint))" }
        return line
    }

    /// Warnings and errors are drawn in the error style.
    public var isError: Bool { kind != .info }

    public static func == (lhs: StatusMessage, rhs: StatusMessage) -> Bool {
        lhs.kind == rhs.kind && lhs.text == rhs.text
    }
}
