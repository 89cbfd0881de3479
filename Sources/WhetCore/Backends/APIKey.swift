import Foundation

/// Finds a backend's key where the user said it is (an environment variable, or a file outside the
/// workspace) and keeps it out of everything whet writes: messages show it redacted.
public enum APIKey {
    /// The key for `config`, or a `BackendError` saying how to provide one.
    public static func resolve(
        _ config: BackendConfig, workspaceRoot: URL?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> String {
        let http = config.http
        if let file = http.apiKeyFile {
            let url = URL(fileURLWithPath: (file as NSString).expandingTildeInPath).standardizedFileURL
            if let root = workspaceRoot?.standardizedFileURL.path, url.path.hasPrefix(root + "/") {
                throw BackendError.configuration(
                    backend: config.name,
                    message:
                        "api_key_file \(file) is inside the workspace; keep keys outside it so they are never committed"
                )
            }
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw BackendError.configuration(backend: config.name, message: "cannot read api_key_file \(file)")
            }
            let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !key.isEmpty else {
                throw BackendError.configuration(backend: config.name, message: "api_key_file \(file) is empty")
            }
            return key
        }
        let variable = http.apiKeyEnvironment ?? defaultVariable(config.kind)
        if let key = environment[variable], !key.isEmpty { return key }
        if isLocal(http.baseURL) { return "" }
        throw BackendError.configuration(
            backend: config.name,
            message:
                "no API key: set \(variable) or name another variable with api_key_env (or a file with api_key_file)")
    }

    /// The conventional variable for a kind of backend.
    public static func defaultVariable(_ kind: BackendKind) -> String {
        kind == .anthropic ? "ANTHROPIC_API_KEY" : "OPENAI_API_KEY"
    }

    /// Local servers (Ollama, llama.cpp, vLLM on this machine) usually need no key.
    static func isLocal(_ baseURL: String) -> Bool {
        guard let host = URL(string: baseURL)?.host else { return false }
        return host == "localhost" || host == "127.0.0.1" || host == "::1" || host.hasPrefix("127.")
    }

    /// `text` with every occurrence of `key` replaced, for messages that might echo a request.
    public static func redact(_ text: String, key: String) -> String {
        guard key.count >= 4 else { return text }
        return text.replacingOccurrences(of: key, with: "[redacted]")
    }
}
