// The Backends folder: the ModelBackend protocol every model server is reached through, and the offline backend.

/// What can go wrong when asking a backend for an answer.
public enum BackendError: Error, CustomStringConvertible, Equatable {
    /// The run was cancelled by the user; the partial output is kept.
    case cancelled
    /// The backend failed, with the backend's name and what it said.
    case failed(backend: String, message: String)
    /// The backend is configured in a way that cannot work (no key, key file inside the workspace …).
    case configuration(backend: String, message: String)
    /// The server answered with an error status: what it said, where (the URL, never the key), and what to do.
    case http(backend: String, url: String, status: Int, type: String?, message: String, hint: String?)
    /// No answer in time.
    case timeout(backend: String, url: String, what: String, seconds: Double)
    /// The connection failed or dropped.
    case connection(backend: String, url: String, message: String)
    /// The server's answer could not be understood.
    case protocolError(backend: String, url: String, message: String)

    public var description: String {
        switch self {
        case .cancelled: return "cancelled"
        case .failed(let backend, let message): return diagnostic("error", at: nil, "backend '\(backend)': \(message)")
        case .configuration(let backend, let message): return diagnostic("error", at: nil, "backend '\(backend)': \(message)")
        case .http(let backend, let url, let status, let type, let message, let hint):
            var text = "backend '\(backend)' (\(url)): HTTP \(status)"
            if let type { text += " \(type)" }
            text += ": \(message)"
            if let hint { text += " — \(hint)" }
            return diagnostic("error", at: nil, text)
        case .timeout(let backend, let url, let what, let seconds):
            return diagnostic("error", at: nil, "backend '\(backend)' (\(url)): no \(what) within \(Int(seconds)) s (raise the timeout in whet.toml if the server is slow)")
        case .connection(let backend, let url, let message):
            return diagnostic("error", at: nil, "backend '\(backend)' (\(url)): connection failed: \(message)")
        case .protocolError(let backend, let url, let message):
            return diagnostic("error", at: nil, "backend '\(backend)' (\(url)): unexpected response: \(message)")
        }
    }

    /// Whether trying again may help (before any output was streamed).
    var isRetryable: Bool {
        switch self {
        case .http(_, _, let status, _, _, _): return status == 429 || status >= 500
        case .connection, .timeout: return true
        default: return false
        }
    }
}
