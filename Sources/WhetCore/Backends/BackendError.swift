// The Backends folder: the ModelBackend protocol every model server is reached through, and the offline backend.

/// What can go wrong when asking a backend for an answer.
public enum BackendError: Error, CustomStringConvertible, Equatable {
    /// The run was cancelled by the user; the partial output is kept.
    case cancelled
    /// The backend failed, with the backend's name and what it said.
    case failed(backend: String, message: String)

    public var description: String {
        switch self {
        case .cancelled: return "cancelled"
        case .failed(let backend, let message): return diagnostic("error", at: nil, "backend '\(backend)': \(message)")
        }
    }
}
