/// What the status line says after something happened: news, a warning, or an error (with the error value,
/// so a test or a log can see what failed, not only its wording).
public struct StatusMessage: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case info, warning, error
    }

    public var kind: Kind
    public var text: String
    /// The error behind an `.error` message, when there is one.
    public var error: (any Error)?

    /// News: `saved prompts/x.prompty`.
    public static func info(_ text: String) -> StatusMessage { StatusMessage(kind: .info, text: text) }
    /// Something the user should know that did not fail.
    public static func warning(_ text: String) -> StatusMessage { StatusMessage(kind: .warning, text: text) }
    /// Something that failed, in words.
    public static func error(_ text: String) -> StatusMessage { StatusMessage(kind: .error, text: text) }
    /// An error value, said as its description.
    public static func failure(_ error: any Error) -> StatusMessage {
        StatusMessage(kind: .error, text: "\(error)", error: error)
    }

    /// Warnings and errors are drawn in the error style.
    public var isError: Bool { kind != .info }

    public static func == (lhs: StatusMessage, rhs: StatusMessage) -> Bool {
        lhs.kind == rhs.kind && lhs.text == rhs.text
    }
}
