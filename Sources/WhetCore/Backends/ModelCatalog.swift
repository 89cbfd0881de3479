import Foundation

/// Lists the models a backend offers (`GET {base_url}/models`, or `/v1/models` for Anthropic).
public enum ModelCatalog {
    /// The model ids the server reports, sorted; the offline backend reports its one model.
    public static func models(for config: BackendConfig, workspaceRoot: URL?) async throws -> [String] {
        guard config.kind != .offline else { return [config.model] }
        let key = try APIKey.resolve(config, workspaceRoot: workspaceRoot)
        let path = config.kind == .anthropic ? "v1/models" : "models"
        let url = joinURL(config.http.baseURL, path)
        let request = HTTPTransport.Request(
            method: .GET, url: url,
            headers: [("Accept", "application/json")] + HTTPTransport.standardHeaders(config, key: key), body: nil)
        let body = try await HTTPTransport.fetch(request, config: config, key: key)
        guard let list = WireJSON.object(body)?["data"] as? [[String: Any]] else {
            throw BackendError.protocolError(
                backend: config.name, url: url, message: "expected {\"data\": [{\"id\": …}]}")
        }
        return list.compactMap { $0["id"] as? String }.sorted()
    }
}
