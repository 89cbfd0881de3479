import Foundation

extension HTTPTransport {
    /// The headers every request to `config`'s server carries: the key in the kind's own header
    /// (`Authorization: Bearer` or `x-api-key` with `anthropic-version`), then the user's extra headers.
    /// One place, so chat, model listing and embeddings cannot drift apart.
    static func standardHeaders(_ config: BackendConfig, key: String) -> [(String, String)] {
        var headers: [(String, String)] = []
        if config.kind == .anthropic {
            headers.append(("anthropic-version", config.http.anthropicVersion))
            if !key.isEmpty { headers.append(("x-api-key", key)) }
        } else if !key.isEmpty {
            headers.append(("Authorization", "Bearer \(key)"))
        }
        return headers + config.http.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// A whole (non-streamed) exchange for `config`: sends `request` under the first-byte and idle watchdog,
    /// returns the body, and turns an error status into the same `BackendError.http` chat runs report.
    static func fetch(_ request: Request, config: BackendConfig, key: String) async throws -> Data {
        let activity = Activity()
        let url = request.url
        let limit = config.http.maxResponseBytes
        let (status, body) = try await withTimeoutWatchdog(
            HTTPTransport.TimeLimits(config.http), activity: activity,
            timeoutError: { kind, seconds in
                BackendError.timeout(backend: config.name, url: url, kind: kind, seconds: seconds)
            }
        ) {
            var collected = Data()
            let result = try await HTTPTransport(connectTimeout: config.http.connectTimeout).send(
                request, activity: activity
            ) {
                guard collected.count + $0.readableBytes <= limit else {
                    throw BackendError.tooLarge(backend: config.name, url: url, what: "a response body", limit: limit)
                }
                collected.append(contentsOf: $0.readableBytesView)
            }
            return (result.status, result.errorBody ?? collected)
        }
        guard status < 400 else {
            let wire: any ChatWireProtocol = config.kind == .anthropic ? AnthropicChatProtocol() : OpenAIChatProtocol()
            let (type, message) = wire.error(from: body)
            throw BackendError.http(
                backend: config.name, url: url, status: status, type: type,
                message: APIKey.redact(message ?? "no message", key: key), hint: nil)
        }
        return body
    }
}
