// The Workspace folder: finding, loading, validating and writing a workspace directory.

/// A place in a user's file that a message points at, printed in the compilers' `FILE:LINE:COLUMN` form
/// so that editors and terminals can jump straight to it.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    /// The file's path as the user would type it (relative to the workspace when inside it).
    public var file: String
    /// 1-based line, or nil when the problem concerns the whole file.
    public var line: Int?
    /// 1-based column, or nil when only the line is known.
    public var column: Int?

    /// Makes a location; line and column are optional because some problems (a binary file) have none.
    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let line = line, line > 0, let column { text += ":\(column)" }
        return text
    }
}

/// An error's facts as values: where it is (when known), what went wrong without a severity, and what to try
/// (when the message does not already say). Each front end words them once — the CLI as a compiler-style line,
/// the workbench in its status line — and neither reads a description back.
public struct Diagnosis: Sendable, Equatable {
    public var location: SourceLocation?
    public var message: String
    public var hint: String?

    /// What went wrong (`message`) and where, if known.
    public init(at location: SourceLocation?, _ message: String, hint: String? = nil) {
        self.location = location
        self.message = message
        self.hint = hint
    }
}

/// An error that gives its `Diagnosis` as a value; its `description` is the line the CLI prints
/// (`file:line: error: message`).
public protocol Diagnosable: Error, CustomStringConvertible {
    var diagnosis: Diagnosis { get }
}

extension Diagnosable {
    public var description: String {
        let line = diagnostic("error", at: diagnosis.location, diagnosis.message)
        return diagnosis.hint.map { "\(line) (\($0))" } ?? line
    }
}

/// Formats a one-line diagnostic the way compilers do, so every bad input reads the same way.
public func diagnostic(_ severity: String, at location: SourceLocation?, _ message: String) -> String {
    if let location { return "\(location): \(severity): \(message)" }
    return "\(severity): \(message)"
}

/// A non-fatal problem found while loading something: shown to the user, never silently dropped.
public struct Warning: Sendable, Equatable, CustomStringConvertible {
    /// Where the problem is, when it has a place.
    public var location: SourceLocation?
    /// What is wrong and what was done about it.
    public var message: String

    /// Makes a warning for a place (or none) with a message written for the user.
    public init(_ message: String, at location: SourceLocation? = nil) {
        self.message = message
        self.location = location
    }

    public var description: String { diagnostic("warning", at: location, message) }
}
