/// Everything that can go wrong when finding, reading or writing a workspace, each case carrying the place
/// and the expected/found values so that the CLI can print one clear line.
public enum WorkspaceError: Diagnosable, Equatable {
    /// No `whet.toml` in the directory or any parent.
    case notFound(searchedFrom: String)
    /// `whet.toml` is not valid TOML.
    case malformedConfig(SourceLocation, String)
    /// `whet.toml` parsed, but a value has the wrong type or an impossible value.
    case invalidConfig(SourceLocation, expected: String, found: String)
    /// A `--backend` or `default_backend` names a backend the config does not define.
    case unknownBackend(String, known: [String])
    /// A prompt name does not match any `prompts/NAME.prompty`.
    case unknownPrompt(String, known: [String])
    /// The workspace (or the part of it that must be written) cannot be written.
    case readOnly(path: String, reason: String)
    /// `whet init` would overwrite an existing workspace.
    case alreadyExists(String)
    /// A file could not be read or written for an operating-system reason.
    case io(path: String, reason: String)
    /// A file is larger than whet reads; `setting` is what raises the limit.
    case tooLarge(path: String, size: Int, limit: Int, setting: String)

    public var diagnosis: Diagnosis {
        switch self {
        case .notFound(let dir):
            return Diagnosis(
                at: nil,
                "not a whet workspace (no whet.toml in \(dir) or any parent); run `whet init DIR` or pass -C DIR")
        case .malformedConfig(let location, let message):
            return Diagnosis(at: location, "malformed TOML: \(message)")
        case .invalidConfig(let location, let expected, let found):
            return Diagnosis(at: location, "expected \(expected), found \(found)")
        case .unknownBackend(let name, let known):
            return Diagnosis(
                at: nil,
                "unknown backend '\(name)'; whet.toml defines: \(known.isEmpty ? "none" : known.joined(separator: ", "))"
            )
        case .unknownPrompt(let name, let known):
            return Diagnosis(
                at: nil,
                "no prompt 'prompts/\(name).prompty'; prompts here: \(known.isEmpty ? "none" : known.joined(separator: ", "))"
            )
        case .readOnly(let path, let reason):
            return Diagnosis(
                at: SourceLocation(file: path),
                "workspace is read-only: \(reason); nothing was changed")
        case .alreadyExists(let path):
            return Diagnosis(
                at: SourceLocation(file: path),
                "a workspace already exists here (whet.toml); not overwriting it")
        case .io(let path, let reason):
            return Diagnosis(at: SourceLocation(file: path), reason)
        case .tooLarge(let path, let size, let limit, let setting):
            return Diagnosis(
                at: SourceLocation(file: path),
                "the file is \(ByteCount.describe(size)), over the limit of \(ByteCount.describe(limit)) (\(setting)); not read"
            )
        }
    }
}
