import Foundation

/// Lists the models a backend offers (`GET {base_url}/models`, or `/v1/models` for Anthropic).
public enum ModelCatalog {
    /// The model ids the server reports, sorted; the offline backend reports its one model.
    public static func models(for config: BackendConfig, workspaceRoot: URL?) async throws -> [String] {
        guard config.kind != .offline else { return [config.model] }
        let key = try APIKey.resolve(config, workspaceRoot: workspaceRoot)
        let path = config.kind == .anthropic ? "v1/models" : "models"
        var headers: [(String, String)] = [("Accept", "application/json")]
        if config.kind == .anthropic {
            headers.append(("anthropic-version", config.http.anthropicVersion))
            if !key.isEmpty { headers.append(("x-api-key", key)) }
        } else if !key.isEmpty {
            headers.append(("Authorization", "Bearer \(key)"))
        }
        headers += config.http.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let url = joinURL(config.http.baseURL, path)
        let request = HTTPTransport.Request(method: .GET, url: url, headers: headers, body: nil)
        let activity = HTTPTransport.Activity()
        let (status, _, body) = try await withTimeoutWatchdog(
            firstByte: config.http.firstByteTimeout, idle: config.http.idleTimeout, activity: activity,
            timeoutError: { what, seconds in BackendError.timeout(backend: config.name, url: url, what: what, seconds: seconds) }
        ) {
            var collected = Data()
            let result = try await HTTPTransport(connectTimeout: config.http.connectTimeout).send(request, activity: activity) { buffer in
                collected.append(contentsOf: buffer.readableBytesView)
            }
            return (result.status, result.headers, result.errorBody ?? collected)
        }
        if status >= 400 {
            let wire: any ChatWireProtocol = config.kind == .anthropic ? AnthropicChatProtocol() : OpenAIChatProtocol()
            let (type, message) = wire.error(from: body)
            throw BackendError.http(backend: config.name, url: url, status: status, type: type,
                                    message: APIKey.redact(message ?? "no message", key: key), hint: nil)
        }
        guard let list = WireJSON.object(body)?["data"] as? [[String: Any]] else {
            throw BackendError.protocolError(backend: config.name, url: url, message: "expected {\"data\": [{\"id\": …}]}")
        }
        return list.compactMap { $0["id"] as? String }.sorted()
    }
}
