/// What can go wrong with sessions.
public enum SessionError: Diagnosable, Equatable {
    /// No session directory with this id (or prefix).
    case unknownSession(String, known: [String])
    /// A prefix matches several sessions.
    case ambiguousSession(String, matches: [String])

    public var diagnosis: Diagnosis {
        switch self {
        case .unknownSession(let id, let known):
            let hint =
                known.isEmpty
                ? "there are no sessions yet (run `whet run` first)"
                : "sessions: \(known.suffix(5).joined(separator: ", "))"
            return Diagnosis(at: nil, "no session '\(id)'; \(hint)")
        case .ambiguousSession(let id, let matches):
            return Diagnosis(at: nil, "'\(id)' matches several sessions: \(matches.joined(separator: ", "))")
        }
    }
}
