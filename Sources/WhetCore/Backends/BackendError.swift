// The Backends folder: the ModelBackend protocol every model server is reached through, and the offline backend.

/// What can go wrong when asking a backend for an answer.
public enum BackendError: Diagnosable, Equatable {
    /// The run was cancelled by the user; the partial output is kept.
    case cancelled
    /// The backend failed, with the backend's name and what it said.
    case failed(backend: String, message: String)
    /// The backend is configured in a way that cannot work (no key, key file inside the workspace …).
    case configuration(backend: String, message: String)
    /// The server answered with an error status: what it said, where (the URL, never the key), and what to do.
    case http(backend: String, url: String, status: Int, type: String?, message: String, hint: String?)
    /// No answer in time: which watchdog fired and its limit.
    case timeout(backend: String, url: String, kind: TimeoutKind, seconds: Double)
    /// The server sent more than whet accepts in one piece (an event, a body).
    case tooLarge(backend: String, url: String, what: String, limit: Int)
    /// The connection failed or dropped.
    case connection(backend: String, url: String, message: String)
    /// The server's answer could not be understood.
    case protocolError(backend: String, url: String, message: String)

    public var description: String { self == .cancelled ? message : diagnostic("error", at: nil, message) }

    /// The failure as a value: no location, the message a run record keeps.
    public var diagnosis: Diagnosis { Diagnosis(at: nil, message) }

    /// What went wrong without a severity: the value a run record keeps (a front end adds `error:` when it
    /// prints it, once).
    public var message: String {
        switch self {
        case .cancelled: return "cancelled"
        case .failed(let backend, let message): return "backend '\(backend)': \(message)"
        case .configuration(let backend, let message):
            return "backend '\(backend)': \(message)"
        case .http(let backend, let url, let status, let type, let message, let hint):
            var text = "backend '\(backend)' (\(url)): HTTP \(status)"
            if let type { text += " \(type)" }
            text += ": \(message)"
            if let hint { text += " — \(hint)" }
            return text
        case .timeout(let backend, let url, let kind, let seconds):
            let limit = seconds >= 1 ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds)
            let what: String
            switch kind {
            case .firstByte: what = "no response within \(limit)"
            case .idle: what = "no data for \(limit) in the middle of the answer"
            case .request: what = "the request was still not finished after \(limit)"
            }
            return
                ("backend '\(backend)' (\(url)): \(what) (\(kind.setting) in [backends.\(backend)]; raise it if the server is slow)")
        case .tooLarge(let backend, let url, let what, let limit):
            return
                ("backend '\(backend)' (\(url)): \(what) larger than \(ByteCount.describe(limit)) "
                + "(max_response_bytes in [backends.\(backend)]); the rest was not read")
        case .connection(let backend, let url, let message):
            return ("backend '\(backend)' (\(url)): connection failed: \(message)")
        case .protocolError(let backend, let url, let message):
            return ("backend '\(backend)' (\(url)): unexpected response: \(message)")
        }
    }

    /// Which of a request's time limits ran out.
    public enum TimeoutKind: String, Sendable, Equatable {
        /// Nothing at all arrived (`first_byte_timeout`).
        case firstByte
        /// Data stopped arriving mid-answer (`idle_timeout`).
        case idle
        /// The whole request took too long, however steadily bytes arrived (`request_timeout`).
        case request

        /// The whet.toml key that sets this limit.
        public var setting: String {
            switch self {
            case .firstByte: return "first_byte_timeout"
            case .idle: return "idle_timeout"
            case .request: return "request_timeout"
            }
        }
    }

    /// Whether trying again may help (before any output was streamed).
    var isRetryable: Bool {
        switch self {
        case .http(_, _, let status, _, _, _): return status == 429 || status >= 500
        case .timeout(_, _, let kind, _): return kind != .request  // a server that used the whole budget will again
        case .connection: return true
        default: return false
        }
    }
}
