import Foundation

/// `POST {base_url}/embeddings` on an OpenAI-compatible backend, in batches, for dense retrieval: the
/// vectors come back in the order of the texts, whatever order the server lists them in.
public struct EmbeddingClient: Sendable {
    let config: BackendConfig
    let workspaceRoot: URL?
    /// The embedding model (backends name their chat model in `model`; embeddings use their own).
    public let model: String
    /// Texts per request.
    public let batchSize: Int

    /// An embedding client for an `openai` backend.
    public init(config: BackendConfig, model: String, workspaceRoot: URL?, batchSize: Int = 64) throws {
        guard config.kind == .openai else {
            throw BackendError.configuration(
                backend: config.name, message: "embeddings need an OpenAI-compatible backend (kind = \"openai\")")
        }
        self.config = config
        self.model = model
        self.workspaceRoot = workspaceRoot
        self.batchSize = max(1, batchSize)
    }

    /// One vector per text, in order.
    public func embed(_ texts: [String]) async throws -> [[Float]] {
        let key = try APIKey.resolve(config, workspaceRoot: workspaceRoot)
        let url = joinURL(config.http.baseURL, "embeddings")
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        for start in stride(from: 0, to: texts.count, by: batchSize) {
            let batch = Array(texts[start..<min(texts.count, start + batchSize)])
            let body = try WireJSON.encode(["model": model, "input": batch])
            let request = HTTPTransport.Request(
                url: url,
                headers: [("Content-Type", "application/json")]
                    + HTTPTransport.standardHeaders(config, key: key), body: body)
            let data = try await HTTPTransport.fetch(request, config: config, key: key)
            guard let items = WireJSON.object(data)?["data"] as? [[String: Any]], items.count == batch.count else {
                throw BackendError.protocolError(
                    backend: config.name, url: url, message: "expected \(batch.count) embeddings in \"data\"")
            }
            let ordered = items.sorted { ($0["index"] as? Int ?? 0) < ($1["index"] as? Int ?? 0) }
            for item in ordered {
                guard let numbers = item["embedding"] as? [NSNumber] else {
                    throw BackendError.protocolError(
                        backend: config.name, url: url, message: "an embedding that is not a list of numbers")
                }
                vectors.append(numbers.map(\.floatValue))
            }
        }
        return vectors
    }
}
